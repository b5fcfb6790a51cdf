"""Kept markup (app/patient/fragments.py, app/patient/step_markup.py): a page built from it is the page in full."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from app.models import Draft
from app.patient.fragments import Skeleton, choice, hole
from app.questionnaires import current
from app.web.extensions import db
from tests.answers import typical_answers
from tests.functional.patient.test_wizard import form_values, start, step_url
from tests.strategies import answer_sets

Q = current()
LANGUAGES = {"en": "en", "zh_Hans": "zh-CN,zh;q=0.9"}


def page(client: FlaskClient, method: str, url: str, language: str, **kwargs: Any) -> tuple[int, str]:
    response = client.open(url, method=method, headers={"Accept-Language": LANGUAGES[language]}, **kwargs)
    # The CSRF token is signed with a timestamp: two renders a second apart differ there and nowhere else.
    return response.status_code, re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"', response.text)


def kept_and_full(app: Flask, client: FlaskClient, method: str, url: str, language: str, **kw: Any) -> tuple[Any, Any]:
    """The page twice: from kept markup (filling the store first), then rendered in full as in development."""
    page(client, method, url, language, **kw)  # fills the store
    kept = page(client, method, url, language, **kw)
    app.jinja_env.auto_reload = True
    try:
        full = page(client, method, url, language, **kw)
    finally:
        app.jinja_env.auto_reload = False
    return kept, full


def saved_draft(app: Flask, answers: dict[str, Any]) -> str:
    with app.app_context():
        draft = Draft(questionnaire_version=Q.version, answers=answers, language="en")
        db.session.add(draft)
        db.session.commit()
        return draft.token


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    answers=answer_sets(),
    section=st.sampled_from([s.key for s in Q.sections]),
    language=st.sampled_from(sorted(LANGUAGES)),
)
def test_a_step_showing_saved_answers_is_the_page_rendered_in_full(
    app: Flask, answers: dict[str, Any], section: str, language: str
) -> None:
    token = saved_draft(app, answers)
    kept, full = kept_and_full(app, app.test_client(), "GET", step_url(token, section), language)
    assert kept == full
    assert kept[0] == 200


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    section=st.sampled_from([s.key for s in Q.sections]),
    data=st.dictionaries(st.sampled_from([q.link_id for q in Q.questions]), form_values, max_size=6),
    language=st.sampled_from(sorted(LANGUAGES)),
)
def test_a_step_with_problems_is_the_page_rendered_in_full(
    app: Flask, section: str, data: dict[str, Any], language: str
) -> None:
    client = app.test_client()
    url = step_url(start(client), section)
    kept, full = kept_and_full(app, client, "POST", url, language, data=data)
    assert kept == full


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_start_page_is_the_page_rendered_in_full_with_and_without_a_draft(app: Flask, language: str) -> None:
    client = app.test_client()
    first_visit = kept_and_full(app, client, "GET", "/", language)
    start(client)
    returning = kept_and_full(app, client, "GET", "/", language)
    for kept, full in (first_visit, returning):
        assert kept == full
        assert kept[0] == 200
    assert "/check/" not in first_visit[0][1]
    assert "/check/" in returning[0][1]


def test_a_kept_page_shows_each_draft_its_own_links(app: Flask) -> None:
    section = Q.sections[1].key
    tokens = [saved_draft(app, typical_answers()) for _ in range(3)]
    client = app.test_client()
    for token in (*tokens, *tokens):
        text = client.get(step_url(token, section)).text
        assert text.count(token) >= 3  # the form's action, the private link, the language switch's return path
        assert not any(other in text for other in tokens if other != token)


def test_a_message_waiting_to_be_shown_is_shown_on_a_kept_page(app: Flask, client: FlaskClient) -> None:
    client.get("/")  # keeps the start page
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Your assessment is saved.")]
    assert "Your assessment is saved." in client.get("/").text
    assert "Your assessment is saved." not in client.get("/").text


def test_a_typed_answer_is_escaped_where_it_is_filled_in(app: Flask, client: FlaskClient) -> None:
    section = next(s for s in Q.sections if any(q.kind == "text" for q in s.questions))
    question = next(q for q in section.questions if q.kind == "text")
    token = saved_draft(app, typical_answers(**{question.link_id: '</textarea><script>alert("x")</script>'}))
    for _ in range(2):  # rendering, then filling in kept markup
        text = client.get(step_url(token, section.key)).text
        assert "<script>alert" not in text
        assert "&lt;/textarea&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</textarea>" in text


@pytest.mark.parametrize("first, second", [("en", "zh_Hans"), ("zh_Hans", "en")])
def test_each_language_keeps_its_own_markup(client: FlaskClient, first: str, second: str) -> None:
    """The same app serving both languages in turn: every page is in the language asked for."""
    marks = {"en": '<html lang="en">', "zh_Hans": '<html lang="zh-Hans">'}
    for language in (first, second, first):
        status, text = page(client, "GET", "/", language)
        assert status == 200
        assert marks[language] in text
        assert ("Start the check" in text) == (language == "en")


def test_a_skeleton_fills_holes_escaped_and_choices_by_code() -> None:
    skeleton = Skeleton.parse(
        Markup('<a href="{}">x</a><input value="a" {}><g aria-checked="{}">').format(
            hole("url"), choice("a", "checked", ""), choice("b", "true", "false")
        )
    )
    assert skeleton.fill({"url": '"><script>'}, chosen={"a"}) == Markup(
        '<a href="&#34;&gt;&lt;script&gt;">x</a><input value="a" checked><g aria-checked="false">'
    )
    assert skeleton.fill({"url": "/x"}, chosen={"b"}) == Markup(
        '<a href="/x">x</a><input value="a" ><g aria-checked="true">'
    )
