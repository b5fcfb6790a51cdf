"""The mail an intake calls for: a notice to the clinic's inbox and, when the person asks, their confirmation.

Both are written to the outbox in the intake's own transaction (``app.intake.service.send_to_clinic``) and sent
later by the worker (``app.web.outbox``). Neither carries health data or answers: the clinic's notice says which intake
arrived, whether it is urgent, when, and where staff read it (behind sign-in); the person's confirmation gives their
reference code and private link. The clinic's notice is staff mail, in English like the staff pages; the
confirmation is in the person's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, gettext

from app import clinic as clinic_settings
from app.models import OutboxMail, Submission
from app.models.outbox import CLINIC_INBOX, PATIENT_CONFIRMATION
from app.web import outbox


@dataclass(frozen=True)
class Clinic:
    """What mail needs to know about the clinic."""

    inbox: str | None  # where intake notices go; None: nobody is told by mail
    name: str  # its name in the mail's language (neutral wording until the clinic is set up)


def clinic(language: str) -> Clinic:
    """The clinic's inbox (the email address of its settings, ``app.clinic``) and its name in ``language``."""
    settings = clinic_settings.current()
    return Clinic(inbox=settings.email or None, name=settings.name(language))


def public_url(endpoint: str, **values: object) -> str:
    """An absolute link for mail, on ``PUBLIC_BASE_URL``: never the Host header of the request that wrote the mail,
    which anyone can set, and built the same in a request, a command or the worker."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def intake_received(submission: Submission, *, confirm_to: str | None, language: str) -> list[OutboxMail]:
    """Add the mail for an intake just stored: the clinic's notice (if it has an inbox) and, if ``confirm_to`` is
    an address, the person's confirmation in ``language``. The caller's commit sends both or neither."""
    mails = []
    inbox = clinic("en").inbox
    if inbox:
        mails.append(_clinic_notice(submission, inbox))
    if confirm_to:
        mails.append(_confirmation(submission, confirm_to, language))
    return mails


def _clinic_notice(submission: Submission, inbox: str) -> OutboxMail:
    received: datetime = submission.intake_at or submission.created_at
    reference = submission.reference
    subject = f"URGENT intake {reference}: please look at it today" if submission.urgent else f"New intake {reference}"
    lines = [
        "An URGENT intake has arrived." if submission.urgent else "An intake has arrived.",
        "",
        f"Reference: {reference}",
        f"Urgency: {'URGENT' if submission.urgent else 'routine'}",
        f"Received: {received:%Y-%m-%d %H:%M} UTC",
        "",
        "Open it (staff sign-in needed):",
        public_url("practitioner.submission", submission_id=submission.id),
        "",
        "Health and contact details are kept out of mail: they are on the staff page.",
    ]
    return outbox.add(CLINIC_INBOX, inbox, subject, "\n".join(lines), "en", submission_id=submission.id)


def _confirmation(submission: Submission, address: str, language: str) -> OutboxMail:
    link = public_url("patient.result", public_id=submission.public_id) + "#status"
    with force_locale(language):
        name = clinic(language).name
        subject = gettext("We have received your details: reference %(reference)s", reference=submission.reference)
        paragraphs = [
            gettext(
                "Thank you. The clinic has received the details you sent. A practitioner will contact you to arrange "
                "a first visit."
            ),
            gettext("Your reference code: %(reference)s", reference=submission.reference)
            + "\n"
            + gettext("Please quote it if you call the clinic."),
            gettext("Your private link:") + "\n" + link,
            gettext(
                "It shows what you sent and how it is going, and it is where you can withdraw it. Anyone with the "
                "link can see your answers and result, so keep this email to yourself."
            ),
            gettext(
                "This email is not medical advice. If you feel worse, do not wait for the clinic to contact you: get "
                "medical help."
            ),
            gettext("You asked for this email when you sent your details."),
            name,
        ]
    body = "\n\n".join(paragraphs)
    return outbox.add(PATIENT_CONFIRMATION, address, subject, body, language, submission_id=submission.id)
