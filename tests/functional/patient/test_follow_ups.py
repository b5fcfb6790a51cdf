"""The safety check's follow-up questions in the wizard, as a browser without JavaScript sees them, in both languages.

A follow-up (when nerve symptoms began, when an injury happened, whether leg numbness is getting worse) is drawn on
the same step as the answer it asks about, inside its condition with the condition in words; it is required once it
applies and dropped when it does not. Browser tests check the JavaScript side (``tests/browser``).
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import catalogues
from app.models import Draft
from app.questionnaires import CURRENT
from app.web.extensions import db
from tests.answers import typical_answers
from tests.functional.patient.test_wizard import form_data, start, step_url

zh = catalogues.translations("zh_Hans").gettext
CHINESE_BROWSER = "zh-CN,zh;q=0.9"

# (step, follow-up, the answer that asks it, an answer for it that is long past, the recent answer)
FOLLOW_UPS = [
    ("safety", "rf_nerves_when", {"rf_nerves": ["both_legs"]}, "steady", "new"),
    ("safety", "rf_injury_when", {"rf_injury": "major"}, "over_1_year", "last_6_weeks"),
    ("pain", "leg_change", {"leg_spread": "below_knee", "leg_feelings": ["weakness"]}, "same", "worse"),
]


def _at(client: FlaskClient, step: str) -> str:
    token = start(client)
    if step != "safety":
        assert client.post(step_url(token, "safety"), data=form_data("safety", typical_answers())).status_code == 303
    return token


def _draft(app: Flask, token: str) -> dict[str, object]:
    with app.app_context():
        answers = db.session.scalar(select(Draft.answers).where(Draft.token == token))
        assert answers is not None
        return dict(answers)


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
@pytest.mark.parametrize(("step", "follow_up", "asked_by", "long_past", "recent"), FOLLOW_UPS)
def test_a_follow_up_is_drawn_inside_its_condition_with_the_condition_in_words(
    client: FlaskClient, language: str, step: str, follow_up: str, asked_by: dict, long_past: str, recent: str
) -> None:
    if language == "zh_Hans":
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = CHINESE_BROWSER
    token = _at(client, step)
    page = client.get(step_url(token, step)).get_data(as_text=True)
    at = page.index(f'id="q-{follow_up}"')
    [*_, block] = (
        b for b in re.finditer(r'<div class="conditional" data-enable-when="([^"]*)">', page) if b.start() < at
    )
    declared = " ".join(f"{c.question}={c.answer}" for c in CURRENT.by_id[follow_up].enable_when)
    assert block.group(1).strip() == declared
    condition = re.search(r'<p class="condition">(.*?)</p>', page[block.end() : at], re.S)
    assert condition is not None
    if language == "zh_Hans":
        assert re.search(r"[\u4e00-\u9fff]", condition.group(1)), condition.group(1)
        assert "Only if" not in condition.group(1)
    else:
        assert condition.group(1).strip().startswith("Only if")


@pytest.mark.parametrize(("step", "follow_up", "asked_by", "long_past", "recent"), FOLLOW_UPS)
def test_a_follow_up_is_required_once_it_applies_and_keeps_what_was_typed(
    app: Flask, client: FlaskClient, step: str, follow_up: str, asked_by: dict, long_past: str, recent: str
) -> None:
    token = _at(client, step)
    data = {**form_data(step, typical_answers(**asked_by))}
    data.pop(follow_up, None)
    response = client.post(step_url(token, step), data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="error-{follow_up}"' in page and "Please choose one answer." in page
    for link_id, value in asked_by.items():
        code = value[0] if isinstance(value, list) else value
        assert re.search(rf'id="{link_id}-{code}"[^>]*checked', page)
    assert _draft(app, token)[next(iter(asked_by))] == next(iter(asked_by.values()))


@pytest.mark.parametrize(("step", "follow_up", "asked_by", "long_past", "recent"), FOLLOW_UPS)
def test_a_follow_up_is_dropped_when_its_answer_is_taken_back(
    app: Flask, client: FlaskClient, step: str, follow_up: str, asked_by: dict, long_past: str, recent: str
) -> None:
    token = _at(client, step)
    # Posted with the follow-up answered, but the answer that asks it taken back: the follow-up is not kept.
    data = {**form_data(step, typical_answers()), follow_up: recent}
    response = client.post(step_url(token, step), data=data)
    assert response.status_code == 303
    assert not response.location.startswith("/result/")  # nothing urgent: the recent answer did not count
    clean, errors = CURRENT.validate(_draft(app, token), only=CURRENT.section(step))
    assert errors == {} and follow_up not in clean


@pytest.mark.parametrize(("step", "follow_up", "asked_by", "long_past", "recent"), FOLLOW_UPS)
def test_a_long_past_answer_goes_on_and_a_recent_one_ends_the_screen(
    client: FlaskClient, step: str, follow_up: str, asked_by: dict, long_past: str, recent: str
) -> None:
    token = _at(client, step)
    calm = client.post(
        step_url(token, step), data=form_data(step, typical_answers(**asked_by, **{follow_up: long_past}))
    )
    assert calm.status_code == 303 and "/check/" in calm.location

    token = _at(client, step)
    urgent = client.post(
        step_url(token, step), data=form_data(step, typical_answers(**asked_by, **{follow_up: recent}))
    )
    assert urgent.status_code == 303 and urgent.location.startswith("/result/")
    page = client.get(urgent.location).get_data(as_text=True)
    assert "Get medical help now" in page or "See a doctor today or tomorrow" in page


def test_the_safety_check_asks_about_nerves_injury_and_history_in_chinese(client: FlaskClient) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = CHINESE_BROWSER
    page = client.get(step_url(start(client), "safety")).get_data(as_text=True)
    for text in ("When did this start?", "When did the injury happen?", "Do you have any of these?"):
        assert zh(text) != text and zh(text) in page
