"""The clinic's outcomes overview (small groups hidden), the de-identified CSV, and FHIR for the check-in
questionnaire and each check-in."""

from __future__ import annotations

from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as FhirResponse
from sqlalchemy import select

from app import fhir
from app.models import Submission
from app.outcomes.report import CSV_COLUMNS
from app.questionnaires.check_in import QUESTIONNAIRE as CHECK_IN
from app.rules import RULES_VERSION
from app.web.extensions import db
from tests.conftest import StaffClient
from tests.outcomes import (
    check_in_answers,
    post_check_in,
    public_id,
    weeks_ago,
    with_course,
)
from tests.practitioner import audit_events

# The clinic's overview


def test_the_overview_hides_groups_under_the_minimum_size(app_factory, practitioner_client, client, app):
    shown = app_factory(OUTCOME_MIN_GROUP=3)
    for n in range(3):  # three kidney-deficiency courses with acupuncture: shown
        submission_id = with_course(app, practitioner_client, started=weeks_ago(2), therapies=["acupuncture"])
        post_check_in(client, public_id(app, submission_id), 2, peg_pain=2 + n)
    for _ in range(2):  # two cold-damp courses with cupping: too few
        submission_id = with_course(
            app, practitioner_client, started=weeks_ago(2), pattern="cold_damp", therapies=["cupping"]
        )
        post_check_in(client, public_id(app, submission_id), 2)
    shown.test_client_class = StaffClient
    staff = shown.test_client(user=_user(shown))
    page = staff.get("/staff/outcomes").get_data(as_text=True)
    by_pattern = page.split("change by the pattern treated")[1].split("</table>")[0]
    kidney = by_pattern.split("Kidney Deficiency")[1].split("</tr>")[0]
    cold = by_pattern.split("Cold-Damp")[1].split("</tr>")[0]
    assert '<td class="number">3</td>' in kidney
    assert "Too few to show (fewer than 3)" in cold and "number" not in cold
    by_therapy = page.split("change by therapy")[1].split("</table>")[0]
    assert '<td class="number">3</td>' in by_therapy.split("Acupuncture")[1].split("</tr>")[0]
    assert "Too few to show" in by_therapy.split("Cupping")[1].split("</tr>")[0]
    default = practitioner_client.get("/staff/outcomes").get_data(as_text=True)  # the default minimum is 5
    assert "Too few to show (fewer than 5)" in default and '<td class="number">3</td>' not in default


def _user(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        from app.models import User

        user = db.session.scalars(select(User)).first()
        db.session.expunge(user)
        return user


def test_the_outcome_csv_is_de_identified(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(2))
    post_check_in(client, public_id(app, submission_id), 2)
    response = practitioner_client.get("/staff/outcomes.csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].split(",") == list(CSV_COLUMNS)
    assert lines[1].split(",") == [
        "1",
        "kidney_deficiency",
        "acupuncture;tuina",
        "2",
        "4.67",  # the first screen's PEG: 5, 4, 5
        "2.0",
        "-2.67",  # a number, not a guarded cell
        "-57.1",
        "yes",
        "meaningful",
        "3",
        "much_better",
        "no",
        "check-in-1",
        RULES_VERSION,
    ]
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        text = response.get_data(as_text=True)
        assert submission.reference not in text and "Ann" not in text and str(submission.created_at.year) not in text
    assert [e.detail["format"] for e in audit_events(app, "export")] == ["csv"]


# FHIR


def test_the_check_in_questionnaire_is_served_as_fhir_r4(client):
    response = client.get("/api/v1/questionnaires/check-in")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    resource = response.get_json(force=True)
    parsed = FhirQuestionnaire.model_validate(resource)
    assert (parsed.url, parsed.version) == (CHECK_IN.url, CHECK_IN.version)
    assert [g["linkId"] for g in resource["item"]] == ["progress", "safety"]
    assert (
        client.get("/api/v1/questionnaires/check-in", headers={"If-None-Match": response.headers["ETag"]}).status_code
        == 304
    )


def test_each_check_in_exports_as_a_questionnaire_response(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(2))
    post_check_in(client, public_id(app, submission_id), 2)
    response = practitioner_client.get(f"/staff/submissions/{submission_id}/check-ins/2/fhir.json")
    assert response.status_code == 200
    resource = response.get_json(force=True)
    parsed = FhirResponse.model_validate(resource)
    assert parsed.questionnaire == f"{CHECK_IN.url}|{CHECK_IN.version}"
    answers, errors = fhir.answers_from_response(resource, CHECK_IN)
    assert errors == {}
    assert CHECK_IN.validate(answers) == (check_in_answers(), {})
    assert practitioner_client.get(f"/staff/submissions/{submission_id}/check-ins/4/fhir.json").status_code == 404
    assert audit_events(app, "export")[-1].detail == {"format": "fhir", "what": "check_in", "week": 2}
