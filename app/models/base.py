"""Shared column types and defaults for the models."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.engine import Dialect

# Reference codes avoid letters and digits people confuse on the phone (0/O, 1/I/L, 5/S, 8/B).
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679"


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_token() -> str:
    """An unguessable identifier for private links (256 bits)."""
    return secrets.token_urlsafe(32)


def new_reference() -> str:
    """A short code to quote on the phone, e.g. ``LBP-7KQ4-9MXT`` (26⁸, about 37.6 bits; unique in the database)."""
    # One draw for all eight characters, read as base-26 digits: as uniform as eight draws, at a quarter of the cost.
    number = secrets.randbelow(len(REFERENCE_ALPHABET) ** 8)
    chars = ""
    for _ in range(8):
        number, digit = divmod(number, len(REFERENCE_ALPHABET))
        chars += REFERENCE_ALPHABET[digit]
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
