"""The clinic's own details, set by an admin: one row, changed through ``app.clinic`` only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import UTCDateTime, utcnow
from app.web.extensions import db

# The only row's id: a second row can never exist, so there is never a question of which one applies.
SETTINGS_ROW = 1


class ClinicSettings(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "clinic_settings"
    __table_args__ = (CheckConstraint(f"id = {SETTINGS_ROW}", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=SETTINGS_ROW, autoincrement=False)
    name_en: Mapped[str] = mapped_column(String(120), default="")
    name_zh: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    # The clinic's inbox: where intake notifications go, and the contact the privacy notice gives.
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    opening_hours: Mapped[str] = mapped_column(String(500), default="")
    data_controller: Mapped[str] = mapped_column(String(200), default="")
    emergency_number: Mapped[str] = mapped_column(String(20), default="")
    urgent_number: Mapped[str] = mapped_column(String(20), default="")
    # Therapy codes (``app.advice.THERAPY_CODES``) the clinic offers, in that order.
    therapies: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Raised by one on every change: each process compares it with the settings it keeps (``app.clinic``).
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
