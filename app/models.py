"""Typed models. Nothing here commits: services flush, the view or command commits once."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# Reference codes avoid letters and digits people confuse on the phone (0/O, 1/I/L, 5/S, 8/B).
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679"


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_token() -> str:
    """An unguessable identifier for private links (256 bits)."""
    return secrets.token_urlsafe(32)


def new_reference() -> str:
    """A short code to quote on the phone, e.g. ``LBP-7KQ4-9MXT``."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"LBP-{chars[:4]}-{chars[4:]}"


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every engine (SQLite returns naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


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

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    reference: Mapped[str] = mapped_column(String(20), unique=True, default=new_reference)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(10), default="web")
    language: Mapped[str] = mapped_column(String(10), default="en")
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    rules_version: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    urgent: Mapped[bool] = mapped_column(default=False, index=True)
    primary_pattern: Mapped[str | None] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    # One submission per form, however often it is posted (double clicks, retries after an outage).
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
