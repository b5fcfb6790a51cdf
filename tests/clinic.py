"""The clinic's settings for tests: a clinic set up through the settings service, as the admin page sets it up."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app import clinic
from app.web.extensions import db

# A clinic in the UK, with a Chinese name, that offers every therapy.
HARBOUR: dict[str, Any] = {
    "name_en": "Harbour Clinic",
    "name_zh": "海港中医诊所",
    "address": "1 Quay Street\nLondon E1 1AA",
    "phone": "+44 20 7946 0000",
    "email": "hello@harbour.example",
    "website": "https://harbour.example",
    "opening_hours": "Monday to Friday 9:00-18:00",
    "data_controller": "Harbour Clinic Ltd",
    "emergency_number": "999",
    "urgent_number": "111",
    "therapies": list(clinic.THERAPY_CODES),
}


def set_up_clinic(app: Flask, **changes: Any) -> clinic.Clinic:
    """Store ``HARBOUR`` with ``changes`` as the clinic's settings (committed), and return them as pages see them."""
    with app.app_context():
        clinic.update({**HARBOUR, **changes})
        db.session.commit()
        return clinic.current()
