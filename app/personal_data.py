"""Personal data at rest, for every audience that handles it: contact details decrypted for staff and found by
keyed hash, erasure, the retention purge and key rotation.

Contact details are encrypted field by field (``app.web.crypto``) and found again through keyed hashes of their
canonical form (``app.contact_values``). Like ``app.services``: functions take the session and flush; the view or
command commits once. Intake writes them (``app.intake.service``); the practitioners' workspace reads, searches and
erases them; ``flask purge`` and ``flask keys`` run the rest.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy import and_, delete, func, or_, select

from app.contact_values import InvalidContact, display_phone, normalise_email, normalise_name, normalise_phone
from app.models import (
    REFERENCE_ALPHABET,
    AuditEvent,
    CheckIn,
    Contact,
    Course,
    Draft,
    OutboxMail,
    StatusChange,
    Submission,
    User,
    utcnow,
)
from app.models.outbox import PATIENT_KINDS
from app.web import crypto
from app.web.database import begin_write
from app.web.extensions import db

ERASED_RESULT: dict[str, Any] = {"erased": True}


def contact_hash(kind: str, value: str) -> str:
    """The keyed hash stored for exact-match search: ``kind`` is "name", "email" or "phone", ``value`` canonical.

    Canonical means as ``app.contact_values`` makes it: ``normalise_name``, ``normalise_email``, ``normalise_phone``.
    """
    # The kind is part of the digest, so equal strings in different fields never match each other.
    return crypto.keyed_hash(f"{kind}:{value}")


def contact_details(submission: Submission) -> dict[str, Any] | None:
    """The intake details decrypted for display to staff allowed to see them; None for a plain screen."""
    contact = submission.contact
    if contact is None:
        return None

    def clear(token: bytes | None) -> str | None:
        return crypto.decrypt(token) if token is not None else None

    birth = json.loads(clear(contact.birth_enc) or "{}")
    phone = clear(contact.phone_enc)
    return {
        "name": clear(contact.name_enc),
        "date_of_birth": birth.get("date_of_birth"),
        "age": birth.get("age"),
        "age_given_on": birth.get("given_on"),
        "phone": phone,
        "phone_display": display_phone(phone) if phone else None,
        "email": clear(contact.email_enc),
        "preferred_contact": contact.preferred_contact,
        "preferred_times": list(contact.preferred_times),
        "message": clear(contact.message_enc) or "",
        "signature": clear(contact.signature_enc),
        "consent_version": contact.consent_version,
        "consent_at": contact.consent_at,
    }


def find_by_contact(email_or_phone: str, region: str | None = None) -> list[Submission]:
    """Intake submissions with exactly this email address or phone number (as typed in any usual way), newest first."""
    value = email_or_phone.strip()
    try:
        if "@" in value:
            condition = Contact.email_hash == contact_hash("email", normalise_email(value))
        else:
            number = normalise_phone(value, region or current_app.config["PHONE_REGION"])
            condition = Contact.phone_hash == contact_hash("phone", number)
    except InvalidContact:
        return []
    query = select(Submission).join(Contact).where(condition).order_by(Submission.created_at.desc(), Submission.id)
    return list(db.session.scalars(query))


def find_by_name(name: str) -> list[Submission]:
    """Intake submissions whose name matches exactly (ignoring case and spacing), newest first."""
    if not normalise_name(name):
        return []
    query = (
        select(Submission)
        .join(Contact)
        .where(Contact.name_hash == contact_hash("name", normalise_name(name)))
        .order_by(Submission.created_at.desc(), Submission.id)
    )
    return list(db.session.scalars(query))


def normalise_reference(code: str) -> str | None:
    """``lbp 7kq4 9mxt``, ``7KQ49MXT`` and ``LBP-7KQ4-9MXT`` are the same code; None if it cannot be one."""
    chars = "".join(c for c in code.upper() if c.isalnum())
    chars = chars.removeprefix("LBP")
    if len(chars) != 8 or any(c not in REFERENCE_ALPHABET for c in chars):
        return None
    return f"LBP-{chars[:4]}-{chars[4:]}"


def find_by_reference(code: str) -> Submission | None:
    reference = normalise_reference(code)
    if reference is None:
        return None
    return db.session.scalar(select(Submission).where(Submission.reference == reference))


def erase_submission(submission: Submission, actor: User | None, *, now: datetime | None = None) -> None:
    """Erase the personal data of a submission, keeping a non-identifying stub and audit record.

    The contact details, the practitioner's review, any course of treatment with its check-ins, and any mail to the
    person (it holds their address and private link) are deleted; answers and result are emptied; the status becomes
    "withdrawn" so the queue still shows that something was withdrawn. ``actor`` is the staff member
    erasing on request, or None when the person withdraws it themselves.
    """
    now = now or utcnow()
    begin_write()
    previous = submission.status
    submission.contact = None
    submission.review = None
    _delete(delete(Course).where(Course.submission_id == submission.id))  # its check-ins and reminders cascade
    _delete(delete(OutboxMail).where(OutboxMail.submission_id == submission.id, OutboxMail.kind.in_(PATIENT_KINDS)))
    submission.answers = {}
    submission.result = dict(ERASED_RESULT)
    submission.urgent = False
    submission.primary_pattern = None
    submission.status = "withdrawn"
    submission.withdrawn_at = now
    submission.status_changed_at = now
    if previous != "withdrawn":
        submission.status_changes.append(
            StatusChange(from_status=previous, to_status="withdrawn", user_id=actor.id if actor else None, at=now)
        )
    audit_patient_data(
        "erase", f"submission:{submission.id}", actor, by="staff" if actor else "person", at_status=previous
    )
    db.session.flush()


def purge(
    now: datetime,
    *,
    draft_lifetime: timedelta,
    screen_days: int,
    intake_days: int,
    outbox_days: int,
    actor: User | None = None,
) -> dict[str, int]:
    """Delete what is past its retention period; running it again deletes nothing more. Returns the counts.

    Drafts untouched for ``draft_lifetime``; plain self-screens older than ``screen_days``; intake (and withdrawn
    stubs) ``intake_days`` after the case was closed or withdrawn, or after it was sent if still open; sent and
    failed mail ``outbox_days`` after it was written (mail still to be sent is kept, unless its intake goes);
    check-ins ``intake_days`` after they were sent (and with their intake, whichever comes first).
    """
    begin_write()
    intake_cutoff = now - timedelta(days=intake_days)
    sent = func.coalesce(Submission.intake_at, Submission.created_at)
    expired_intake = and_(
        Submission.kind == "intake",
        or_(
            and_(Submission.status == "withdrawn", func.coalesce(Submission.withdrawn_at, sent) < intake_cutoff),
            and_(Submission.status == "closed", func.coalesce(Submission.status_changed_at, sent) < intake_cutoff),
            and_(Submission.status.not_in(("withdrawn", "closed")), sent < intake_cutoff),
        ),
    )
    expired_screen = and_(Submission.kind == "screen", Submission.created_at < now - timedelta(days=screen_days))
    counts = {
        "drafts": _delete(delete(Draft).where(Draft.updated_at < now - draft_lifetime)),
        "screens": _delete(delete(Submission).where(expired_screen)),
        "intakes": _delete(delete(Submission).where(expired_intake)),
        "check_ins": _delete(delete(CheckIn).where(CheckIn.created_at < intake_cutoff)),
        "mails": _delete(
            delete(OutboxMail).where(
                OutboxMail.state.in_(("sent", "failed")), OutboxMail.created_at < now - timedelta(days=outbox_days)
            )
        ),
    }
    audit_patient_data("purge", None, actor, **counts)
    db.session.flush()
    return counts


def _delete(statement: Any) -> int:
    # Contact, review, status and outbox rows go with their submission through ON DELETE CASCADE.
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def rotate_keys() -> dict[str, int]:
    """Re-encrypt every encrypted column with the newest key, and re-hash contact details with the current hash key.

    Afterwards the older keys can be removed from ``ENCRYPTION_KEYS``.
    """
    begin_write()
    contacts = 0
    for contact in db.session.scalars(select(Contact).order_by(Contact.id)):
        for column in ("name_enc", "birth_enc", "phone_enc", "email_enc", "message_enc", "signature_enc"):
            token = getattr(contact, column)
            if token is not None:
                setattr(contact, column, crypto.rotate(token))
        contact.name_hash = contact_hash("name", normalise_name(crypto.decrypt(contact.name_enc)))
        contact.phone_hash = contact_hash("phone", crypto.decrypt(contact.phone_enc)) if contact.phone_enc else None
        contact.email_hash = contact_hash("email", crypto.decrypt(contact.email_enc)) if contact.email_enc else None
        contacts += 1
    staff = 0
    # Staff two-factor secrets are encrypted with the same keys, so they must move to the newest key too.
    for user in db.session.scalars(select(User).where(User.totp_secret_enc.is_not(None)).order_by(User.id)):
        assert user.totp_secret_enc is not None
        user.totp_secret_enc = crypto.rotate(user.totp_secret_enc)
        staff += 1
    mails = 0
    # A mail's recipient (a patient's address, for a confirmation) until it is sent.
    for queued in db.session.scalars(select(OutboxMail).where(OutboxMail.recipient_enc.is_not(None))):
        assert queued.recipient_enc is not None
        queued.recipient_enc = crypto.rotate(queued.recipient_enc)
        mails += 1
    counts = {"contacts": contacts, "staff_secrets": staff, "mails": mails}
    audit_patient_data("keys_rotate", None, None, **counts)
    db.session.flush()
    return counts


def audit_patient_data(action: str, target: str | None, actor: User | None, **detail: Any) -> None:
    """Append an audit event about patient data: who (staff, or nobody for the person themselves), never what.

    Written directly rather than through ``app.web.audit.record``, because that records the client address, and a
    patient's address is personal data the trail must not keep.
    """
    staff_ip = request.remote_addr if actor is not None and has_request_context() else None
    db.session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            actor_email=actor.email if actor else None,
            action=action,
            target=target,
            ip=staff_ip,
            detail=detail,
        )
    )
