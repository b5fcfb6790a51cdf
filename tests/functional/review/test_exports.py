"""Exports: the filtered queue as streamed CSV, a FHIR R4 QuestionnaireResponse per submission, a printable summary."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from app.fhir import option_system
from app.questionnaires import current
from app.review import exports
from app.staff import permissions
from tests.answers import typical_answers
from tests.practitioner import COLD_DAMP, URGENT, audit_events, reference_of, sent, stored

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def download(client, **args: str) -> tuple[list[str], list[dict[str, str]], list[bytes]]:
    response = client.get("/staff/export.csv", query_string=args)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="submissions-')
    assert response.headers["Cache-Control"] == "no-store"
    assert response.is_streamed
    chunks = list(response.response)
    text = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks).decode()
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    return header, [dict(zip(header, row, strict=True)) for row in body], chunks


def test_columns_come_from_the_questionnaire(app, practitioner_client):
    sent(app)
    header, _, _ = download(practitioner_client)
    link_ids = [q.link_id for q in current().questions]
    assert header[-len(link_ids) :] == link_ids
    assert header[: len(exports.SUBMISSION_COLUMNS)] == list(exports.SUBMISSION_COLUMNS)
    assert header[len(exports.SUBMISSION_COLUMNS) : -len(link_ids)] == list(exports.CONTACT_COLUMNS)
    for column in ("reference", "created_at", "status", "urgent", "red_flags", "engine_primary", "engine_secondary"):
        assert column in header
    assert {"score_kidney_deficiency", "rules_version", "practitioner_primary"} <= set(header)


def test_values_multi_select_joined_and_contact_for_allowed_roles(app, practitioner_client):
    submission_id = sent(app, typical_answers(medicines="Paracetamol"), created_at=T0)
    _, [row], _ = download(practitioner_client)
    assert row["reference"] == reference_of(app, submission_id)
    assert row["created_at"].startswith("2026-03-02T09:00:00")
    assert row["kind"] == "intake"
    assert row["status"] == "new"
    assert row["urgent"] == "no"
    assert row["engine_primary"] == "kidney_deficiency"
    assert int(row["score_kidney_deficiency"]) > 30
    assert row["pain_feel"] == "dull_ache;sore_weak"
    assert row["worse_with"] == "exertion;standing"
    assert row["pain_worst"] == "6"
    assert row["medicines"] == "Paracetamol"
    assert row["leg_feelings"] == ""  # hidden by its condition
    assert row["name"] == "Ann Lee-Wong"
    assert row["email"] == "ann.lee@example.com"
    assert row["phone"] == "'+447400123456"  # a leading + would be read as a formula (and lose the +)
    assert row["consent_version"]


def test_contact_columns_only_for_roles_allowed_them(app, practitioner_client, monkeypatch):
    sent(app)
    monkeypatch.setattr(permissions, "CONTACT_ROLES", frozenset({"admin"}))
    header, [row], _ = download(practitioner_client)
    assert not set(exports.CONTACT_COLUMNS) & set(header)
    assert "Ann Lee-Wong" not in json.dumps(row)
    [event] = audit_events(app, "export")
    assert event.detail["contact"] is False


def test_practitioner_assessment_is_exported(app, practitioner_client):
    submission_id = sent(app, COLD_DAMP)
    page = practitioner_client.get(f"/staff/submissions/{submission_id}").get_data(as_text=True)
    assert page
    data = {
        "row_version": "0",
        "primary": "kidney_deficiency",
        "secondary": ["cold_damp"],
        "tongue_body": "pale",
        "tongue_coating": ["white", "wet"],
        "pulse": ["deep", "weak"],
    }
    assert practitioner_client.post(f"/staff/submissions/{submission_id}/assessment", data=data).status_code == 303
    _, [row], _ = download(practitioner_client)
    assert row["engine_primary"] == "cold_damp"
    assert row["practitioner_primary"] == "kidney_deficiency"
    assert row["practitioner_secondary"] == "cold_damp"
    assert row["tongue_body"] == "pale"
    assert row["tongue_coating"] == "white;wet"
    assert row["pulse"] == "deep;weak"


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://x")', "+SUM(1,2)", "-2+3", "@cmd", "\tTab", "\r=1"])
def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(app, practitioner_client, payload):
    sent(app, typical_answers(medicines=payload + " tablets"), name=payload + " Person")
    _, [row], _ = download(practitioner_client)
    assert row["medicines"] == "'" + payload + " tablets"
    assert row["name"] == "'" + payload + " Person"


def test_safe_values_are_left_alone():
    assert exports.guard("Ann") == "Ann"
    assert exports.guard(6) == "6"
    assert exports.guard(None) == ""
    assert exports.guard("a=b") == "a=b"


def test_the_export_applies_the_queue_filters_and_order(app, practitioner_client):
    urgent = sent(app, URGENT, created_at=T0)
    new = sent(app, created_at=T0 + timedelta(days=1))
    booked = sent(app, created_at=T0 + timedelta(days=2), status="booked")
    screen = stored(app, created_at=T0 + timedelta(days=3))
    refs = {i: reference_of(app, i) for i in (urgent, new, booked, screen)}

    _, rows, _ = download(practitioner_client)
    assert [r["reference"] for r in rows] == [refs[urgent], refs[booked], refs[new]]
    _, rows, _ = download(practitioner_client, screens="1", flags="none")
    assert [r["reference"] for r in rows] == [refs[screen], refs[booked], refs[new]]
    _, rows, _ = download(practitioner_client, status="booked")
    assert [r["reference"] for r in rows] == [refs[booked]]
    _, rows, _ = download(practitioner_client, **{"from": "2026-03-03", "to": "2026-03-03"})
    assert [r["reference"] for r in rows] == [refs[new]]
    _, rows, _ = download(practitioner_client, ref=refs[booked])
    assert [r["reference"] for r in rows] == [refs[booked]]
    [urgent_row] = download(practitioner_client, flags="urgent")[1]
    assert urgent_row["urgent"] == "yes"
    assert urgent_row["red_flags"] == "infection:urgent"
    assert urgent_row["engine_primary"] == ""


def test_the_export_is_streamed_in_batches(app, practitioner_client, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 2)
    for n in range(5):
        sent(app, created_at=T0 + timedelta(hours=n))
    _, rows, chunks = download(practitioner_client)
    assert len(rows) == 5
    assert len(chunks) == 4  # the header, then three batches of at most two rows


def test_withdrawn_rows_carry_no_personal_data(app, practitioner_client):
    submission_id = sent(app, name="Zed Gone")
    response = practitioner_client.post(f"/staff/submissions/{submission_id}/erase", data={"erase-confirm": "y"})
    assert response.status_code == 303
    _, [row], _ = download(practitioner_client)
    assert row["status"] == "withdrawn"
    assert row["name"] == ""
    assert row["pain_feel"] == ""
    assert row["engine_primary"] == ""


def test_csv_export_is_audited_with_its_filters(app, practitioner_client):
    sent(app)
    download(practitioner_client, status="new", screens="1")
    [event] = audit_events(app, "export")
    assert event.target == "queue"
    assert event.detail["format"] == "csv"
    assert event.detail["contact"] is True
    assert event.detail["filters"] == {"screens": "1", "status": "new"}


def test_fhir_export_validates_as_an_r4_questionnaire_response(app, practitioner_client):
    answers = typical_answers(leg_spread="below_knee", leg_feelings=["pins_needles"], medicines="Paracetamol")
    submission_id = sent(app, answers, created_at=T0)
    response = practitioner_client.get(f"/staff/submissions/{submission_id}/fhir.json")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    reference = reference_of(app, submission_id)
    assert reference in response.headers["Content-Disposition"]
    body = response.get_json(force=True)
    resource = QuestionnaireResponse.model_validate(body)
    q = current()
    assert resource.questionnaire == f"{q.url}|{q.version}"
    assert resource.status == "completed"
    assert resource.identifier.value == reference
    assert body["authored"].startswith("2026-03-02T09:00:00")
    items = {item["linkId"]: item for group in body["item"] for item in group["item"]}
    assert set(items) == set(answers)
    codes = [a["valueCoding"]["code"] for a in items["pain_feel"]["answer"]]
    assert codes == ["dull_ache", "sore_weak"]
    assert items["pain_feel"]["answer"][0]["valueCoding"]["system"] == option_system(q, "pain_feel")
    assert items["pain_worst"]["answer"] == [{"valueInteger": 6}]
    assert items["medicines"]["answer"] == [{"valueString": "Paracetamol"}]
    assert "Ann" not in response.get_data(as_text=True)  # answers only: no contact details
    [event] = audit_events(app, "export")
    assert event.target == f"submission:{submission_id}"
    assert event.detail == {"format": "fhir"}


def test_fhir_export_of_a_self_screen_and_of_an_urgent_one(app, practitioner_client):
    for answers in (typical_answers(), URGENT):
        submission_id = stored(app, answers)
        body = practitioner_client.get(f"/staff/submissions/{submission_id}/fhir.json").get_json(force=True)
        QuestionnaireResponse.model_validate(body)


def test_the_printable_summary(app, practitioner_client):
    submission_id = sent(app, message="Please call after 5pm.")
    response = practitioner_client.get(f"/staff/submissions/{submission_id}/print")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Intake summary" in page
    assert "Ann Lee-Wong" in page
    assert "Please call after 5pm." in page
    assert current().by_id["pain_feel"].option("dull_ache").text in page
    assert '<form class="staff-form"' not in page
    assert "staff.css" in page
    [event] = audit_events(app, "export")
    assert event.target == f"submission:{submission_id}"
    assert event.detail == {"format": "print"}


def test_print_css_leaves_navigation_and_forms_off_the_paper(app):
    css = Path(app.static_folder or "", "staff.css").read_text(encoding="utf-8")
    print_rules = css.split("@media print", 1)[1]
    assert ".staff-nav" in print_rules
    assert "form" in print_rules


def test_a_long_past_red_flag_answer_reaches_the_practitioner_without_a_flag(app, practitioner_client):
    # An injury years ago: recorded on the page and in the export, but the result is not urgent.
    answers = typical_answers(rf_injury="major", rf_injury_when="over_1_year", rf_nerves=["both_legs"])
    answers["rf_nerves_when"] = "steady"
    submission_id = sent(app, answers, created_at=T0)
    _, rows, _ = download(practitioner_client)
    [row] = rows
    assert (row["rf_injury"], row["rf_injury_when"]) == ("major", "over_1_year")
    assert (row["rf_nerves"], row["rf_nerves_when"]) == ("both_legs", "steady")
    assert row["red_flags"] == "nerve_check:refer"  # a refer flag: shown above the result, never urgent
    page = practitioner_client.get(f"/staff/submissions/{submission_id}").get_data(as_text=True)
    q = current()
    assert q.by_id["rf_injury_when"].option("over_1_year").text in page
    assert q.by_id["rf_nerves_when"].option("steady").text in page
    assert (
        "Nerve symptoms from longer ago that have not got worse in the last 2 weeks" in page
    )  # the refer flag says why
