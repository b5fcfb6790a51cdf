"""Screenings: drafts, submissions, the intake contact details, and the practitioner's review of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import UTCDateTime, new_reference, new_token, utcnow
from app.web.extensions import db

STATUSES = ("new", "contacted", "booked", "seen", "closed", "withdrawn")
# Cases whose work is over; the review queue lists every other status first.
DONE_STATUSES = ("closed", "withdrawn")


class Draft(db.Model):  # type: ignore[name-defined,misc]
    """An unfinished questionnaire, kept server-side under an unguessable token."""

    __tablename__ = "draft"

    token: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_token)
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(10), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)


class Submission(db.Model):  # type: ignore[name-defined,misc]
    """A completed screening: the answers, and the assessment the rules produced from them."""

    __tablename__ = "submission"
    __table_args__ = (
        # The review queue (app/review/queue.py): one range per kind, status and urgency, newest first (keyset
        # pagination).
        # It serves every query on urgency, status or pattern, so those columns need no index of their own.
        Index("ix_submission_queue", "kind", "status", "urgent", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    reference: Mapped[str] = mapped_column(String(20), unique=True, default=new_reference)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(10), default="web")
    language: Mapped[str] = mapped_column(String(10), default="en")
    # "screen" (a plain self-check) or "intake" (sent to the clinic with contact details and consent).
    kind: Mapped[str] = mapped_column(String(10), default="screen")
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    rules_version: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    urgent: Mapped[bool] = mapped_column(default=False)
    primary_pattern: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="new")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    intake_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One submission per form, however often it is posted (double clicks, retries after an outage).
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Optimistic locking: two practitioners changing the same submission cannot overwrite each other.
    row_version: Mapped[int] = mapped_column(default=1)

    contact: Mapped[Contact | None] = relationship(back_populates="submission", cascade="all, delete-orphan")
    review: Mapped[Review | None] = relationship(back_populates="submission", cascade="all, delete-orphan")
    status_changes: Mapped[list[StatusChange]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="StatusChange.id"
    )

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": row_version}


class Contact(db.Model):  # type: ignore[name-defined,misc]
    """Intake details. Personal fields are encrypted (``app.web.crypto``); hashes allow exact-match search."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), unique=True)
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    birth_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    message_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    signature_enc: Mapped[bytes] = mapped_column(LargeBinary)
    name_hash: Mapped[str] = mapped_column(String(64), index=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    preferred_contact: Mapped[str] = mapped_column(String(10))
    preferred_times: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_version: Mapped[str] = mapped_column(String(20))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Digest of the intake form's hidden token: a double click or a retry of the same form is recognised.
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="contact")


class Review(db.Model):  # type: ignore[name-defined,misc]
    """The practitioner's own assessment of a submission."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), unique=True)
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    primary_pattern: Mapped[str | None] = mapped_column(String(40))
    secondary_patterns: Mapped[list[str]] = mapped_column(JSON, default=list)
    tongue: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    pulse: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    # What the engine said when the practitioner assessed, so agreement is measured per rules version.
    engine_primary: Mapped[str | None] = mapped_column(String(40))
    rules_version: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    row_version: Mapped[int] = mapped_column(default=1)

    submission: Mapped[Submission] = relationship(back_populates="review")

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": row_version}


class StatusChange(db.Model):  # type: ignore[name-defined,misc]
    """Who moved a submission along the workflow, and when."""

    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="status_changes")
