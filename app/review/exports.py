"""Exports of submissions: CSV of a filtered queue (streamed), and a FHIR R4 QuestionnaireResponse per submission.

The question columns and the FHIR items come from the questionnaire declarations, so a new question appears in both
without a change here. Contact columns are written only for staff allowed to see them (``app.staff.permissions``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import fhir
from app.clinical_findings import TONGUE
from app.input_values import printable, printable_json
from app.models import Submission
from app.personal_data import contact_details
from app.questionnaire import PATTERNS, AnswerValue, Question
from app.questionnaires import VERSIONS, by_version, current
from app.review import queue
from app.review.filters import Filters
from app.web.extensions import db

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection"); tab and carriage
# return are on OWASP's list too. Such cells are written with a leading apostrophe, which shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REFERENCE_SYSTEM = "urn:lbp-screening:submission-reference"
BATCH = 500

SUBMISSION_COLUMNS = (
    "reference",
    "created_at",
    "kind",
    "status",
    "urgent",
    "red_flags",
    "engine_primary",
    "engine_secondary",
    *(f"score_{p}" for p in PATTERNS),
    "rules_version",
    "questionnaire_version",
    "practitioner_primary",
    "practitioner_secondary",
    *(f"tongue_{g.key}" for g in TONGUE),
    "pulse",
)
CONTACT_COLUMNS = (
    "name",
    "date_of_birth",
    "age",
    "phone",
    "email",
    "preferred_contact",
    "preferred_times",
    "consent_version",
    "consent_at",
)


def question_columns() -> list[Question]:
    """One column per question, the current questionnaire's order first, then questions only older versions had."""
    seen: dict[str, Question] = {}
    for questionnaire in (current(), *VERSIONS.values()):
        for question in questionnaire.questions:
            seen.setdefault(question.link_id, question)
    return list(seen.values())


def header(with_contact: bool) -> list[str]:
    contact = list(CONTACT_COLUMNS) if with_contact else []
    return [*SUBMISSION_COLUMNS, *contact, *(q.link_id for q in question_columns())]


def guard(value: object) -> str:
    """A cell as text, neutralised if a spreadsheet would read it as a formula, and always encodable."""
    text = "" if value is None else printable(str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _answer(value: AnswerValue | None) -> str:
    """Codes as stored (a multi-select joined with ";"), numbers and text as given."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def _joined(values: Any) -> str:
    return ";".join(values or [])


def row(submission: Submission, questions: list[Question], with_contact: bool) -> list[str]:
    result = submission.result or {}
    review = submission.review
    scores = result.get("scores", {})
    tongue = review.tongue if review else {}
    cells: list[object] = [
        submission.reference,
        submission.created_at.isoformat(),
        submission.kind,
        submission.status,
        "yes" if submission.urgent else "no",
        _joined(f"{f['code']}:{f['level']}" for f in result.get("red_flags", [])),
        result.get("primary") or "",
        _joined(result.get("secondary")),
        *(scores.get(p, "") for p in PATTERNS),
        submission.rules_version,
        submission.questionnaire_version,
        (review.primary_pattern or "none") if review else "",
        _joined(review.secondary_patterns) if review else "",
        *(_joined(tongue.get(g.key)) for g in TONGUE),
        _joined(review.pulse) if review else "",
    ]
    if with_contact:
        details = contact_details(submission) or {}
        consent_at = details.get("consent_at")
        cells += [
            details.get("name"),
            details.get("date_of_birth"),
            details.get("age"),
            details.get("phone"),
            details.get("email"),
            details.get("preferred_contact"),
            _joined(details.get("preferred_times")),
            details.get("consent_version"),
            consent_at.isoformat() if consent_at else None,
        ]
    answers = submission.answers or {}
    cells += [_answer(answers.get(q.link_id)) for q in questions]
    return [guard(cell) for cell in cells]


def csv_lines(filters: Filters, with_contact: bool) -> Iterator[str]:
    """The filtered queue as CSV, in queue order, a batch of rows at a time (memory does not grow with the rows)."""
    questions = question_columns()
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(header(with_contact))
    yield flush()
    for ids in queue.all_keys(filters, batch=BATCH):
        loaded = db.session.scalars(
            select(Submission)
            .where(Submission.id.in_(ids))
            .options(selectinload(Submission.contact), selectinload(Submission.review))
        )
        by_id = {s.id: s for s in loaded}
        for submission_id in ids:
            if submission_id in by_id:
                writer.writerow(row(by_id[submission_id], questions, with_contact))
        by_id.clear()
        yield flush()


def fhir_response(submission: Submission) -> dict[str, Any]:
    """The submission's answers as a FHIR R4 ``QuestionnaireResponse`` to the questionnaire version it answered."""
    questionnaire = by_version(submission.questionnaire_version)
    if questionnaire is None:
        raise LookupError(submission.questionnaire_version)
    # printable_json: answers stored before the input checks may hold text no encoding can carry.
    resource = fhir.response_resource(printable_json(submission.answers), questionnaire)
    return {
        "resourceType": resource.pop("resourceType"),
        "id": submission.reference,
        "identifier": {"system": REFERENCE_SYSTEM, "value": submission.reference},
        "authored": submission.created_at.isoformat(),
        **resource,
    }
