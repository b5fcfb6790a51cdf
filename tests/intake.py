"""Helpers for intake tests: finish a screening, open the send form, and post it as a browser would."""

from __future__ import annotations

import html
import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.answers import typical_answers
from tests.functional.patient.test_wizard import complete

NAME = "Ann Lee-Wong"
EMAIL = "Ann.Lee@Example.com"
PHONE = "07400 123456"
PHONE_E164 = "+447400123456"
MESSAGE = "My back is worst in the mornings."


def screened(client: FlaskClient, **changes: Any) -> str:
    """Complete the questionnaire; return the result page's path (``/result/<public_id>``)."""
    return complete(client, typical_answers(**changes))


def hidden_fields(page: str) -> dict[str, str]:
    """The form's hidden inputs (the signed form token and the notice version), as the browser would post them."""
    found = {}
    for name in ("form_token", "notice_version"):
        match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
        assert match, f"no {name} on the page"
        found[name] = html.unescape(match.group(1))
    return found


def details(**changes: Any) -> dict[str, Any]:
    """A complete, valid intake form; ``None`` leaves a field out."""
    data: dict[str, Any] = {
        "full_name": NAME,
        "dob_day": "27",
        "dob_month": "3",
        "dob_year": "1980",
        "age": "",
        "phone": PHONE,
        "email": EMAIL,
        "preferred_contact": "phone",
        "preferred_times": ["weekday_morning", "weekend"],
        "message": MESSAGE,
        "consent": "y",
        "signature": NAME,
        "website": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def open_form(client: FlaskClient, result_path: str) -> dict[str, str]:
    response = client.get(f"{result_path}/send")
    assert response.status_code == 200, response.status_code
    return hidden_fields(response.get_data(as_text=True))


def send(client: FlaskClient, result_path: str, hidden: dict[str, str] | None = None, **changes: Any) -> TestResponse:
    """Post the send form (opened now unless ``hidden`` is given) with ``details(**changes)``."""
    hidden = hidden if hidden is not None else open_form(client, result_path)
    return client.post(f"{result_path}/send", data={**hidden, **details(**changes)})


def sent(client: FlaskClient, **changes: Any) -> str:
    """A screening sent to the clinic; returns its result path."""
    path = screened(client)
    response = send(client, path, **changes)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return path
