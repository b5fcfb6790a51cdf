"""The questionnaire as a FHIR R4 Questionnaire, and answers read from a QuestionnaireResponse."""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as FhirResponse

from app import catalogues, fhir
from app.questionnaires import VERSIONS, current
from tests.answers import typical_answers

# Stored submissions and integrations refer to these; renaming one needs a new questionnaire version.
V1_LINK_IDS = [
    "rf_now",
    "rf_history",
    "rf_inflammatory",
    "pain_area",
    "leg_spread",
    "leg_feelings",
    "duration",
    "onset",
    "pattern_over_time",
    "pain_worst",
    "pain_feel",
    "pain_spot",
    "worse_with",
    "better_with",
    "other_symptoms",
    "periods",
    "period_links",
    "age_band",
    "sitting_hours",
    "heavy_work",
    "exercise",
    "cold_damp_places",
    "stress",
    "sleep",
    "peg_pain",
    "peg_enjoyment",
    "peg_activity",
    "cautions",
    "medicines",
]


# Version 2 keeps every linkId of version 1 that it still asks, with the same meaning, and adds its own.
V2_LINK_IDS = [
    "age_band",
    "duration",
    "trend",
    "rf_nerves",
    "rf_nerves_when",
    "rf_now",
    "rf_injury",
    "rf_injury_when",
    "rf_history",
    "rf_inflammatory",
    "pain_area",
    "leg_spread",
    "leg_feelings",
    "leg_change",
    "onset",
    "pattern_over_time",
    "pain_worst",
    "pain_feel",
    "pain_spot",
    "worse_with",
    "better_with",
    "other_symptoms",
    "periods",
    "period_links",
    "sitting_hours",
    "heavy_work",
    "exercise",
    "cold_damp_places",
    "stress",
    "sleep",
    "peg_pain",
    "peg_enjoyment",
    "peg_activity",
    "cautions",
    "medicines",
]


def walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every item of a resource, depth first."""
    found = []
    for item in items:
        found.append(item)
        found += walk(item.get("item", []))
    return found


def questions_of(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["linkId"]: i for i in walk(resource["item"]) if i["type"] not in ("group", "display")}


@pytest.fixture
def resource(client) -> dict[str, Any]:
    response = client.get("/api/v1/questionnaire")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    return response.get_json(force=True)


def test_questionnaire_validates_as_fhir_r4b(resource):
    parsed = FhirQuestionnaire.model_validate(resource)
    assert parsed.status == "active"
    assert parsed.url == current().url
    assert parsed.version == current().version
    assert parsed.title == current().title


def test_one_group_per_section_holding_its_questions(resource):
    questionnaire = current()
    assert [g["linkId"] for g in resource["item"]] == [s.key for s in questionnaire.sections]
    for group, section in zip(resource["item"], questionnaire.sections, strict=True):
        assert group["type"] == "group"
        assert group["text"] == section.title
        children = [i["linkId"] for i in group["item"] if i["type"] != "display"]
        assert children == [q.link_id for q in section.questions]


def test_link_ids_are_unique_and_stable(resource):
    link_ids = [i["linkId"] for i in walk(resource["item"])]
    assert len(link_ids) == len(set(link_ids))
    assert list(questions_of(resource)) == V2_LINK_IDS
    assert set(V1_LINK_IDS) <= set(V2_LINK_IDS)
    assert [q.link_id for q in VERSIONS["1"].questions] == V1_LINK_IDS


def test_every_question_and_option_appears_with_its_type_and_limits(resource):
    questionnaire = current()
    items = questions_of(resource)
    for question in questionnaire.questions:
        item = items[question.link_id]
        assert item["text"] == question.text
        assert item["required"] is question.required
        assert item.get("repeats", False) is (question.kind == "multi")
        if question.kind in ("single", "multi"):
            assert item["type"] == "choice"
            codings = [o["valueCoding"] for o in item["answerOption"]]
            assert [c["code"] for c in codings] == [o.code for o in question.options]
            assert [c["display"] for c in codings] == [o.text for o in question.options]
            assert {c["system"] for c in codings} == {fhir.option_system(questionnaire, question.link_id)}
            exclusive = [
                o["valueCoding"]["code"]
                for o in item["answerOption"]
                if {"url": fhir.OPTION_EXCLUSIVE, "valueBoolean": True} in o.get("extension", [])
            ]
            assert exclusive == [o.code for o in question.options if o.exclusive]
        elif question.kind == "integer":
            assert item["type"] == "integer"
            assert {"url": fhir.MIN_VALUE, "valueInteger": question.minimum} in item["extension"]
            assert {"url": fhir.MAX_VALUE, "valueInteger": question.maximum} in item["extension"]
        else:
            assert item["type"] == "text"
            assert item["maxLength"] == question.max_length
        if question.help:
            (help_item,) = item["item"]
            assert help_item["type"] == "display"
            assert help_item["text"] == question.help


def test_option_codes_are_stable(resource):
    items = questions_of(resource)
    codes = {o["valueCoding"]["code"] for o in items["rf_now"]["answerOption"]}
    assert {"tearing_pain", "fever", "urine_burning", "weight_loss", "constant_night_pain", "none"} <= codes
    codes = {o["valueCoding"]["code"] for o in items["rf_nerves"]["answerOption"]}
    assert {"saddle_numbness", "bladder_change", "bowel_control", "both_legs", "none"} <= codes
    assert [o["valueCoding"]["code"] for o in items["duration"]["answerOption"]] == [
        "under_6_weeks",
        "6_to_12_weeks",
        "over_12_weeks",
    ]


def test_conditional_questions_use_enable_when(resource):
    questionnaire = current()
    items = questions_of(resource)
    conditional = [q for q in questionnaire.questions if q.enable_when]
    assert {q.link_id for q in conditional} == {
        "rf_nerves_when",
        "rf_injury_when",
        "leg_feelings",
        "leg_change",
        "period_links",
    }
    assert items["leg_feelings"]["enableBehavior"] == "any"
    assert items["rf_nerves_when"]["enableBehavior"] == "any"
    assert "enableBehavior" not in items["period_links"]
    for question in conditional:
        item = items[question.link_id]
        assert item["enableWhen"] == [
            {
                "question": c.question,
                "operator": "=",
                "answerCoding": {"system": fhir.option_system(questionnaire, c.question), "code": c.answer},
            }
            for c in question.enable_when
        ]
        for condition in item["enableWhen"]:
            target = items[condition["question"]]
            assert condition["answerCoding"] in [
                {"system": o["valueCoding"]["system"], "code": o["valueCoding"]["code"]} for o in target["answerOption"]
            ]
    unconditional = [i for i in items.values() if i["linkId"] not in {q.link_id for q in conditional}]
    assert all("enableWhen" not in i for i in unconditional)


def test_conditional_get_answers_304_and_json_on_request(client):
    first = client.get("/api/v1/questionnaire")
    assert first.headers["ETag"]
    again = client.get("/api/v1/questionnaire", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    plain = client.get("/api/v1/questionnaire", headers={"Accept": "application/json"})
    assert plain.mimetype == "application/json"
    assert plain.get_json() == first.get_json(force=True)


def test_response_resource_validates_and_reads_back_to_the_same_answers():
    questionnaire = current()
    answers, errors = questionnaire.validate(typical_answers(medicines="ibuprofen"))
    assert errors == {}
    resource = fhir.response_resource(answers, questionnaire)
    FhirResponse.model_validate(resource)
    read, read_errors = fhir.answers_from_response(resource, questionnaire)
    assert read_errors == {}
    assert questionnaire.validate(read) == (answers, {})


def response(*items: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": list(items), **fields}


def test_answers_are_read_from_groups_and_from_under_answers():
    questionnaire = current()
    resource = response(
        {
            "linkId": "pain",
            "item": [
                {
                    "linkId": "leg_spread",
                    "answer": [
                        {
                            "valueCoding": {"code": "below_knee"},
                            "item": [{"linkId": "leg_feelings", "answer": [{"valueCoding": {"code": "numbness"}}]}],
                        }
                    ],
                },
                {"linkId": "pain_worst", "answer": [{"valueInteger": 7}]},
            ],
        },
        {"linkId": "medicines", "answer": [{"valueString": "none"}]},
        {"linkId": "pain_feel", "answer": [{"valueCoding": {"code": "cold"}}, {"valueCoding": {"code": "heavy"}}]},
        {"linkId": "periods"},  # an item left unanswered
    )
    answers, errors = fhir.answers_from_response(resource, questionnaire)
    assert errors == {}
    assert answers == {
        "leg_spread": "below_knee",
        "leg_feelings": ["numbness"],
        "pain_worst": 7,
        "medicines": "none",
        "pain_feel": ["cold", "heavy"],
    }


@pytest.mark.parametrize(
    ("resource", "key"),
    [
        (response(item={"linkId": "rf_now"}), "item"),
        (response("not an item"), "item[0]"),
        (response({"text": "no linkId"}), "item[0]"),
        (response({"linkId": "duration", "answer": {"valueCoding": {"code": "under_6_weeks"}}}), "duration"),
        (response({"linkId": "duration", "answer": [{}]}), "duration"),
        (response({"linkId": "duration", "answer": ["under_6_weeks"]}), "duration"),
        (response({"linkId": "duration", "answer": [{"valueDate": "2026-01-01"}]}), "duration"),
        (response({"linkId": "duration", "answer": [{"valueCoding": {"code": 3}}]}), "duration"),
        (response({"linkId": "duration", "answer": [{"valueCoding": "under_6_weeks"}]}), "duration"),
        (response({"linkId": "duration", "answer": [{"valueString": "under_6_weeks"}]}), "duration"),
        (
            response({"linkId": "duration", "answer": [{"valueCoding": {"system": "http://loinc.org", "code": "x"}}]}),
            "duration",
        ),
        (
            response(
                {
                    "linkId": "duration",
                    "answer": [{"valueCoding": {"code": "under_6_weeks"}}, {"valueCoding": {"code": "over_12_weeks"}}],
                }
            ),
            "duration",
        ),
        (response({"linkId": "pain_worst", "answer": [{"valueInteger": "7"}]}), "pain_worst"),
        (response({"linkId": "pain_worst", "answer": [{"valueInteger": 7, "valueString": "7"}]}), "pain_worst"),
        (response({"linkId": "medicines", "answer": [{"valueString": 5}]}), "medicines"),
        (response({"linkId": "rf_now", "answer": [{"valueBoolean": "yes"}]}), "rf_now"),
        (response(questionnaire="http://example.org/Questionnaire/phq9"), "questionnaire"),
        (response(questionnaire="urn:lbp-screening:questionnaire:low-back-pain|99"), "questionnaire"),
    ],
)
def test_shapes_a_response_to_this_questionnaire_cannot_have_are_errors(resource, key):
    _, errors = fhir.answers_from_response(resource, current())
    assert key in errors
    assert str(errors[key])


def test_nesting_beyond_any_real_response_is_refused():
    item: dict[str, Any] = {"linkId": "pain_worst", "answer": [{"valueInteger": 3}]}
    for depth in range(fhir.MAX_DEPTH + 2):
        item = {"linkId": f"group{depth}", "item": [item]}
    _, errors = fhir.answers_from_response(response(item), current())
    assert any("nested too deeply" in str(message) for message in errors.values())


def test_a_canonical_with_or_without_version_is_accepted():
    questionnaire = current()
    for canonical in (questionnaire.url, f"{questionnaire.url}|{questionnaire.version}"):
        item = {"linkId": "pain_worst", "answer": [{"valueInteger": 3}]}
        answers, errors = fhir.answers_from_response(response(item, questionnaire=canonical), questionnaire)
        assert (answers, errors) == ({"pain_worst": 3}, {})


def translations_of(element: dict[str, Any], key: str) -> dict[str, str]:
    """The ``translation`` extensions on one primitive, as {language tag: text}."""
    found = {}
    for extension in element.get(f"_{key}", {}).get("extension", []):
        assert extension["url"] == fhir.TRANSLATION
        parts = {part["url"]: part for part in extension["extension"]}
        found[parts["lang"]["valueCode"]] = parts["content"]["valueString"]
    return found


def test_every_text_carries_its_chinese_translation(resource):
    zh = catalogues.translations("zh_Hans").gettext
    assert translations_of(resource, "title") == {"zh-Hans": zh(current().title)}
    texts = 0
    for item in walk(resource["item"]):
        assert translations_of(item, "text") == {"zh-Hans": zh(item["text"])}, item["linkId"]
        assert zh(item["text"]) != item["text"]
        texts += 1
        for option in item.get("answerOption", []):
            coding = option["valueCoding"]
            assert translations_of(coding, "display") == {"zh-Hans": zh(coding["display"])}, coding["code"]
            texts += 1
    assert texts > 200
    questions = questions_of(resource)
    assert translations_of(questions["pain_area"], "text") == {"zh-Hans": "您哪里痛？"}


def test_the_translations_validate_as_fhir_r4b(resource):
    parsed = FhirQuestionnaire.model_validate(resource)
    pain = next(i for i in parsed.item if i.linkId == "pain")
    area = next(i for i in pain.item if i.linkId == "pain_area")
    (translation,) = area.text__ext.extension
    assert translation.url == fhir.TRANSLATION
    assert [(e.url, e.valueCode or e.valueString) for e in translation.extension] == [
        ("lang", "zh-Hans"),
        ("content", "您哪里痛？"),
    ]
    middle = next(o.valueCoding for o in area.answerOption if o.valueCoding.code == "lower_back_middle")
    assert middle.display__ext.extension[0].extension[1].valueString == "腰部正中"


def test_a_text_without_a_translation_carries_no_extension():
    element = fhir.translated({}, "text", "Not a message of this app")
    assert element == {"text": "Not a message of this app"}
