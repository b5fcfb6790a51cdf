"""What outcomes show beyond one person: the clinic's overview (PEG change at each check-in week, by the
practitioner's pattern and by therapy), the de-identified CSV of outcome rows, and FHIR per check-in.

Every number is worked out from stored answers when it is shown (the first screen's PEG items and each
check-in's), never kept beside them. A group smaller than ``OUTCOME_MIN_GROUP`` shows no number at all
(``measures.summarise``). Withdrawn intake has no answers left, so it never counts.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import fhir
from app.input_values import printable_json
from app.models import CheckIn, Course, Submission
from app.outcomes import measures
from app.questionnaire import PATTERNS
from app.questionnaires.check_in import GLOBAL_CHANGE, WORST_PAIN
from app.questionnaires.check_in import QUESTIONNAIRE as CHECK_IN
from app.review.exports import REFERENCE_SYSTEM, guard
from app.web.extensions import db

NO_PATTERN = "none"
CHECK_IN_SYSTEM = f"{REFERENCE_SYSTEM}:check-in"


@dataclass(frozen=True)
class OutcomeRow:
    """One check-in of one course, with what it is compared with."""

    course_id: int
    pattern: str  # a pattern code, or NO_PATTERN
    therapies: tuple[str, ...]
    check_in: CheckIn
    change: measures.Change


def outcome_rows() -> list[OutcomeRow]:
    """Every check-in with a PEG to compare with its intake's first screen, course by course, week by week."""
    query = (
        select(Course)
        .join(Course.submission)
        .where(Submission.status != "withdrawn")
        .options(selectinload(Course.check_ins), selectinload(Course.submission))
        .order_by(Course.id)
    )
    rows = []
    for course in db.session.scalars(query):
        baseline = measures.peg_total(course.submission.answers or {})
        for check_in in course.check_ins:
            moved = measures.change(baseline, measures.peg_total(check_in.answers or {}))
            if moved is not None:
                rows.append(
                    OutcomeRow(course.id, course.pattern or NO_PATTERN, tuple(course.therapies), check_in, moved)
                )
    return rows


@dataclass(frozen=True)
class Overview:
    weeks: list[int]
    minimum: int
    # group key -> week -> summary (None: fewer than ``minimum``, shown without numbers)
    by_pattern: dict[str, dict[int, measures.Group | None]]
    by_therapy: dict[str, dict[int, measures.Group | None]]
    therapies: list[str]


def build(rows: Sequence[OutcomeRow], minimum: int, therapy_codes: Sequence[str]) -> Overview:
    """The summaries per week and pattern, and per week and therapy (a course with two therapies counts in both)."""
    weeks = sorted({r.check_in.week for r in rows})
    patterns = [*PATTERNS, NO_PATTERN]

    def table(keys: Sequence[str], pairs: list[tuple[tuple[str, int], measures.Change]]) -> dict[str, dict[int, Any]]:
        found = measures.grouped(pairs, minimum)
        return {key: {week: found.get((key, week)) for week in weeks} for key in keys}

    by_pattern = table(patterns, [((r.pattern, r.check_in.week), r.change) for r in rows])
    by_therapy = table(therapy_codes, [((t, r.check_in.week), r.change) for r in rows for t in r.therapies])
    return Overview(weeks, minimum, by_pattern, by_therapy, list(therapy_codes))


CSV_COLUMNS = (
    "course",
    "pattern",
    "therapies",
    "week",
    "baseline_peg",
    "peg",
    "change_points",
    "change_percent",
    "meaningful",
    "band",
    "worst_pain",
    "global_change",
    "urgent_red_flag",
    "questionnaire_version",
    "rules_version",
)


def csv_lines(rows: Sequence[OutcomeRow]) -> Iterator[str]:
    """The outcome rows de-identified: no name, contact, reference, date or record id. Rows of one course share a
    number drawn afresh for each export, so they can be followed over the weeks but not traced to a record."""
    ids = sorted({r.course_id for r in rows})
    secrets.SystemRandom().shuffle(ids)
    numbers = {course_id: n for n, course_id in enumerate(ids, start=1)}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for r in sorted(rows, key=lambda r: (numbers[r.course_id], r.check_in.week)):
        answers = r.check_in.answers or {}
        cells: list[object] = [
            numbers[r.course_id],
            r.pattern,
            ";".join(r.therapies),
            r.check_in.week,
            round(r.change.baseline, 2),
            round(r.change.current, 2),
            round(r.change.points, 2),
            "" if r.change.percent is None else round(r.change.percent, 1),
            "yes" if r.change.meaningful else "no",
            r.change.band,
            answers.get(WORST_PAIN.link_id, ""),
            answers.get(GLOBAL_CHANGE.link_id, ""),
            "yes" if r.check_in.urgent else "no",
            r.check_in.questionnaire_version,
            r.check_in.rules_version,
        ]
        # Numbers worked out here are written as numbers (a minus is not a formula); stored text is guarded.
        writer.writerow([cell if isinstance(cell, int | float) else guard(cell) for cell in cells])
    yield buffer.getvalue()


def fhir_response(submission: Submission, check_in: CheckIn) -> dict[str, Any]:
    """A check-in as a FHIR R4 ``QuestionnaireResponse`` to the check-in questionnaire."""
    # printable_json: as for the first screen's export, what is shown is always encodable.
    resource = fhir.response_resource(printable_json(check_in.answers), CHECK_IN)
    identifier = f"{submission.reference}-W{check_in.week}"
    return {
        "resourceType": resource.pop("resourceType"),
        "id": identifier,
        "identifier": {"system": CHECK_IN_SYSTEM, "value": identifier},
        "authored": check_in.created_at.isoformat(),
        **resource,
    }
