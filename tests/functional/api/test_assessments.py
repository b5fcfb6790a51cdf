"""POST and GET /api/v1/assessments: the contract, every kind of bad input, idempotent retries."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import compact_record, fhir, rules, services
from app.models import REFERENCE_ALPHABET, Submission, utcnow
from app.questionnaire import PATTERNS
from app.questionnaires import current
from app.web.extensions import db, limiter
from tests.answers import typical_answers
from tests.contract import ASSESSMENT_KEYS
from tests.strategies import answer_sets

URL = "/api/v1/assessments"
CONTRACT_KEYS = ASSESSMENT_KEYS | {"id"}


def rows(app) -> list[Submission]:
    with app.app_context():
        return list(db.session.scalars(select(Submission)))


def post(client, body: Any, **kwargs: Any):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **kwargs)


def test_answers_map_is_assessed_stored_and_answered_201(app, client):
    response = post(client, {"answers": typical_answers()})
    assert response.status_code == 201
    body = response.get_json()
    assert body.keys() >= CONTRACT_KEYS
    assert body["rules_version"] == rules.RULES_VERSION
    assert body["urgent"] is False
    assert body["red_flags"] == []
    assert body["primary"] == "kidney_deficiency"
    assert set(body["scores"]) == set(PATTERNS)
    assert all(0 <= score <= 100 for score in body["scores"].values())
    assert body["out_of_scope"] is None
    assert response.headers["Location"] == f"/api/v1/assessments/{body['id']}"

    (row,) = rows(app)
    assert row.public_id == body["id"]
    assert len(row.public_id) >= 40  # unguessable, never the sequential primary key
    assert row.source == "api"
    assert row.rules_version == rules.RULES_VERSION
    assert row.questionnaire_version == current().version
    assert row.urgent is False
    assert row.primary_pattern == "kidney_deficiency"


def test_the_stored_row_holds_the_clean_answers_the_result_and_its_keys(app, client):
    before = utcnow()
    response = post(client, {"answers": typical_answers()}, headers={"Idempotency-Key": "row"})
    after = utcnow()
    body = response.get_json()
    (row,) = rows(app)
    assert row.answers == current().validate(typical_answers())[0]
    # A clinic not set up offers every therapy: the answer is the stored record expanded, with nothing else to offer.
    answered = {key: value for key, value in body.items() if key not in ("id", "other_therapies")}
    assert row.result == compact_record.compact(answered)
    assert compact_record.expand(row.result, current()) == answered
    assert body["other_therapies"] == []
    assert row.idempotency_key == services.idempotency_key("api:row")
    assert re.fullmatch(rf"LBP-[{REFERENCE_ALPHABET}]{{4}}-[{REFERENCE_ALPHABET}]{{4}}", row.reference)
    assert before <= row.created_at <= after
    assert (row.language, row.kind, row.status, row.row_version) == ("en", "screen", "new", 1)
    assert (row.status_changed_at, row.intake_at, row.withdrawn_at) == (None, None, None)


def test_extra_top_level_fields_are_ignored(client):
    response = post(client, {"answers": typical_answers(), "status": "closed", "urgent": True})
    assert response.status_code == 201
    assert response.get_json()["urgent"] is False


def test_questionnaire_response_gives_the_same_result_as_the_answers_map(client):
    questionnaire = current()
    answers, _ = questionnaire.validate(typical_answers(medicines="ibuprofen"))
    by_map = post(client, {"answers": answers})
    as_fhir = client.post(
        URL,
        data=json.dumps(fhir.response_resource(answers, questionnaire)),
        content_type="application/fhir+json",
    )
    assert (by_map.status_code, as_fhir.status_code) == (201, 201)
    first, second = by_map.get_json(), as_fhir.get_json()
    assert first.pop("id") != second.pop("id")
    assert first == second


def test_a_stored_assessment_is_read_back_by_its_id(client):
    created = post(client, {"answers": typical_answers()}).get_json()
    response = client.get(f"{URL}/{created['id']}")
    assert response.status_code == 200
    assert response.get_json() == created


@pytest.mark.parametrize("public_id", ["unknown", "1", "x" * 65, "x" * 2000])
def test_an_unknown_id_answers_404_json(client, public_id):
    post(client, {"answers": typical_answers()})
    response = client.get(f"{URL}/{public_id}")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["errors"]["_"]


def test_an_emergency_flag_is_urgent_with_no_pattern(app, client):
    answers = typical_answers(rf_nerves=["saddle_numbness"], rf_nerves_when="new", rf_now=["fever"])
    body = post(client, {"answers": answers}).get_json()
    assert body["urgent"] is True
    assert [(f["code"], f["level"]) for f in body["red_flags"]] == [
        ("cauda_equina", "emergency"),
        ("infection", "urgent"),
    ]
    assert body["primary"] is None
    assert body["therapies"] == []
    (row,) = rows(app)
    assert (row.urgent, row.primary_pattern) == (True, None)


def test_an_urgent_flag_is_urgent(client):
    answers = typical_answers(rf_history=["steroids"], rf_injury="strain", rf_injury_when="last_6_weeks")
    body = post(client, {"answers": answers}).get_json()
    assert body["urgent"] is True
    assert [(f["code"], f["level"]) for f in body["red_flags"]] == [("fracture", "urgent")]
    assert body["red_flags"][0]["because"]  # a combination says why its answers count together


def test_a_long_past_injury_is_recorded_but_not_urgent(client):
    body = post(client, {"answers": typical_answers(rf_injury="major", rf_injury_when="over_1_year")}).get_json()
    assert body["urgent"] is False
    assert body["red_flags"] == []
    assert body["primary"] == "kidney_deficiency"


def test_a_refer_flag_is_listed_but_not_urgent(client):
    signs = ["began_young_lasting", "wakes_late_night", "stiff_morning", "alternating_buttock"]
    body = post(client, {"answers": typical_answers(rf_inflammatory=signs)}).get_json()
    assert body["urgent"] is False
    assert [(f["code"], f["level"]) for f in body["red_flags"]] == [("inflammatory", "refer")]
    assert body["primary"] == "kidney_deficiency"


# --- bad input: 400 or 422 with {"errors": {key: message}}, never a stored row ---------------------------------


def assert_errors(response, status: int, *keys: str) -> dict[str, str]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    errors = response.get_json()["errors"]
    for key in keys:
        assert isinstance(errors.get(key), str), errors
        assert errors[key]
    return errors


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b'{"answers": {', "application/json"),
        (b"", "application/json"),
        (b"answers=1", "application/json"),
        (b"\xff\xfe\xfa", "application/json"),
        (b'{"answers": NaN', "application/json"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        (b"9" * 5000, "application/json"),
    ],
    ids=["truncated", "empty", "form-encoded", "not-utf8", "nan-truncated", "deeply-nested", "huge-number"],
)
def test_malformed_json_answers_400(app, client, data, content_type):
    assert_errors(client.post(URL, data=data, content_type=content_type), 400, "_")
    assert rows(app) == []


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
def test_a_body_that_is_not_declared_json_answers_400(app, client, content_type):
    body = json.dumps({"answers": typical_answers()})
    response = client.post(URL, data=body, content_type=content_type) if content_type else client.post(URL, data=body)
    assert_errors(response, 400, "_")
    assert rows(app) == []


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ([typical_answers()], "_"),
        ("answers", "_"),
        (42, "_"),
        (None, "_"),
        ({}, "answers"),
        ({"answers": [typical_answers()]}, "answers"),
        ({"answers": "rf_now=none"}, "answers"),
        ({"resourceType": "Patient", "answers": typical_answers()}, "resourceType"),
        ({"resourceType": "QuestionnaireResponse", "item": "all of it"}, "item"),
    ],
)
def test_the_wrong_top_level_shape_answers_422(app, client, body, key):
    assert_errors(post(client, body), 422, key)
    assert rows(app) == []


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"not_a_question": "x"}, "not_a_question"),
        ({"safety": ["none"]}, "safety"),  # a section, not a question
        # single choice
        ({"duration": "forever"}, "duration"),
        ({"duration": 3}, "duration"),
        ({"duration": ["over_12_weeks"]}, "duration"),
        ({"duration": {"code": "over_12_weeks"}}, "duration"),
        ({"duration": True}, "duration"),
        # multi-select
        ({"pain_feel": ["dull_ache", "made_up"]}, "pain_feel"),
        ({"pain_feel": 2}, "pain_feel"),
        ({"pain_feel": [1, 2]}, "pain_feel"),
        ({"pain_feel": {"dull_ache": True}}, "pain_feel"),
        ({"rf_now": ["none", "fever"]}, "rf_now"),
        ({"cautions": ["pregnant", "none"]}, "cautions"),
        # integer
        ({"pain_worst": "seven"}, "pain_worst"),
        ({"pain_worst": 11}, "pain_worst"),
        ({"pain_worst": -1}, "pain_worst"),
        ({"pain_worst": 6.5}, "pain_worst"),
        ({"pain_worst": True}, "pain_worst"),
        ({"pain_worst": False}, "pain_worst"),
        ({"pain_worst": [6]}, "pain_worst"),
        ({"pain_worst": 10**30}, "pain_worst"),
        # text
        ({"medicines": 5}, "medicines"),
        ({"medicines": ["aspirin"]}, "medicines"),
        ({"medicines": "x" * 501}, "medicines"),
    ],
)
def test_wrong_answers_answer_422_keyed_by_link_id(app, client, changes, key):
    errors = assert_errors(post(client, {"answers": typical_answers(**changes)}), 422, key)
    assert set(errors) == {key}
    assert rows(app) == []


def test_missing_required_answers_are_each_named(app, client):
    answers = typical_answers()
    for link_id in ("rf_now", "duration", "pain_worst"):
        del answers[link_id]
    errors = assert_errors(post(client, {"answers": answers}), 422, "rf_now", "duration", "pain_worst")
    assert errors["duration"] == "Please choose one answer."
    assert errors["pain_worst"] == "Please give a number."
    assert rows(app) == []


def test_a_shown_conditional_question_is_required(client):
    errors = assert_errors(post(client, {"answers": typical_answers(periods="yes")}), 422, "period_links")
    assert set(errors) == {"period_links"}


def test_out_of_range_message_names_the_range(client):
    errors = assert_errors(post(client, {"answers": typical_answers(peg_pain=12)}), 422, "peg_pain")
    assert errors["peg_pain"] == "Please give a whole number from 0 to 10."


def test_an_empty_answers_map_names_every_required_question(client):
    errors = assert_errors(post(client, {"answers": {}}), 422)
    required = {q.link_id for q in current().questions if q.required and not q.enable_when}
    assert set(errors) == required


def test_a_body_over_the_size_limit_answers_413_json(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = json.dumps({"answers": typical_answers(medicines="x" * limit)})
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.is_json
    assert response.get_json()["errors"]["_"]
    assert rows(app) == []


def test_other_methods_answer_405_json(client):
    response = client.put(URL, json={"answers": typical_answers()})
    assert response.status_code == 405
    assert response.get_json()["errors"]["_"]


# --- Idempotency-Key ------------------------------------------------------------------------------------------------


def test_a_retried_post_with_the_same_key_returns_the_first_submission(app, client):
    headers = {"Idempotency-Key": "5c1f7a2e-9c1d-4c55-9d2a-2a8d1b8f6e01"}
    first = post(client, {"answers": typical_answers()}, headers=headers)
    second = post(client, {"answers": typical_answers()}, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.get_json() == first.get_json()
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert len(rows(app)) == 1


def test_different_keys_and_no_key_store_separately(app, client):
    post(client, {"answers": typical_answers()}, headers={"Idempotency-Key": "a"})
    post(client, {"answers": typical_answers()}, headers={"Idempotency-Key": "b"})
    post(client, {"answers": typical_answers()})
    post(client, {"answers": typical_answers()})
    assert len(rows(app)) == 4


def test_a_key_reused_with_different_answers_answers_422(app, client):
    headers = {"Idempotency-Key": "reused"}
    post(client, {"answers": typical_answers()}, headers=headers)
    response = post(client, {"answers": typical_answers(pain_worst=2)}, headers=headers)
    assert_errors(response, 422, "Idempotency-Key")
    assert len(rows(app)) == 1


@pytest.mark.parametrize("key", ["", "k" * 65, "has space", "tab\tin"])
def test_an_unusable_key_answers_400(app, client, key):
    assert_errors(
        post(client, {"answers": typical_answers()}, headers={"Idempotency-Key": key}), 400, "Idempotency-Key"
    )
    assert rows(app) == []


def test_a_64_character_key_is_accepted(app, client):
    response = post(client, {"answers": typical_answers()}, headers={"Idempotency-Key": "k" * 64})
    assert response.status_code == 201
    assert len(rows(app)) == 1


def test_an_api_key_never_matches_a_web_submission(app, client):
    with app.app_context():
        services.record_assessment(typical_answers(), current(), source="web", key=services.idempotency_key("tok"))
        db.session.commit()
    response = post(client, {"answers": typical_answers()}, headers={"Idempotency-Key": "tok"})
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response.headers
    assert len(rows(app)) == 2


def test_a_key_committed_by_a_concurrent_request_is_replayed(app, client, monkeypatch):
    """The other request commits between our lookup and our insert: the unique key turns ours into a replay."""
    with app.app_context():
        clean, _ = current().validate(typical_answers())
        other = services.record_assessment(clean, current(), source="api", key=services.idempotency_key("api:race"))
        db.session.commit()
        other_id = other.public_id
    real_lookup = services.submission_for_token
    lookups: list[str] = []

    def lookup_that_misses_once(token: str) -> Submission | None:
        lookups.append(token)
        return None if len(lookups) == 1 else real_lookup(token)

    monkeypatch.setattr(services, "submission_for_token", lookup_that_misses_once)
    response = post(client, {"answers": typical_answers()}, headers={"Idempotency-Key": "race"})
    assert response.status_code == 201
    assert response.get_json()["id"] == other_id
    assert response.headers["Idempotent-Replayed"] == "true"
    assert lookups == ["api:race", "api:race"]
    assert len(rows(app)) == 1


# --- properties -----------------------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
LINK_IDS = [q.link_id for q in current().questions]
answer_maps = st.dictionaries(st.sampled_from(LINK_IDS) | st.text(max_size=10), json_values, max_size=12)
fhir_items = st.recursive(
    st.fixed_dictionaries(
        {"linkId": st.sampled_from(LINK_IDS) | json_values},
        optional={
            "answer": st.lists(
                st.dictionaries(
                    st.sampled_from(["valueCoding", "valueInteger", "valueString", "valueBoolean", "valueDate"]),
                    json_values | st.fixed_dictionaries({"code": json_values}),
                    max_size=2,
                ),
                max_size=3,
            )
            | json_values
        },
    ),
    lambda children: st.fixed_dictionaries({"linkId": st.text(max_size=8), "item": st.lists(children, max_size=3)}),
    max_leaves=10,
)
bodies = (
    json_values
    | st.fixed_dictionaries({"answers": answer_maps | json_values})
    | st.fixed_dictionaries(
        {"resourceType": st.just("QuestionnaireResponse"), "item": st.lists(fhir_items, max_size=4) | json_values}
    )
)
ACCEPTED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@ACCEPTED
@given(body=bodies)
def test_no_json_body_ever_gets_a_server_error(client, body):
    response = post(client, body)
    event(f"status {response.status_code}")
    assert response.status_code in (201, 400, 422), response.get_data(as_text=True)
    assert response.is_json
    if response.status_code != 201:
        errors = response.get_json()["errors"]
        assert errors
        assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in errors.items())


@ACCEPTED
@given(data=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_no_bytes_ever_get_a_server_error(client, data):
    response = client.post(URL, data=data, content_type="application/json")
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert response.get_json()["errors"]


@ACCEPTED
@given(answers=answer_sets())
def test_every_valid_answer_set_is_accepted(app, client, answers):
    response = post(client, {"answers": answers})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert all(0 <= s <= 100 for s in body["scores"].values())
    assert body["urgent"] == any(f["level"] in ("emergency", "urgent") for f in body["red_flags"])
    with app.app_context():
        row = db.session.scalar(select(Submission).where(Submission.public_id == body["id"]))
        assert row is not None
        assert row.answers == answers
        assert compact_record.expand(row.result, current()) == {
            k: v for k, v in body.items() if k not in ("id", "other_therapies")
        }


def test_stored_assessments_are_rate_limited_per_address(app_factory):
    limited = app_factory(API_SUBMIT_LIMIT="2 per hour")
    client = limited.test_client()
    body = {"answers": typical_answers()}
    assert [client.post(URL, json=body).status_code for _ in range(2)] == [201, 201]
    refused = client.post(URL, json=body)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"]
    assert refused.get_json()["status"] == 429
    assert client.get("/api/v1/questionnaire").status_code == 200  # reading is not limited


def test_an_app_wide_limit_still_applies_to_every_route(app_factory):
    """Routes' own limits are checked in the view; a configured default limit needs the app-wide check, which stays."""
    limited = app_factory(RATELIMIT_DEFAULT="2 per hour")
    client = limited.test_client()
    try:
        assert [client.get("/api/v1/questionnaire").status_code for _ in range(3)] == [200, 200, 429]
    finally:
        # The limiter is one object for every app of the process, and keeps the first default limit it is given:
        # left in place, every app made after this test would count every route against "2 per hour".
        limiter.limit_manager.set_default_limits([])


def test_each_post_counts_once_against_the_limit_whatever_its_outcome(app_factory):
    limited = app_factory(API_SUBMIT_LIMIT="10 per hour")
    client = limited.test_client()
    stored = post(client, {"answers": typical_answers()})
    refused = post(client, {"answers": {}})
    replayed = [post(client, {"answers": typical_answers()}, headers={"Idempotency-Key": "k"}) for _ in range(2)]
    assert [r.status_code for r in (stored, refused, *replayed)] == [201, 422, 201, 201]
    remaining = [r.headers["X-RateLimit-Remaining"] for r in (stored, refused, *replayed)]
    assert remaining == ["9", "8", "7", "6"]
    assert stored.headers["X-RateLimit-Limit"] == "10"
    read = client.get("/api/v1/questionnaire")
    assert "X-RateLimit-Remaining" not in read.headers  # reading is not counted
    assert post(client, {"answers": typical_answers()}).headers["X-RateLimit-Remaining"] == "5"
