"""Courses of treatment and check-ins: use cases. Like ``app.services``, they take the session and flush; the view
or command commits once.

A practitioner's change is audited with the target ``submission:<id>``, as the rest of the review is. What the
person does (a check-in, stopping check-ins) is audited without their address
(``app.personal_data.audit_patient_data``). A check-in with an emergency or urgent red flag makes its intake urgent
in the queue, as the first screen does, and tells the clinic's inbox; a practitioner records when that red flag was
dealt with, and the intake's urgency is its first screen's again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app import rules
from app.models import DONE_STATUSES, CheckIn, Course, OutboxMail, Submission, User
from app.models.outbox import CHECK_IN_REMINDER
from app.outcomes import measures, reminders
from app.personal_data import audit_patient_data
from app.questionnaire import AnswerValue
from app.questionnaires.check_in import GLOBAL_CHANGE, WORST_PAIN
from app.questionnaires.check_in import QUESTIONNAIRE as CHECK_IN
from app.web import audit
from app.web.database import begin_write
from app.web.extensions import db


@dataclass(frozen=True)
class CourseDetails:
    """What the practitioner records, already checked against the code lists (``app.outcomes.forms``)."""

    pattern: str | None
    therapies: tuple[str, ...]
    weeks: tuple[int, ...]
    reminders: bool


class Conflict(Exception):
    """Someone changed the course since this form was opened; nothing was written."""


class NotAllowed(ValueError):
    """The change is not possible in the intake's or the course's current state."""


def target(submission_id: int) -> str:
    return f"submission:{submission_id}"


def course_for(submission_id: int, *, lock: bool = False) -> Course | None:
    """An intake's course with its check-ins; ``lock`` holds its row until the commit (to change it)."""
    if lock:
        begin_write()
    query = (
        select(Course)
        .where(Course.submission_id == submission_id)
        .options(selectinload(Course.check_ins), selectinload(Course.submission))
        .execution_options(populate_existing=True)
    )
    return db.session.scalar(query.with_for_update(of=Course) if lock else query)


def may_start(submission: Submission) -> bool:
    """A course is for an intake the clinic is still working on (self-screens have nobody to follow up)."""
    return submission.kind == "intake" and submission.status not in DONE_STATUSES


def start_course(submission: Submission, details: CourseDetails, *, actor: User, now: datetime) -> Course:
    if not may_start(submission):
        raise NotAllowed(submission.status)
    if course_for(submission.id) is not None:
        raise Conflict
    course = Course(submission=submission, started_at=now, practitioner_id=actor.id, status="active")
    _apply(course, details, now)
    db.session.add(course)
    audit.record("change", target=target(submission.id), what="course", to_status="active", weeks=list(details.weeks))
    _flush()
    return course


def update_course(course: Course, details: CourseDetails, *, expected_version: int, actor: User, now: datetime) -> None:
    if course.row_version != expected_version:
        raise Conflict
    if course.status != "active":
        raise NotAllowed(course.status)
    _apply(course, details, now)
    course.practitioner_id = actor.id
    audit.record("change", target=target(course.submission_id), what="course", weeks=list(details.weeks))
    _flush()


def _apply(course: Course, details: CourseDetails, now: datetime) -> None:
    course.pattern = details.pattern
    course.therapies = list(details.therapies)
    course.weeks = list(details.weeks)
    course.reminders = details.reminders
    course.updated_at = now


def finish_course(course: Course, *, expected_version: int, actor: User, now: datetime) -> None:
    """The practitioner ends the course: no check-in falls due after this."""
    if course.row_version != expected_version:
        raise Conflict
    if course.status != "active":
        raise NotAllowed(course.status)
    course.status, course.ended_at = "finished", now
    audit.record("change", target=target(course.submission_id), what="course", to_status="finished")
    _cancel_reminders(course)
    _flush()


def stop_check_ins(course: Course, *, now: datetime) -> None:
    """The person stops their check-ins from their private link; a reminder not yet sent is not sent."""
    if course.status != "active":
        return  # a repeated click finds it done already
    course.status, course.ended_at = "stopped", now
    audit_patient_data("change", target(course.submission_id), None, what="course", to_status="stopped", by="person")
    _cancel_reminders(course)
    _flush()


def _cancel_reminders(course: Course) -> None:
    db.session.execute(
        delete(OutboxMail)
        .where(
            OutboxMail.submission_id == course.submission_id,
            OutboxMail.kind == CHECK_IN_REMINDER,
            OutboxMail.state == "pending",
        )
        .execution_options(synchronize_session=False)
    )


def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError:  # the version changed between the check and the UPDATE: the caller rolls back
        raise Conflict from None


def schedule(course: Course, now: datetime) -> list[measures.Slot]:
    return measures.slots(course.started_at, course.weeks, {c.week for c in course.check_ins}, now)


def accepting(course: Course) -> bool:
    """Check-ins are taken while the course is active and the intake is still open."""
    return course.status == "active" and course.submission.status not in DONE_STATUSES


def record_check_in(
    course: Course, week: int, answers: Mapping[str, AnswerValue], *, language: str, now: datetime
) -> tuple[CheckIn | None, bool]:
    """Store validated check-in answers once per week: a repeat returns the first check-in and False.

    None (and False) when that week cannot be answered now: not scheduled, not yet due, or check-ins are closed.
    Call with the course locked (``course_for(..., lock=True)``), so two posts of one form store one check-in.
    """
    existing = next((c for c in course.check_ins if c.week == week), None)
    if existing is not None:
        return existing, False
    if not accepting(course) or not measures.answerable(schedule(course, now), week):
        return None, False
    assessment = rules.assess(answers, CHECK_IN).to_json()
    check_in = CheckIn(
        week=week,
        questionnaire_version=CHECK_IN.version,
        rules_version=assessment["rules_version"],
        answers=dict(answers),
        red_flags=assessment["red_flags"],
        urgent=assessment["urgent"],
        language=language,
        created_at=now,
    )
    course.check_ins.append(check_in)
    if check_in.urgent:
        course.submission.urgent = True  # to the top of the queue, as an urgent first screen is
        reminders.urgent_notice(course, check_in)
    audit_patient_data("check_in", target(course.submission_id), None, week=week, urgent=check_in.urgent, by="person")
    db.session.flush()
    return check_in, True


def mark_handled(course: Course, week: int, *, actor: User, now: datetime) -> None:
    """A practitioner has dealt with an urgent check-in's red flag: the intake is as urgent as its first screen again
    (or as another check-in still waiting)."""
    check_in = next((c for c in course.check_ins if c.week == week and c.urgent), None)
    if check_in is None:
        raise NotAllowed("no urgent check-in that week")
    if check_in.handled_at is None:
        check_in.handled_at, check_in.handled_by = now, actor.id
        waiting = any(c.urgent and c.handled_at is None for c in course.check_ins)
        course.submission.urgent = bool((course.submission.result or {}).get("urgent")) or waiting
        audit.record("change", target=target(course.submission_id), what="check_in_red_flag", week=week)
    db.session.flush()


@dataclass(frozen=True)
class Point:
    """One check-in of a course's trend, with its change from the baseline (the first screen's PEG)."""

    week: int
    slot: measures.Slot | None
    check_in: CheckIn | None
    peg: float | None
    change: measures.Change | None

    @property
    def worst(self) -> Any:
        return (self.check_in.answers or {}).get(WORST_PAIN.link_id) if self.check_in else None

    @property
    def global_change(self) -> str | None:
        value = (self.check_in.answers or {}).get(GLOBAL_CHANGE.link_id) if self.check_in else None
        return value if isinstance(value, str) else None


def trend(course: Course, baseline_answers: Mapping[str, Any], now: datetime) -> list[Point]:
    """Every scheduled week and every week answered (a schedule may change after a check-in), in order."""
    slots = {s.week: s for s in schedule(course, now)}
    answered = {c.week: c for c in course.check_ins}
    baseline = measures.peg_total(baseline_answers)
    points = []
    for week in sorted({*slots, *answered}):
        check_in = answered.get(week)
        total = measures.peg_total(check_in.answers) if check_in else None
        points.append(
            Point(
                week,
                slots.get(week),
                check_in,
                measures.peg(check_in.answers) if check_in else None,
                measures.change(baseline, total),
            )
        )
    return points


QUEUE_FILTERS = ("due", "missed", "worse")


def submissions_with(kind: str, now: datetime) -> list[int]:
    """Intake with a check-in open now ("due"), one missed ("missed"), or whose latest check-in's PEG is above the
    baseline ("worse"), for the queue's filter. Read from the courses (a clinic has hundreds, not millions)."""
    query = (
        select(Course).join(Course.submission).options(selectinload(Course.check_ins), selectinload(Course.submission))
    )
    if kind in ("due", "missed"):
        query = query.where(Course.status == "active", Submission.status.not_in(DONE_STATUSES))
    else:
        query = query.where(Submission.status != "withdrawn")
    found = []
    for course in db.session.scalars(query):
        if kind == "worse":
            latest = course.check_ins[-1] if course.check_ins else None
            moved = latest and measures.change(
                measures.peg_total(course.submission.answers or {}), measures.peg_total(latest.answers)
            )
            if moved and moved.points > 0:
                found.append(course.submission_id)
        elif any(s.state == ("open" if kind == "due" else "missed") for s in schedule(course, now)):
            found.append(course.submission_id)
    return found
