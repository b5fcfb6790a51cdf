"""The privacy notice a person agrees to when sending a screening to the clinic: versioned, translatable.

The version is recorded with every consent. Change ``VERSION`` whenever the meaning of the text changes, including
the retention periods it quotes from configuration (``SCREEN_RETENTION_DAYS``, ``INTAKE_RETENTION_DAYS``): a new
version asks people who have the form open to read it and tick again.

The data controller and the address to write to are the clinic's settings (``app/clinic.py``), quoted as they are
when the notice is shown. They are not part of the version: every change to them is in the audit trail with its
time, so the consent's time says which controller the person agreed with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from app.questionnaire import N_

VERSION = "2026-12.1"

TITLE = N_("Privacy notice: sending your check to the clinic")


@dataclass(frozen=True)
class Part:
    key: str
    heading: str
    paragraphs: tuple[str, ...]


PARTS: tuple[Part, ...] = (
    Part(
        "what",
        N_("What we store"),
        (
            N_(
                "Your answers and result, and the details you give on this page: your name, your date of birth or "
                "age, your phone number and/or email address, how and when you would like to be contacted, your "
                "message, and your typed name as a signature with the time you agreed and the version of this notice."
            ),
            N_(
                "Your contact details are stored encrypted. We do not ask for, or keep, anything we do not need to "
                "arrange your first visit."
            ),
        ),
    ),
    Part(
        "why",
        N_("Why"),
        (
            N_(
                "To contact you about an appointment and to prepare for your first visit. We use your details only "
                "with your explicit consent, which you give by ticking the box and signing below."
            ),
        ),
    ),
    Part(
        "who",
        N_("Who sees it"),
        (
            N_(
                "Only the clinic's practitioners and administrators, through personal accounts. Every time staff "
                "view, change, export or erase your details it is recorded."
            ),
            N_(
                "We do not share your details with anyone else, send them to other companies, or use them for "
                "marketing."
            ),
        ),
    ),
    Part(
        "how_long",
        N_("How long we keep it"),
        (
            N_(
                "Until %(intake_days)s days after the clinic closes your case (or %(intake_days)s days after you send "
                "it, if the case is never closed). Then it is deleted automatically. A self-check that is not sent "
                "to the clinic is deleted after %(screen_days)s days."
            ),
        ),
    ),
    Part(
        "withdraw",
        N_("How to withdraw"),
        (
            N_(
                "Until the clinic closes your case, open your private link and choose “Withdraw and erase”. Your "
                "details, answers and result are erased at once; the clinic keeps only a note, with nothing about "
                "you in it, that a submission was withdrawn."
            ),
            N_(
                "At any time you can also ask the clinic, quoting your reference code, to erase your data or to "
                "give you a copy of it."
            ),
        ),
    ),
)


CONTROLLER_HEADING = N_("Who is responsible for your data")
CONTROLLER = Part(
    "controller",
    CONTROLLER_HEADING,
    (
        N_(
            "%(controller)s is responsible for your data (the data controller). To ask anything about your data, "
            "write to %(email)s."
        ),
    ),
)
# Until the clinic's settings name them.
CONTROLLER_NOT_SET_UP = Part(
    "controller",
    CONTROLLER_HEADING,
    (
        N_(
            "The clinic is responsible for your data (the data controller). To ask anything about your data, "
            "contact the clinic."
        ),
    ),
)


class ClinicDetails(Protocol):
    """What the notice quotes from the clinic's settings (``app.clinic.Clinic``)."""

    configured: bool
    data_controller: str
    email: str


def parts(clinic: ClinicDetails) -> tuple[Part, ...]:
    """The notice's parts: who is responsible first, then ``PARTS``."""
    return (CONTROLLER if clinic.configured else CONTROLLER_NOT_SET_UP, *PARTS)


def parameters(config: Mapping[str, object], clinic: ClinicDetails) -> dict[str, object]:
    """The values the notice quotes from configuration and from the clinic's settings."""
    return {
        "intake_days": config["INTAKE_RETENTION_DAYS"],
        "screen_days": config["SCREEN_RETENTION_DAYS"],
        "controller": clinic.data_controller,
        "email": clinic.email,
    }
