"""Practitioners see the patient's pain map: the submission page and the printable summary draw the body with the
patient's regions filled and named, and the FHIR export carries each region's code with its words."""

from __future__ import annotations

import re

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from app.fhir import option_system
from app.patient import pain_map
from app.questionnaires import VERSIONS, current
from tests.answers import typical_answers, typical_v1_answers
from tests.practitioner import sent

AREA = ["lower_back_left", "lower_back_right", "tailbone", "hip_right", "knee_left"]


def filled(page: str) -> set[str]:
    return set(re.findall(r'<g class="pain-region is-chosen" data-code="([a-z_]+)"', page))


@pytest.mark.parametrize("path", ["", "/print"])
def test_the_submission_and_its_print_show_the_map_with_the_patients_regions(app, practitioner_client, path) -> None:
    submission_id = sent(app, typical_answers(pain_area=AREA))
    page = practitioner_client.get(f"/staff/submissions/{submission_id}{path}").get_data(as_text=True)
    question = current().by_id["pain_area"]
    assert filled(page) == set(AREA)
    assert page.count('class="pain-shape"') == sum(len(pain_map.REGIONS[code]) for code in question.codes)
    assert 'role="img" aria-labelledby="pain-map-caption-pain_area"' in page
    names = ", ".join(o.text for o in question.options if o.code in AREA)
    assert f'<figcaption id="pain-map-caption-pain_area">Pain map, marked: {names}.</figcaption>' in page
    assert 'role="checkbox"' not in page  # a picture here, not a control
    # The engine's reasons (a kidney-deficiency picture) name the map's findings in words, with their points.
    assert 'Pain on both sides of the lower back <span class="hint">(+1)</span>' in page


def test_a_version_1_submission_shows_its_own_regions_on_the_same_outline(app, practitioner_client) -> None:
    from app import services
    from app.web.extensions import db

    with app.app_context():
        recorded = services.record_assessment(
            typical_v1_answers(pain_area=["side_waist", "lower_leg_left"]), VERSIONS["1"], source="web"
        )
        db.session.commit()
        submission_id = recorded.id
    page = practitioner_client.get(f"/staff/submissions/{submission_id}").get_data(as_text=True)
    assert filled(page) == {"side_waist", "lower_leg_left"}
    assert "Round the side of the waist, under the ribs" in page


def test_the_fhir_export_carries_the_regions_codes_and_words(app, practitioner_client) -> None:
    submission_id = sent(app, typical_answers(pain_area=AREA))
    body = practitioner_client.get(f"/staff/submissions/{submission_id}/fhir.json").get_json(force=True)
    QuestionnaireResponse.model_validate(body)
    items = {item["linkId"]: item for group in body["item"] for item in group["item"]}
    question = current().by_id["pain_area"]
    system = option_system(current(), "pain_area")
    assert [a["valueCoding"] for a in items["pain_area"]["answer"]] == [
        {"system": system, "code": o.code, "display": o.text} for o in question.options if o.code in AREA
    ]
