"""Intake use cases: send a screening to the clinic, withdraw or erase it, find it by contact, purge, rotate keys.

Like ``app.services``: they take the session and flush; the view or command commits once. Contact details are
encrypted field by field (``app.crypto``) and found again through keyed hashes of their canonical form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from flask import current_app, has_request_context, request
from sqlalchemy import and_, delete, func, or_, select

from app import crypto, notifications, privacy
from app.contact_values import InvalidContact, display_phone, normalise_email, normalise_name, normalise_phone
from app.database import begin_write
from app.extensions import db
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
from app.services import idempotency_key

CONTACT_METHODS = ("phone", "sms", "email")
CONTACT_TIMES = ("weekday_morning", "weekday_afternoon", "weekday_evening", "weekend")
# Until the clinic closes the case, the person can withdraw it themselves.
WITHDRAWABLE = frozenset({"new", "contacted", "booked", "seen"})
ERASED_RESULT: dict[str, Any] = {"erased": True}

SendOutcome = Literal["sent", "repeat", "already_sent", "withdrawn"]


@dataclass(frozen=True)
class ContactDetails:
    """What the person gave, validated and in canonical form (see ``app.contact_values``)."""

    name: str
    date_of_birth: date | None
    age: int | None
    phone: str | None  # E.164
    email: str | None  # lower case
    preferred_contact: str
    preferred_times: tuple[str, ...]
    message: str
    # The person asked for a confirmation by email (their reference code and private link): needs ``email``.
    confirm_by_email: bool = False


@dataclass(frozen=True)
class Consent:
    """Agreement to a version of the privacy notice, signed with the typed full name."""

    notice_version: str
    signature: str
    at: datetime


class ConsentMissing(ValueError):
    """Intake without a notice version, a time and a signature is refused."""


class NotWithdrawable(ValueError):
    """The case is closed (or already withdrawn): the person asks the clinic instead."""


def contact_hash(kind: str, value: str) -> str:
    """The keyed hash stored for exact-match search: ``kind`` is "name", "email" or "phone", ``value`` canonical.

    Canonical means as ``app.contact_values`` makes it: ``normalise_name``, ``normalise_email``, ``normalise_phone``.
    """
    # The kind is part of the digest, so equal strings in different fields never match each other.
    return crypto.keyed_hash(f"{kind}:{value}")


_hash = contact_hash  # the earlier private name, still imported elsewhere


def _encrypt(value: str | None) -> bytes | None:
    return crypto.encrypt(value) if value else None


def intake_state(submission: Submission, form_token: str | None) -> SendOutcome | None:
    """Why a send form cannot (or need not) be applied to this submission; None when it can."""
    if submission.status == "withdrawn":
        return "withdrawn"
    if submission.kind != "intake":
        return None
    contact = submission.contact
    if form_token and contact is not None and contact.form_key == idempotency_key(form_token):
        return "repeat"
    return "already_sent"


def send_to_clinic(
    submission: Submission,
    details: ContactDetails,
    consent: Consent,
    *,
    form_token: str,
    notice_version: str = privacy.VERSION,
    language: str | None = None,
) -> SendOutcome:
    """Make a screening an intake: store the contact details encrypted, with the consent that allows it.

    Once per submission and per form: a repeated post of the same form (a double click, a retry after an outage)
    answers "repeat", another form for a submission already sent answers "already_sent"; neither changes anything.
    The mail it calls for (``app.notifications``) joins the same transaction: committed with the intake or not at
    all. A confirmation the person asked for is in ``language`` (default: the language of their screening).
    """
    if consent.notice_version != notice_version or not normalise_name(consent.signature):
        raise ConsentMissing("consent needs the current notice version and a signature")
    begin_write()
    # Lock the row (PostgreSQL; SQLite's write transaction already serialises writers) and re-read it, so two
    # concurrent posts cannot both see a plain screen.
    locked = db.session.scalar(
        select(Submission)
        .where(Submission.id == submission.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert locked is not None
    state = intake_state(locked, form_token)
    if state is not None:
        return state
    birth: dict[str, object] = {"date_of_birth": details.date_of_birth.isoformat() if details.date_of_birth else None}
    if details.age is not None:
        birth.update(age=details.age, given_on=consent.at.date().isoformat())
    locked.contact = Contact(
        name_enc=crypto.encrypt(details.name),
        birth_enc=crypto.encrypt(json.dumps(birth)),
        phone_enc=_encrypt(details.phone),
        email_enc=_encrypt(details.email),
        message_enc=_encrypt(details.message),
        signature_enc=crypto.encrypt(consent.signature),
        name_hash=_hash("name", normalise_name(details.name)),
        phone_hash=_hash("phone", details.phone) if details.phone else None,
        email_hash=_hash("email", details.email) if details.email else None,
        preferred_contact=details.preferred_contact,
        preferred_times=list(details.preferred_times),
        consent_version=consent.notice_version,
        consent_at=consent.at,
        form_key=idempotency_key(form_token),
    )
    locked.kind = "intake"
    locked.status = "new"
    locked.intake_at = consent.at
    locked.status_changed_at = consent.at
    db.session.flush()
    notifications.intake_received(
        locked,
        confirm_to=details.email if details.confirm_by_email else None,
        language=language or locked.language,
    )
    db.session.flush()
    return "sent"


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
            condition = Contact.email_hash == _hash("email", normalise_email(value))
        else:
            number = normalise_phone(value, region or current_app.config["PHONE_REGION"])
            condition = Contact.phone_hash == _hash("phone", number)
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
        .where(Contact.name_hash == _hash("name", normalise_name(name)))
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


def can_withdraw(submission: Submission) -> bool:
    return submission.kind == "intake" and submission.status in WITHDRAWABLE


def withdraw(submission: Submission, now: datetime | None = None) -> None:
    """The person withdraws their intake from its private link: everything about them is erased."""
    if not can_withdraw(submission):
        raise NotWithdrawable(submission.status)
    erase_submission(submission, None, now=now)


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
    _audit("erase", f"submission:{submission.id}", actor, by="staff" if actor else "person", at_status=previous)
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
    _audit("purge", None, actor, **counts)
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
        contact.name_hash = _hash("name", normalise_name(crypto.decrypt(contact.name_enc)))
        contact.phone_hash = _hash("phone", crypto.decrypt(contact.phone_enc)) if contact.phone_enc else None
        contact.email_hash = _hash("email", crypto.decrypt(contact.email_enc)) if contact.email_enc else None
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
    _audit("keys_rotate", None, None, **counts)
    db.session.flush()
    return counts


def _audit(action: str, target: str | None, actor: User | None, **detail: Any) -> None:
    """Append an audit event about patient data: who (staff, or nobody for the person themselves), never what.

    Written directly rather than through ``app.audit.record``, because that records the client address, and a
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
