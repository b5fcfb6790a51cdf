"""Use cases. They take the session and flush; the view or command commits once."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select

from app import compact_record, rules
from app.input_values import is_token
from app.models import Draft, Submission, utcnow
from app.questionnaire import AnswerValue, Questionnaire, Section
from app.questionnaires import by_version
from app.web.database import begin_write, single_read
from app.web.extensions import db


def idempotency_key(token: str) -> str:
    """Store a digest, not the token itself, so the key cannot be turned back into a private link."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Recorded:
    """A stored assessment as its callers use it: to answer, to link to, to compare a retry with."""

    id: int
    public_id: str
    reference: str
    answers: dict[str, Any]
    result: dict[str, Any]

    @classmethod
    def of(cls, submission: Submission) -> Recorded:
        return cls(
            submission.id, submission.public_id, submission.reference, submission.answers, assessment_json(submission)
        )


def assessment_json(submission: Submission) -> dict[str, Any]:
    """A stored assessment as the rules gave it: its record expanded with its own questionnaire version's labels."""
    questionnaire = by_version(submission.questionnaire_version)
    return compact_record.expand(submission.result, questionnaire) if questionnaire else dict(submission.result)


def start_draft(questionnaire: Questionnaire, language: str) -> Draft:
    begin_write()
    draft = Draft(questionnaire_version=questionnaire.version, answers={}, language=language)
    db.session.add(draft)
    db.session.flush()
    return draft


def live_draft(token: str, lifetime: timedelta, now: datetime | None = None) -> Draft | None:
    """The draft behind a private link, unless it has expired, to change."""
    draft = db.session.get(Draft, token) if is_token(token) else None
    if draft is None or _expired(draft.updated_at, lifetime, now):
        return None
    return draft


@dataclass(frozen=True)
class SavedDraft:
    """A draft as a page shows it."""

    token: str
    questionnaire_version: str
    answers: dict[str, Any]


_SAVED_DRAFT = select(Draft.token, Draft.questionnaire_version, Draft.answers, Draft.updated_at).where(
    Draft.token == bindparam("token")
)


def saved_draft(token: str, lifetime: timedelta, now: datetime | None = None) -> SavedDraft | None:
    """The draft behind a private link, unless it has expired, to show.

    Showing a step changes nothing, so the draft is read on a connection of its own, without the session's unit
    of work (on the page every patient sees most, that was a third of the cost).
    """
    if not is_token(token):
        return None
    with single_read() as connection:
        row = connection.execute(_SAVED_DRAFT, {"token": token}).first()
    if row is None or _expired(row.updated_at, lifetime, now):
        return None
    return SavedDraft(row.token, row.questionnaire_version, row.answers)


def _expired(updated_at: datetime, lifetime: timedelta, now: datetime | None) -> bool:
    return updated_at < (now or utcnow()) - lifetime


def save_section(draft: Draft, section: Section, values: Mapping[str, Any]) -> None:
    """Keep what the person entered on a step, valid or not, so nothing they typed is lost."""
    begin_write()
    answers = dict(draft.answers)
    for question in section.questions:
        value = values.get(question.link_id)
        if value in (None, "", []):
            answers.pop(question.link_id, None)
        else:
            answers[question.link_id] = value
    draft.answers = answers
    db.session.flush()


def record_assessment(
    answers: Mapping[str, AnswerValue],
    questionnaire: Questionnaire,
    *,
    source: str,
    language: str = "en",
    key: str | None = None,
) -> Recorded:
    """Assess validated answers and store them with the questionnaire and rules versions that produced the result."""
    row, result = _submission_row(answers, questionnaire, source=source, language=language, key=key)
    begin_write()
    return _insert_submission(row, result)


def record_assessment_once(
    answers: Mapping[str, AnswerValue],
    questionnaire: Questionnaire,
    *,
    source: str,
    token: str,
    language: str = "en",
) -> tuple[Recorded, bool]:
    """Like ``record_assessment``, once per client token: a retry returns the first submission and False."""
    row, result = _submission_row(answers, questionnaire, source=source, language=language, key=idempotency_key(token))
    begin_write()  # before the lookup, so two retries queue rather than both inserting
    existing = submission_for_token(token)
    if existing is not None:
        return Recorded.of(existing), False
    return _insert_submission(row, result), True


def submission_for_token(token: str) -> Submission | None:
    """The submission stored under a token: an API client's key, or the draft a submission came from."""
    return db.session.scalar(select(Submission).where(Submission.idempotency_key == idempotency_key(token)))


_INSERT_SUBMISSION = insert(Submission.__table__)


def _submission_row(
    answers: Mapping[str, AnswerValue],
    questionnaire: Questionnaire,
    *,
    source: str,
    language: str,
    key: str | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The new row's values and the assessment's JSON, made before the write transaction: writers queue for as
    short a time as can be. The row keeps the compact record (``compact_record.compact``)."""
    assessment = rules.assess(answers, questionnaire)
    result = assessment.to_json()
    row = {
        "answers": dict(answers),
        "result": compact_record.compact(result),
        "source": source,
        "language": language,
        "questionnaire_version": questionnaire.version,
        "rules_version": assessment.rules_version,
        "urgent": assessment.urgent,
        "primary_pattern": assessment.primary,
        "idempotency_key": key,
    }
    return row, result


def _insert_submission(row: dict[str, Any], result: dict[str, Any]) -> Recorded:
    """Insert with one statement: the unit of work, and a model object, cost more than the insert on this hot path."""
    inserted = db.session.connection().execute(_INSERT_SUBMISSION, row)
    # What the columns' defaults gave (public_id, reference, created_at …) is among the inserted parameters.
    defaults = inserted.last_inserted_params()
    return Recorded(
        inserted.inserted_primary_key[0], defaults["public_id"], defaults["reference"], row["answers"], result
    )


def finish_draft(draft: Draft, answers: Mapping[str, AnswerValue], questionnaire: Questionnaire) -> Recorded:
    """Turn a finished (or red-flagged) draft into a submission and forget the draft."""
    submission = record_assessment(
        answers,
        questionnaire,
        source="web",
        language=draft.language,
        key=idempotency_key(draft.token),
    )
    db.session.delete(draft)
    db.session.flush()
    return submission


def submission_by_public_id(public_id: str) -> Submission | None:
    if not is_token(public_id):
        return None  # no private link has this shape (a NUL or a 100-character id never reaches the database)
    return db.session.scalar(select(Submission).where(Submission.public_id == public_id))
