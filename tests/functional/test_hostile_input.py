"""Odd input breaks nothing (issue 11): each example the issue lists, on the real database, answered 4xx with a
message and never 500 or 503; and a record stored with the worst values the old code accepted still opens."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from sqlalchemy import func, select, text

from app.input_values import MAX_ID, Refused, clean_text
from app.models import AuditEvent, Review, Submission, User
from app.questionnaires import current
from app.web.extensions import db
from tests.answers import typical_answers
from tests.functional.patient.test_wizard import form_data, start, step_url
from tests.fuzzing import Budget, fuzz_settings, hostile_text
from tests.practitioner import hidden_value, sent, stored

Q = current()
INTEGER = next(q for q in Q.questions if q.kind == "integer")
TEXT = next(q for q in Q.questions if q.kind == "text")
INTEGER_SECTION = next(s for s in Q.sections if INTEGER in s.questions)
TEXT_SECTION = next(s for s in Q.sections if TEXT in s.questions)
TWENTY_DIGITS = "12345678901234567890"
LEAKS = ("Traceback", 'File "', "sqlalchemy", "psycopg", "UnicodeEncodeError")


def post_json(client: FlaskClient, body: Any) -> Any:
    # json.dumps escapes a lone surrogate as \ud800, exactly what an integrator's client sends.
    return client.post("/api/v1/assessments", data=json.dumps(body), content_type="application/json")


def submissions(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Submission)) or 0


def is_postgres(app: Flask) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def assert_clean(body: str) -> None:
    for leak in LEAKS:
        assert leak not in body


# Integers: ASCII digits with one optional sign, within the question's range


@pytest.mark.parametrize("value", ["²", "¹⁰", "--3", "١", "+-3", "3.5", "1_0", " ", "0x5", TWENTY_DIGITS])
def test_an_odd_integer_answer_is_a_422_from_the_api(app, client, value):
    response = post_json(client, {"answers": typical_answers(**{INTEGER.link_id: value})})
    assert response.status_code == 422
    assert response.get_json()["errors"][INTEGER.link_id].startswith("Please give a whole number from")
    assert submissions(app) == 0


@pytest.mark.parametrize(("value", "stored_as"), [("+3", 3), (" 7 ", 7), ("007", 7), (7.0, 7)])
def test_integers_in_plain_ascii_with_one_sign_are_accepted(app, client, value, stored_as):
    response = post_json(client, {"answers": typical_answers(**{INTEGER.link_id: value})})
    assert response.status_code == 201
    with app.app_context():
        assert db.session.scalar(select(Submission.answers))[INTEGER.link_id] == stored_as


@pytest.mark.parametrize("value", ["²", "¹⁰", "--3"])
def test_an_odd_integer_on_a_wizard_step_is_a_422_that_keeps_what_was_typed(client, value):
    token = start(client)
    data = form_data(INTEGER_SECTION.key, typical_answers(**{INTEGER.link_id: value}))
    response = client.post(step_url(token, INTEGER_SECTION.key), data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Please give a whole number from" in page
    assert_clean(page)
    # The other answers on the page are still chosen.
    kept = next(q for q in INTEGER_SECTION.questions if q.kind == "single" and q.link_id in data)
    assert re.search(rf'id="{kept.link_id}-{data[kept.link_id]}"[^>]*checked', page)


# Text: NFC, no lone surrogates, no control characters but newline and tab


@pytest.mark.parametrize("value", ["a\ud800b", "a\udfffb", "a\x00b", "a\x1bb", "a\x7fb", "a\x85b"])
def test_text_that_cannot_be_encoded_or_holds_a_control_character_is_a_422(app, client, value):
    response = post_json(client, {"answers": typical_answers(**{TEXT.link_id: value})})
    assert response.status_code == 422
    assert "unusual characters" in response.get_json()["errors"][TEXT.link_id]
    assert submissions(app) == 0


@pytest.mark.fuzz
def test_any_text_answer_sent_as_json_is_stored_clean_or_refused(app):
    """JSON can carry what no form can (a lone surrogate): the whole Unicode range, through the API."""
    client = app.test_client()
    budget = Budget(6)

    @fuzz_settings(80)
    @given(hostile_text)
    def run(typed: str) -> None:
        if budget.spent():
            return
        response = post_json(client, {"answers": typical_answers(**{TEXT.link_id: typed})})
        assert response.status_code in (201, 422), response.get_data(as_text=True)[:500]
        try:
            expected = clean_text(typed, max_length=TEXT.max_length, multiline=True)
        except Refused:
            assert response.status_code == 422
            assert TEXT.link_id in response.get_json()["errors"]
            return
        assert response.status_code == 201
        with app.app_context():
            stored_answers = db.session.scalar(
                select(Submission.answers).where(Submission.public_id == response.get_json()["id"])
            )
        assert stored_answers.get(TEXT.link_id) == (expected or None)

    run()


def test_a_lone_surrogate_in_a_fhir_response_is_a_422(app, client):
    from app import fhir

    resource = fhir.response_resource(typical_answers(), Q)
    groups = {g["linkId"]: g for g in resource["item"]}
    groups[TEXT_SECTION.key] = {"linkId": TEXT_SECTION.key, "item": []}
    groups[TEXT_SECTION.key]["item"].append({"linkId": TEXT.link_id, "answer": [{"valueString": "x\ud800"}]})
    resource["item"] = list(groups.values())
    response = post_json(client, resource)
    assert response.status_code == 422
    assert TEXT.link_id in response.get_json()["errors"]
    assert submissions(app) == 0


def test_text_is_stored_in_nfc_with_newlines_and_tabs_kept(app, client):
    typed = " cafe\u0301\r\n\tibuprofen \U0001f48a\u200d "
    response = post_json(client, {"answers": typical_answers(**{TEXT.link_id: typed})})
    assert response.status_code == 201
    with app.app_context():
        assert db.session.scalar(select(Submission.answers))[TEXT.link_id] == "café\n\tibuprofen \U0001f48a\u200d"


def test_a_nul_on_a_wizard_step_is_refused_and_the_rest_of_the_text_kept(client):
    token = start(client)
    data = form_data(TEXT_SECTION.key, typical_answers())
    data[TEXT.link_id] = "ginseng\x00 tea"
    response = client.post(step_url(token, TEXT_SECTION.key), data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "unusual characters" in page
    assert "ginseng" in page and "tea" in page
    assert_clean(page)


@pytest.mark.parametrize("token", ["a\x00b", "x" * 200, "%ED%A0%80"])
def test_a_private_link_that_no_token_can_have_is_a_404(client, token):
    assert client.get(f"/check/{token}/{Q.sections[0].key}").status_code == 404
    assert client.post(f"/check/{token}/{Q.sections[0].key}", data={}).status_code == 404
    assert client.get(f"/result/{token}").status_code == 404
    assert client.get(f"/api/v1/assessments/{token}").status_code == 404


# NUL bytes (PostgreSQL refuses them in text): a 400 or 422 with a message, never "database unavailable"


def test_a_nul_in_a_signed_out_sign_in_address_is_a_400(app, client, caplog):
    caplog.set_level(logging.INFO)
    response = client.post("/staff/sign-in", data={"email": "a\x00@clinic.test", "password": "whatever it is"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "unusual characters" in page
    assert "database unavailable" not in caplog.text


def test_a_nul_in_a_practitioners_notes_is_a_422_with_the_notes_kept(app, practitioner_client, caplog):
    submission_id = sent(app)
    page = practitioner_client.get(f"/staff/submissions/{submission_id}").get_data(as_text=True)
    data = {"row_version": hidden_value(page, "row_version"), "primary": "", "notes": "Tongue pale\x00, pulse deep"}
    response = practitioner_client.post(f"/staff/submissions/{submission_id}/assessment", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "unusual characters" in body
    assert "pulse deep" in body
    assert "database unavailable" not in caplog.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Review)) == 0


@pytest.mark.parametrize("field", ["actor", "target"])
def test_a_nul_in_an_audit_filter_is_a_400_with_the_filter_kept(admin_client, caplog, field):
    response = admin_client.get("/admin/audit", query_string={field: "adm\x00in"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "unusual characters" in body
    assert "adm" in body
    assert "database unavailable" not in caplog.text


def test_search_with_a_nul_is_refused_and_the_queue_still_opens(practitioner_client):
    response = practitioner_client.post("/staff/search", data={"q": "Ann\x00Lee"})
    assert response.status_code == 303
    assert practitioner_client.get(response.location).status_code == 200


# Staff query parameters: dates, cursors, ids and page numbers at and beyond their limits


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01", "2024-02-30", "²⁰²⁴-01-01"])
@pytest.mark.parametrize("key", ["from", "to"])
def test_a_queue_date_out_of_range_is_ignored_with_a_message(app, practitioner_client, key, day):
    sent(app)
    response = practitioner_client.get("/staff/", query_string={key: day})
    assert response.status_code == 200
    assert "from 1900 to 2100 and is ignored" in response.get_data(as_text=True)


@pytest.mark.parametrize("key", ["from", "to"])
def test_the_csv_export_with_a_far_date_is_complete(app, practitioner_client, key):
    sent(app)
    sent(app, email="bo@example.com", phone=None)
    response = practitioner_client.get("/staff/export.csv", query_string={key: "9999-12-31"})
    assert response.status_code == 200
    lines = response.get_data(as_text=True).strip().splitlines()
    assert len(lines) == 3  # header and both rows: the date is ignored, not a cut-off stream


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2024-13-01", "1.1.2024"])
@pytest.mark.parametrize("key", ["since", "until"])
def test_an_audit_date_out_of_range_is_a_400_with_a_message(admin_client, key, day):
    response = admin_client.get("/admin/audit", query_string={key: day})
    assert response.status_code == 400
    assert "from 1900 to 2100" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "cursor",
    [
        "1.²³.5",
        f"1.{TWENTY_DIGITS}.1",
        f"0.123.{TWENTY_DIGITS}",
        f"0.123.{MAX_ID + 1}",
        "0.999999999999999999.1",
        "1.-5.3",
        "2.1.1",
        "1.1",
        "\x00",
        "1." + "9" * 5000 + ".1",
    ],
)
def test_a_damaged_or_oversized_cursor_shows_the_first_page(app, practitioner_client, cursor):
    sent(app)
    response = practitioner_client.get("/staff/", query_string={"after": cursor})
    assert response.status_code == 200
    assert practitioner_client.get("/staff/export.csv", query_string={"after": cursor}).status_code == 200


@pytest.mark.parametrize("number", [TWENTY_DIGITS, str(MAX_ID + 1), "0", "١"])
def test_a_submission_id_beyond_the_databases_range_is_a_404(practitioner_client, number):
    for path in ("", "/print", "/fhir.json"):
        assert practitioner_client.get(f"/staff/submissions/{number}{path}").status_code == 404
    for action in ("assessment", "status", "erase"):
        assert practitioner_client.post(f"/staff/submissions/{number}/{action}", data={}).status_code == 404


@pytest.mark.parametrize("number", [TWENTY_DIGITS, str(MAX_ID + 1)])
def test_a_user_id_beyond_the_databases_range_is_a_404(admin_client, number):
    assert admin_client.get(f"/admin/users/{number}").status_code == 404
    assert admin_client.post(f"/admin/users/{number}/deactivate").status_code == 404


@pytest.mark.parametrize("page", [TWENTY_DIGITS, str(MAX_ID + 1), "0", "-1", "²", "1e3"])
def test_an_audit_page_number_beyond_range_is_a_400(admin_client, page):
    response = admin_client.get("/admin/audit", query_string={"page": page})
    assert response.status_code == 400
    assert "Give a whole number from 1 to" in response.get_data(as_text=True)


def test_the_last_audit_page_number_in_range_is_an_empty_page(admin_client):
    assert admin_client.get("/admin/audit", query_string={"page": str(MAX_ID)}).status_code == 200


@pytest.mark.parametrize("weeks", [TWENTY_DIGITS, "²", "-3", "9" * 5000])
def test_the_overview_takes_any_weeks_parameter(practitioner_client, weeks):
    assert practitioner_client.get("/staff/overview", query_string={"weeks": weeks}).status_code == 200


def test_a_forwarded_address_that_is_not_an_address_is_not_stored(app_factory):
    app = app_factory(PROXY_COUNT=1)
    response = app.test_client().post(
        "/staff/sign-in",
        data={"email": "nobody@clinic.test", "password": "wrong password here"},
        headers={"X-Forwarded-For": "x" * 300},
    )
    assert response.status_code == 401
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.ip)) is None


# Database errors told apart


def test_a_value_the_database_refuses_is_a_400_logged_at_info_without_the_value(app, caplog):
    if not is_postgres(app):
        pytest.skip("SQLite converts values instead of refusing them")

    def probe() -> str:
        return str(db.session.scalar(text("SELECT CAST(:v AS integer)"), {"v": "secret-value"}))

    app.add_url_rule("/staff-probe", view_func=probe)
    app.add_url_rule("/api/v1/probe", endpoint="api_probe", view_func=probe)
    caplog.set_level(logging.INFO)
    page = app.test_client().get("/staff-probe")
    assert page.status_code == 400
    api = app.test_client().get("/api/v1/probe")
    assert api.status_code == 400
    assert api.get_json()["status"] == 400
    assert "database unavailable" not in caplog.text
    assert "secret-value" not in caplog.text
    assert [r.levelno for r in caplog.records if "refused a value" in r.getMessage()] == [logging.INFO] * 2


def test_two_requests_storing_the_same_thing_at_once_is_a_409_not_unavailable(app, caplog):
    def probe() -> str:
        for _ in range(2):
            db.session.add(User(email="same@clinic.test", role="practitioner", password_hash="x"))
            db.session.flush()
        return "stored twice"

    app.add_url_rule("/staff-duplicate", view_func=probe, methods=["POST"])
    caplog.set_level(logging.INFO)
    response = app.test_client().post("/staff-duplicate")
    assert response.status_code == 409
    assert "database unavailable" not in caplog.text
    assert "same@clinic.test" not in caplog.text


def test_a_query_the_database_cannot_run_is_a_500_not_unavailable(app, caplog):
    def probe() -> str:
        return str(db.session.scalar(text("SELECT missing_column FROM submission")))

    app.add_url_rule("/staff-broken", view_func=probe)
    response = app.test_client().get("/staff-broken")
    assert response.status_code == 500
    assert "database unavailable" not in caplog.text
    assert_clean(response.get_data(as_text=True))


# A record stored with the worst values the old code accepted still opens, prints, exports and erases


def worst_values(app: Flask) -> int:
    """An intake stored as the old code let it be: a lone surrogate, NUL, BiDi and escape codes in the answers,
    the contact details and (where the database took them) the practitioner's notes."""
    hostile = "a\ud800b\x00c\u202ed\x1b[31m\U0001f600e\u0301"
    submission_id = sent(app, name="Ann\x00 Lee\u202e", message="call\x00 me\ud7ff\x1b")
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission is not None
        text_answers = {q.link_id: hostile for q in Q.questions if q.kind == "text"}
        submission.answers = {**submission.answers, **text_answers, INTEGER.link_id: 5}
        notes = "pale\x00 tongue" if db.engine.dialect.name == "sqlite" else "pale\x1b tongue"
        submission.review = Review(notes=notes, rules_version=submission.rules_version)
        db.session.commit()
    return submission_id


def test_a_stored_record_with_the_worst_values_opens_on_every_staff_path(app, practitioner_client, runner):
    submission_id = worst_values(app)
    base = f"/staff/submissions/{submission_id}"
    for path in (base, f"{base}/print", f"{base}/fhir.json"):
        response = practitioner_client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert "\ufffd" in body
        assert_clean(body)
    json.loads(practitioner_client.get(f"{base}/fhir.json").get_data(as_text=True))

    csv = practitioner_client.get("/staff/export.csv").get_data(as_text=True)
    assert len(csv.strip().splitlines()) == 2  # the header and the row, not a stream cut off after the header

    page = practitioner_client.get(base).get_data(as_text=True)
    assert 'name="erase-confirm"' in page
    erased = practitioner_client.post(f"{base}/erase", data={"erase-confirm": "y"})
    assert erased.status_code == 303
    assert practitioner_client.get(erased.location).status_code == 200


def test_flask_clean_text_repairs_stored_rows_and_is_idempotent(app, practitioner_client, runner):
    submission_id = worst_values(app)
    first = runner.invoke(args=["clean-text"])
    assert first.exit_code == 0, first.output
    assert "Repaired text in 1 submissions, 0 drafts, 1 assessments and 1 contact records." in first.output
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission is not None
        value = submission.answers[TEXT.link_id]
        assert value == "a\ufffdb\ufffdc\u202ed\ufffd[31m\U0001f600é"
        assert submission.review is not None and "\x00" not in submission.review.notes
    again = runner.invoke(args=["clean-text"])
    assert "Repaired text in 0 submissions, 0 drafts, 0 assessments and 0 contact records." in again.output
    # Found by name as before: the name's hash follows the repaired name.
    response = practitioner_client.post("/staff/search", data={"q": "Ann\ufffd Lee\u202e"})
    assert practitioner_client.get(response.location).status_code == 200


def test_flask_clean_text_dry_run_changes_nothing(app, runner):
    submission_id = worst_values(app)
    result = runner.invoke(args=["clean-text", "--dry-run"])
    assert "Would repair text in 1 submissions" in result.output
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission is not None
        assert "\ud800" in submission.answers[TEXT.link_id]


def test_a_self_screen_with_stored_bad_text_is_shown_to_the_patient(app, client):
    submission_id = stored(app)
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission is not None
        submission.answers = {**submission.answers, TEXT.link_id: "x\ud800"}
        public_id = submission.public_id
        db.session.commit()
    assert client.get(f"/result/{public_id}").status_code == 200
    assert client.get(f"/api/v1/assessments/{public_id}").status_code == 200
