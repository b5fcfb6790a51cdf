"""Intake use cases: send a screening to the clinic, and withdraw it from its private link.

Like ``app.services``: they take the session and flush; the view commits once. The contact details are stored
encrypted and hashed as ``app.personal_data`` reads and finds them again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import select

from app.contact_values import normalise_name
from app.intake import notifications, privacy
from app.models import (
    Contact,
    Submission,
)
from app.personal_data import contact_hash, erase_submission
from app.services import idempotency_key
from app.web import crypto
from app.web.database import begin_write
from app.web.extensions import db

CONTACT_METHODS = ("phone", "sms", "email")
CONTACT_TIMES = ("weekday_morning", "weekday_afternoon", "weekday_evening", "weekend")
# Until the clinic closes the case, the person can withdraw it themselves.
WITHDRAWABLE = frozenset({"new", "contacted", "booked", "seen"})

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
    The mail it calls for (``app.intake.notifications``) joins the same transaction: committed with the intake or not at
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
        name_hash=contact_hash("name", normalise_name(details.name)),
        phone_hash=contact_hash("phone", details.phone) if details.phone else None,
        email_hash=contact_hash("email", details.email) if details.email else None,
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


def can_withdraw(submission: Submission) -> bool:
    return submission.kind == "intake" and submission.status in WITHDRAWABLE


def withdraw(submission: Submission, now: datetime | None = None) -> None:
    """The person withdraws their intake from its private link: everything about them is erased."""
    if not can_withdraw(submission):
        raise NotWithdrawable(submission.status)
    erase_submission(submission, None, now=now)
