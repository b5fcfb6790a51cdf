"""A practitioner's review of a submission: opening it, their own assessment, and the status workflow.

Like ``app.services``: functions take the session and flush; the view commits once. Every view and change is
written to the audit trail with the target ``submission:<id>``.

Two practitioners may have the same submission open. Each change form carries the version it was made from
(``Review.row_version`` for the assessment, ``Submission.row_version`` for the status); a change made from an older
version raises ``Conflict`` and writes nothing, so nobody's work is silently overwritten. The submission row is
locked for the change (PostgreSQL; SQLite's immediate write transaction already serialises writers), and the
mappers' ``version_id_col`` checks the version again in the UPDATE itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app import advice, cautions, clinic
from app.clinical_findings import PULSE, TONGUE
from app.input_values import printable
from app.models import Review, StatusChange, Submission, User, utcnow
from app.personal_data import contact_details
from app.questionnaire import PATTERNS, Question, Questionnaire, Section, chosen_options
from app.questionnaires import by_version
from app.services import assessment_json
from app.staff.permissions import may_see_contact
from app.web import audit
from app.web.database import begin_write
from app.web.extensions import db

# The workflow (new → contacted → booked → seen → closed). Steps may be skipped forwards (a first call can book the
# visit at once) and any open case can be closed (the person declines, or cannot be reached); nothing moves back.
# "withdrawn" is reached only by erasure (app.personal_data), never from this form.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("contacted", "booked", "closed"),
    "contacted": ("booked", "closed"),
    "booked": ("seen", "closed"),
    "seen": ("closed",),
    "closed": (),
    "withdrawn": (),
}
WORKFLOW = ("new", "contacted", "booked", "seen", "closed")
MAX_NOTES = 5000


@dataclass(frozen=True)
class Assessment:
    """What the practitioner records, already checked against the code lists (``app.review.forms``)."""

    primary: str | None
    secondary: tuple[str, ...] = ()
    tongue: dict[str, list[str]] = field(default_factory=dict)
    pulse: tuple[str, ...] = ()
    notes: str = ""


class Conflict(Exception):
    """Someone saved a change since this form was opened; nothing was written."""


class NotAllowed(ValueError):
    """The change is not possible in the submission's current state."""


def load(submission_id: int) -> Submission | None:
    """A submission with everything its page shows."""
    query = (
        select(Submission)
        .where(Submission.id == submission_id)
        .options(
            selectinload(Submission.contact),
            selectinload(Submission.review),
            selectinload(Submission.status_changes),
        )
        .execution_options(populate_existing=True)
    )
    return db.session.scalar(query)


def open_submission(submission_id: int, action: str = "view", **detail: str) -> Submission | None:
    """Load a submission for display and record who looked at it (``action`` "export" for print and FHIR)."""
    submission = load(submission_id)
    if submission is not None:
        audit.record(action, target=target(submission), **detail)
    return submission


def lock(submission_id: int) -> Submission | None:
    """Load a submission to change it, holding its row until the commit."""
    begin_write()
    query = (
        select(Submission)
        .where(Submission.id == submission_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalar(query)


def target(submission: Submission) -> str:
    return f"submission:{submission.id}"


def review_version(submission: Submission) -> int:
    """The version an assessment form is made from: 0 while there is no assessment yet."""
    return submission.review.row_version if submission.review else 0


def save_assessment(
    submission: Submission,
    assessment: Assessment,
    *,
    expected_version: int,
    actor: User,
    now: datetime | None = None,
) -> Review:
    """Record the practitioner's assessment, unless someone else saved one since ``expected_version``."""
    if submission.status == "withdrawn":
        raise NotAllowed("withdrawn")
    if review_version(submission) != expected_version:
        raise Conflict
    review = submission.review
    if review is None:
        review = Review(created_at=now or utcnow())
        submission.review = review
    review.practitioner_id = actor.id
    review.primary_pattern = assessment.primary
    review.secondary_patterns = [p for p in assessment.secondary if p != assessment.primary]
    review.tongue = {group.key: list(assessment.tongue.get(group.key, [])) for group in TONGUE}
    review.pulse = [code for code in PULSE.codes if code in assessment.pulse]
    review.notes = assessment.notes[:MAX_NOTES]
    # What the engine said when the practitioner assessed: agreement is measured per rules version
    # (app.review.overview).
    review.engine_primary = submission.primary_pattern
    review.rules_version = submission.rules_version
    review.updated_at = now or utcnow()
    audit.record(
        "change",
        target=target(submission),
        what="assessment",
        version=expected_version + 1,
        agrees=assessment.primary == submission.primary_pattern,
    )
    _flush()
    return review


def change_status(
    submission: Submission,
    to_status: str,
    *,
    expected_version: int,
    actor: User,
    now: datetime | None = None,
) -> StatusChange:
    """Move a submission along the workflow, recording who moved it and when."""
    if submission.row_version != expected_version:
        raise Conflict
    if submission.kind != "intake":
        raise NotAllowed("only intake submissions have a workflow")
    if to_status not in TRANSITIONS.get(submission.status, ()):
        raise NotAllowed(f"{submission.status} cannot move to {to_status}")
    now = now or utcnow()
    change = StatusChange(from_status=submission.status, to_status=to_status, user_id=actor.id, at=now)
    submission.status_changes.append(change)
    submission.status = to_status
    submission.status_changed_at = now
    audit.record(
        "change", target=target(submission), what="status", from_status=change.from_status, to_status=to_status
    )
    _flush()
    return change


def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError:  # the version changed between the check and the UPDATE: the caller rolls back
        raise Conflict from None


def record_refusal(submission: Submission, what: str, outcome: str) -> None:
    """A change that was not made ("invalid", "refused", or "conflict": someone else saved first) is recorded too:
    the page showed the record again."""
    audit.record("change", target=target(submission), outcome=outcome, what=what)


def actors(submission: Submission) -> dict[int, str]:
    """E-mail addresses of the staff named in a submission's history and assessment, by user id."""
    ids = {c.user_id for c in submission.status_changes if c.user_id is not None}
    if submission.review is not None and submission.review.practitioner_id is not None:
        ids.add(submission.review.practitioner_id)
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.email).where(User.id.in_(ids)))
    return {user_id: email for user_id, email in rows}


@dataclass(frozen=True)
class AnsweredQuestion:
    question: Question
    texts: tuple[str, ...]  # the chosen options' wording, or the number or text given
    codes: tuple[str, ...] = ()  # the chosen options' codes (the pain map fills their regions)


def answers_by_section(
    questionnaire: Questionnaire | None, answers: dict[str, Any]
) -> list[tuple[Section, list[AnsweredQuestion]]]:
    """The answers in the order and wording of the questionnaire version the person answered."""
    if questionnaire is None:
        return []
    grouped = []
    for section in questionnaire.sections:
        answered = []
        for question in section.questions:
            value = answers.get(question.link_id)
            if value is None or value in ("", []):
                continue
            options = chosen_options(question, value)
            # printable: a value stored before the input checks may hold what no page can encode.
            texts = tuple(o.text for o in options) if options else (printable(str(value)),)
            answered.append(AnsweredQuestion(question, texts, tuple(o.code for o in options)))
        if answered:
            grouped.append((section, answered))
    return grouped


def page_data(submission: Submission, viewer: User) -> dict[str, Any]:
    """What the submission page and the printable summary show; contact details only to staff allowed them."""
    questionnaire = by_version(submission.questionnaire_version)
    result = assessment_json(submission)
    return {
        "s": submission,
        "q": questionnaire,
        "answered": answers_by_section(questionnaire, submission.answers or {}),
        "result": result,
        # As the patient's result page shows them: only what the clinic offers (the stored result keeps them all).
        "therapies": advice.offered_therapies(
            result.get("therapies", ()), result.get("cautions", ()), clinic.current().therapies
        ),
        "advice": advice,
        "cautions": cautions.CAUTIONS,
        "patterns": PATTERNS,
        "details": contact_details(submission) if may_see_contact(viewer) else None,
        "actors": actors(submission),
        "tongue_groups": TONGUE,
        "pulse_group": PULSE,
    }
