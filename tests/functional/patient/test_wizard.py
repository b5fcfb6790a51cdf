"""The self-screening wizard, step by step, as a browser without JavaScript would use it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select

from app.models import Draft, Submission, utcnow
from app.questionnaires import VERSIONS, current
from app.web.extensions import db
from tests.answers import typical_answers, typical_v1_answers

Q = current()


def form_data(section_key: str, answers: dict[str, Any]) -> dict[str, Any]:
    """What a browser posts for one step: strings, and lists for checkboxes."""
    keys = {q.link_id for q in Q.section(section_key).questions}  # type: ignore[union-attr]
    return {k: (v if isinstance(v, list) else str(v)) for k, v in answers.items() if k in keys}


def start(client: FlaskClient) -> str:
    response = client.post("/start")
    assert response.status_code == 303
    match = re.fullmatch(r"/check/([\w-]+)/safety", response.location)
    assert match, response.location
    return match.group(1)


def step_url(token: str, section: str) -> str:
    return f"/check/{token}/{section}"


def complete(client: FlaskClient, answers: dict[str, Any]) -> str:
    """Answer every step in order; return the result page's path."""
    token = start(client)
    location = step_url(token, Q.sections[0].key)
    while location.startswith("/check/"):
        section = location.rsplit("/", 1)[1]
        assert client.get(location).status_code == 200
        response = client.post(location, data=form_data(section, answers))
        assert response.status_code == 303, response.data[:2000]
        location = response.location
    return location


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_start_page_explains_and_offers_to_start(client):
    page = client.get("/").get_data(as_text=True)
    assert "not a diagnosis" in page
    assert "emergency" in page
    assert 'action="/start"' in page


def test_each_step_shows_its_questions_with_labelled_groups(client):
    token = start(client)
    for number, section in enumerate(Q.sections, start=1):
        page = client.get(step_url(token, section.key)).get_data(as_text=True)
        assert f"Step {number} of {len(Q.sections)}" in page
        for question in section.questions:
            if question.kind == "text":
                assert f'<label class="question-text" for="{question.link_id}">' in page
            else:
                assert f'id="q-{question.link_id}"' in page
                assert "<legend" in page
            for option in question.options:
                assert f'id="{question.link_id}-{option.code}"' in page


def test_completing_every_step_shows_an_explained_result_and_stores_it(app, client):
    result_path = complete(client, typical_answers())
    page = client.get(result_path).get_data(as_text=True)
    assert "Kidney Deficiency" in page and "肾虚" in page
    assert "Why" in page and "A dull ache" in page  # the answers that counted, in the patient's words
    assert "Acupuncture" in page
    assert "screening aid, not a diagnosis" in page
    assert re.search(r"LBP-[A-Z0-9]{4}-[A-Z0-9]{4}", page)
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert submission is not None
        assert result_path == f"/result/{submission.public_id}"
        assert submission.questionnaire_version == Q.version
        assert submission.rules_version == submission.result["rules_version"]
        assert submission.primary_pattern == "kidney_deficiency"
        assert submission.answers["pain_feel"] == ["dull_ache", "sore_weak"]
        assert count(Draft) == 0


def test_back_keeps_answers_of_the_step_left_and_the_step_returned_to(client):
    token = start(client)
    answers = typical_answers()
    client.post(step_url(token, "safety"), data=form_data("safety", answers))
    pain = {"pain_area": ["buttock_left"], "pain_worst": "7"}
    response = client.post(step_url(token, "pain"), data={**pain, "action": "back"})
    assert response.status_code == 303
    assert response.location == step_url(token, "safety")
    safety_page = client.get(step_url(token, "safety")).get_data(as_text=True)
    assert re.search(r'id="rf_now-none"[^>]*checked', safety_page)
    pain_page = client.get(step_url(token, "pain")).get_data(as_text=True)
    assert re.search(r'id="pain_area-buttock_left"[^>]*checked', pain_page)
    assert re.search(r'id="pain_worst-7"[^>]*checked', pain_page)


def test_missing_answers_are_reported_next_to_each_field_and_input_is_kept(client):
    token = start(client)
    client.post(step_url(token, "safety"), data=form_data("safety", typical_answers()))
    response = client.post(step_url(token, "pain"), data={"pain_area": ["lower_back_left"], "pain_worst": "4"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="error-summary"' in page
    assert 'href="#q-pain_spot"' in page
    assert 'id="error-pain_spot"' in page and "Please choose one answer." in page
    assert 'aria-describedby="error-pain_spot"' in page
    assert re.search(r'id="pain_area-lower_back_left"[^>]*checked', page)
    assert re.search(r'id="pain_worst-4"[^>]*checked', page)
    # Also kept server-side, so leaving and coming back loses nothing.
    again = client.get(step_url(token, "pain")).get_data(as_text=True)
    assert re.search(r'id="pain_worst-4"[^>]*checked', again)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("onset", "forever", "Please choose one of the answers shown."),
        ("pain_worst", "11", "Please give a whole number from 0 to 10."),
        ("pain_worst", "-1", "Please give a whole number from 0 to 10."),
        ("pain_worst", "a lot", "Please give a whole number from 0 to 10."),
        ("pain_feel", ["dull_ache", "made_up"], "Please choose from the answers shown."),
    ],
)
def test_each_kind_of_invalid_answer_gets_a_clear_message(client, field, value, message):
    token = start(client)
    client.post(step_url(token, "safety"), data=form_data("safety", typical_answers()))
    data = {**form_data("pain", typical_answers()), field: value}
    response = client.post(step_url(token, "pain"), data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_none_of_these_cannot_be_combined(client):
    token = start(client)
    data = {**form_data("safety", typical_answers()), "rf_history": ["none", "cancer"]}
    response = client.post(step_url(token, "safety"), data=data)
    assert response.status_code == 422
    assert "cannot be chosen together" in response.get_data(as_text=True)


def test_text_longer_than_allowed_is_refused_but_kept(client):
    token = start(client)
    long_text = "ibuprofen " * 60
    response = client.post(step_url(token, "before_therapy"), data={"cautions": ["none"], "medicines": long_text})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "500 characters or fewer" in page
    assert long_text.strip() in page


def test_leg_questions_apply_only_when_pain_spreads(client):
    token = start(client)
    client.post(step_url(token, "safety"), data=form_data("safety", typical_answers()))
    spreading = {**form_data("pain", typical_answers()), "leg_spread": "below_knee"}
    response = client.post(step_url(token, "pain"), data=spreading)
    assert response.status_code == 422
    assert 'id="error-leg_feelings"' in response.get_data(as_text=True)
    # Without a spreading pain the same leg answers are simply not needed.
    response = client.post(step_url(token, "pain"), data=form_data("pain", typical_answers()))
    assert response.status_code == 303


def test_period_questions_are_asked_only_of_people_with_periods(app, client):
    answers = typical_answers(periods="yes", period_links=["breast_tender"])
    result_path = complete(client, answers)
    with app.app_context():
        stored = db.session.scalar(select(Submission))
        assert stored is not None
        assert stored.answers["period_links"] == ["breast_tender"]
    assert result_path.startswith("/result/")
    client2 = app.test_client()
    complete(client2, typical_answers(periods="no", period_links=["breast_tender"]))
    with app.app_context():
        latest = db.session.scalars(select(Submission).order_by(Submission.id.desc())).first()
        assert latest is not None
        assert "period_links" not in latest.answers


def test_an_emergency_red_flag_ends_the_screen_with_urgent_advice_and_no_pattern(app, client):
    token = start(client)
    data = {**form_data("safety", typical_answers()), "rf_nerves": ["saddle_numbness"], "rf_nerves_when": "new"}
    response = client.post(step_url(token, "safety"), data=data)
    assert response.status_code == 303
    assert response.location.startswith("/result/")
    page = client.get(response.location).get_data(as_text=True)
    assert "Get medical help now" in page
    assert "Go to A&E" in page
    assert "Kidney Deficiency" not in page and "most consistent with" not in page
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert submission is not None
        assert submission.urgent is True
        assert submission.primary_pattern is None
        assert submission.result["red_flags"][0]["code"] == "cauda_equina"


def test_an_urgent_history_flag_advises_a_doctor_within_a_day(client):
    token = start(client)
    data = {**form_data("safety", typical_answers()), "rf_history": ["cancer"], "duration": "under_6_weeks"}
    page = client.get(client.post(step_url(token, "safety"), data=data).location).get_data(as_text=True)
    assert "See a doctor today or tomorrow" in page
    assert "Past cancer with back pain that is recent" in page  # the combination says why


def test_a_refer_flag_is_shown_above_the_pattern(client):
    signs = ["began_young_lasting", "wakes_late_night", "stiff_morning", "alternating_buttock"]
    page = client.get(complete(client, typical_answers(rf_inflammatory=signs))).get_data(as_text=True)
    assert "Mention this to your GP" in page
    assert "Possible inflammatory back pain" in page
    assert page.index("Mention this to your GP") < page.index("Kidney Deficiency")


def test_a_repeated_final_submit_stores_one_submission(app, client):
    answers = typical_answers()
    token = start(client)
    for section in Q.sections[:-1]:
        client.post(step_url(token, section.key), data=form_data(section.key, answers))
    last = step_url(token, Q.sections[-1].key)
    first = client.post(last, data=form_data(Q.sections[-1].key, answers))
    second = client.post(last, data=form_data(Q.sections[-1].key, answers))
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    with app.app_context():
        assert count(Submission) == 1


def test_resume_link_opens_the_first_unanswered_step(client):
    token = start(client)
    client.post(step_url(token, "safety"), data=form_data("safety", typical_answers()))
    response = client.get(f"/check/{token}")
    assert response.status_code == 302
    assert response.location == step_url(token, "pain")
    # Another device with only the link gets the same place and the same answers.
    other = client.application.test_client()
    page = other.get(step_url(token, "safety")).get_data(as_text=True)
    assert re.search(r'id="rf_now-none"[^>]*checked', page)


def test_unknown_and_expired_drafts_answer_404(app, client):
    assert client.get("/check/not-a-token/safety").status_code == 404
    token = start(client)
    assert client.get(step_url(token, "no_such_step")).status_code == 404
    with app.app_context():
        draft = db.session.get(Draft, token)
        assert draft is not None
        draft.updated_at = utcnow() - app.config["DRAFT_LIFETIME"] - timedelta(minutes=1)
        db.session.commit()
    response = client.get(step_url(token, "safety"))
    assert response.status_code == 404
    assert "expired" in response.get_data(as_text=True)


def test_showing_a_step_reads_its_draft_with_one_query_and_writes_nothing(app, client):
    token = start(client)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert client.get(step_url(token, "pain")).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert [s for s in statements if s not in ("BEGIN", "ROLLBACK")] == ["SELECT"]


def test_unknown_result_answers_404(client):
    assert client.get("/result/unknown").status_code == 404


def test_language_switch_keeps_answers_and_returns_to_the_page(client):
    token = start(client)
    client.post(step_url(token, "safety"), data=form_data("safety", typical_answers()))
    response = client.post("/language", data={"lang": "zh_Hans", "next": step_url(token, "safety")})
    assert response.status_code == 302 and response.location == step_url(token, "safety")
    page = client.get(step_url(token, "safety")).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page
    assert re.search(r'id="rf_now-none"[^>]*checked', page)


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/", "javascript:x"])
def test_language_switch_never_redirects_off_site(client, target):
    response = client.post("/language", data={"lang": "en", "next": target})
    assert response.location == "/"


def test_browser_language_is_used_until_the_person_chooses(client):
    page = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page


def test_pages_carry_security_headers_and_are_not_cached(client):
    token = start(client)
    for path in ("/", step_url(token, "safety"), "/result/unknown"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


def test_csrf_is_checked_when_enabled(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/start").status_code == 400
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    response = client.post("/start", data={"csrf_token": token.group(1)})
    assert response.status_code == 303
    with app.app_context():
        db.session.execute(db.delete(Draft))
        db.session.commit()


def test_a_database_outage_keeps_what_was_typed_and_answers_503(app_factory):
    app = app_factory("postgresql+psycopg://postgres@127.0.0.1:1/unreachable", DB_POOL_TIMEOUT=1)
    client = app.test_client()
    response = client.post(
        "/check/some-token/pain", data={"pain_area": ["buttock_right"], "pain_worst": "8", "pain_spot": "one_spot"}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    page = response.get_data(as_text=True)
    assert "We could not save this just now" in page
    assert re.search(r'id="pain_area-buttock_right"[^>]*checked', page)
    assert re.search(r'id="pain_worst-8"[^>]*checked', page)
    assert re.search(r'id="pain_spot-one_spot"[^>]*checked', page)
    assert "Traceback" not in page


form_values = st.one_of(
    st.text(max_size=30), st.lists(st.text(max_size=20), max_size=4), st.sampled_from(["none", "0", "10", "99"])
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    section=st.sampled_from([s.key for s in Q.sections]),
    data=st.dictionaries(
        st.sampled_from([q.link_id for q in Q.questions] + ["action", "junk"]), form_values, max_size=8
    ),
)
def test_any_posted_step_gets_a_page_never_a_server_error(app: Flask, section: str, data: dict[str, Any]):
    client = app.test_client()
    token = start(client)
    response = client.post(step_url(token, section), data=data)
    assert response.status_code in (303, 422)


def test_a_draft_started_on_questionnaire_1_finishes_on_it(app, client):
    token = start(client)
    with app.app_context():
        draft = db.session.scalar(select(Draft).where(Draft.token == token))
        draft.questionnaire_version = "1"
        db.session.commit()
    v1 = VERSIONS["1"]
    answers = typical_v1_answers()
    location = step_url(token, v1.sections[0].key)
    while location.startswith("/check/"):
        section = location.rsplit("/", 1)[1]
        page = client.get(location).get_data(as_text=True)
        if section == "safety":
            assert 'name="rf_nerves"' not in page  # version 1's own questions
        keys = {q.link_id for q in v1.section(section).questions}
        data = {k: (v if isinstance(v, list) else str(v)) for k, v in answers.items() if k in keys}
        response = client.post(location, data=data)
        assert response.status_code == 303, response.data[:500]
        location = response.location
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert submission.questionnaire_version == "1"
        assert submission.result["primary"] == "kidney_deficiency"
        assert "Kidney Deficiency" in client.get(location).get_data(as_text=True)
