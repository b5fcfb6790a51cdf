"""Outcomes: a course of treatment started on an intake, the person's check-ins, and the reminders mailed for them.

Every row goes with its intake (ON DELETE CASCADE through the course), so the retention purge and erasure that
remove an intake remove its outcomes too (``app.outcomes.service``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import UTCDateTime, utcnow
from app.models.screening import Submission
from app.web.extensions import db

# active → finished (the practitioner ends the course) or stopped (the person stops their check-ins); nothing
# moves back: a course that should go on is a practitioner's decision to record as a new schedule while active.
COURSE_STATUSES = ("active", "finished", "stopped")


class Course(db.Model):  # type: ignore[name-defined,misc]
    """A course of treatment: the pattern treated, the therapies given, and the weeks the person checks in."""

    __tablename__ = "treatment_course"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One course per intake: its check-ins compare with that intake's answers, its baseline.
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), unique=True)
    # The practitioner's pattern (a code of ``app.questionnaire.PATTERNS``), or None for "no clear pattern".
    pattern: Mapped[str | None] = mapped_column(String(40))
    # Therapy codes (``app.advice.THERAPY_CODES``) in that order.
    therapies: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Weeks after ``started_at`` when a check-in falls due (``app.outcomes.measures``).
    weeks: Mapped[list[int]] = mapped_column(JSON, default=list)
    # The person agreed to be reminded by email when a check-in falls due (their intake gave an address).
    reminders: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="active")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking, as for the review: two practitioners cannot overwrite each other's change.
    row_version: Mapped[int] = mapped_column(default=1)

    submission: Mapped[Submission] = relationship()
    check_ins: Mapped[list[CheckIn]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="CheckIn.week"
    )

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": row_version}


class CheckIn(db.Model):  # type: ignore[name-defined,misc]
    """One check-in: the answers to the check-in questionnaire for one scheduled week, and the red flags they raise."""

    __tablename__ = "check_in"
    # One check-in per due date, however often the form is posted.
    __table_args__ = (UniqueConstraint("course_id", "week", name="uq_check_in_course_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("treatment_course.id", ondelete="CASCADE"))
    week: Mapped[int] = mapped_column()
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    rules_version: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    # As the rules gave them: [{"code", "level", "answers", "because"}], most serious first.
    red_flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    urgent: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(10), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a practitioner recorded that an urgent check-in's red flag was dealt with, and who.
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship(back_populates="check_ins")


class CheckInReminder(db.Model):  # type: ignore[name-defined,misc]
    """A reminder mailed for one due date: the row that makes ``flask check-ins remind`` mail it once."""

    __tablename__ = "check_in_reminder"
    __table_args__ = (UniqueConstraint("course_id", "week", name="uq_check_in_reminder_course_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("treatment_course.id", ondelete="CASCADE"))
    week: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
