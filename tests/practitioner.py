"""Helpers for practitioner tests: stored submissions (through the real services) and page parsing."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from app import services
from app.intake import privacy
from app.intake.service import Consent, ContactDetails, send_to_clinic
from app.models import AuditEvent, Submission
from app.questionnaires import current
from app.web.extensions import db
from tests.answers import typical_answers

# A cold-damp picture and a stagnation picture, so filters by pattern have something to tell apart.
COLD_DAMP = typical_answers(
    onset="cold_wet",
    pattern_over_time="keeps_returning",
    pain_feel=["cold", "heavy", "tight_stiff"],
    pain_spot="wide_area",
    worse_with=["cold", "damp_weather", "lying_still"],
    better_with=["warmth", "moving"],
    other_symptoms=["heavy_body"],
    age_band="35_49",
    heavy_work="rarely",
    cold_damp_places="often",
)
URGENT = typical_answers(rf_now=["fever"])


def stored(
    app: Flask,
    answers: dict[str, Any] | None = None,
    *,
    created_at: datetime | None = None,
    **fields: Any,
) -> int:
    """Store a self-screen through the real engine; set ``fields`` (e.g. status) directly. Returns its id."""
    with app.app_context():
        recorded = services.record_assessment(answers or typical_answers(), current(), source="web")
        submission = db.session.get(Submission, recorded.id)
        assert submission is not None
        if created_at is not None:
            submission.created_at = created_at
        for name, value in fields.items():
            setattr(submission, name, value)
        db.session.commit()
        return submission.id


def sent(
    app: Flask,
    answers: dict[str, Any] | None = None,
    *,
    name: str = "Ann Lee-Wong",
    email: str | None = "ann.lee@example.com",
    phone: str | None = "+447400123456",
    message: str = "",
    created_at: datetime | None = None,
    **fields: Any,
) -> int:
    """Store a screening and send it to the clinic through the intake service (contact details encrypted)."""
    submission_id = stored(app, answers, created_at=created_at)
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission is not None
        details = ContactDetails(
            name=name,
            date_of_birth=date(1980, 3, 27),
            age=None,
            phone=phone,
            email=email,
            preferred_contact="phone",
            preferred_times=("weekday_morning",),
            message=message,
        )
        consent = Consent(privacy.VERSION, name, datetime.now(UTC))
        assert send_to_clinic(submission, details, consent, form_token=secrets.token_urlsafe(16)) == "sent"
        for field, value in fields.items():
            setattr(submission, field, value)
        db.session.commit()
    return submission_id


def references(page: str) -> list[str]:
    """Reference codes in the order a page lists them."""
    return re.findall(r'class="reference"[^>]*>(LBP-\w{4}-\w{4})<', page)


def reference_of(app: Flask, submission_id: int) -> str:
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission is not None
        return submission.reference


def audit_events(app: Flask, action: str | None = None) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        events = list(db.session.scalars(query))
        db.session.expunge_all()
        return events


def hidden_value(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', page
    )
    assert match, f"no {name} on the page"
    return match.group(1)
