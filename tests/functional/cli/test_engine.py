"""``flask assess`` and ``flask rules``."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app import answer_plan, fhir, rules
from app.models import Submission
from app.questionnaire import PATTERNS, SIGNALS
from app.questionnaires import current
from app.web.extensions import db
from tests.answers import typical_answers


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Submission))


def expected_assessment(changes: dict | None = None) -> dict:
    clean, errors = current().validate(typical_answers(**(changes or {})))
    assert errors == {}
    # A clinic not set up offers every therapy, so nothing is left out and there is nothing else to offer.
    return {**rules.assess(clean, current()).to_json(), "other_therapies": []}


def test_assess_prints_the_assessment_for_a_file_and_stores_nothing(app, runner, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": typical_answers()}))
    result = runner.invoke(args=["assess", str(path)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == expected_assessment()
    assert result.stderr == ""
    assert stored(app) == 0


def test_assess_prints_the_same_json_as_the_api_without_an_id(runner, client, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": typical_answers(rf_now=["tearing_pain"])}))
    printed = json.loads(runner.invoke(args=["assess", str(path)]).stdout)
    api = client.post("/api/v1/assessments", json={"answers": typical_answers(rf_now=["tearing_pain"])}).get_json()
    assert "id" not in printed
    assert printed == {k: v for k, v in api.items() if k != "id"}
    assert printed["urgent"] is True


def test_assess_reads_a_questionnaire_response_from_standard_input(runner):
    questionnaire = current()
    clean, _ = questionnaire.validate(typical_answers(onset="injury"))
    resource = fhir.response_resource(clean, questionnaire)
    result = runner.invoke(args=["assess", "-"], input=json.dumps(resource))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == expected_assessment({"onset": "injury"})


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (json.dumps({"answers": typical_answers(pain_worst=11, duration="forever")}), "pain_worst"),
        (json.dumps({"answers": typical_answers(unknown="x")}), "unknown"),
        (json.dumps([1, 2]), "_"),
        ('{"answers": ', "_"),
        ("", "_"),
    ],
)
def test_assess_prints_errors_to_standard_error_and_exits_1(app, runner, text, key):
    result = runner.invoke(args=["assess", "-"], input=text)
    assert result.exit_code == 1
    assert result.stdout == ""
    errors = json.loads(result.stderr)["errors"]
    assert errors[key]
    assert stored(app) == 0


def test_assess_names_every_bad_answer(runner):
    text = json.dumps({"answers": typical_answers(pain_worst=11, duration="forever")})
    errors = json.loads(runner.invoke(args=["assess", "-"], input=text).stderr)["errors"]
    assert errors == {
        "pain_worst": "Please give a whole number from 0 to 10.",
        "duration": "Please choose one of the answers shown.",
    }


def test_assess_a_missing_file_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(args=["assess", str(tmp_path / "missing.json")])
    assert result.exit_code == 2
    assert "missing.json" in result.stderr


def test_rules_json_is_derived_from_the_data(runner):
    result = runner.invoke(args=["rules", "--json"])
    assert result.exit_code == 0
    table = json.loads(result.stdout)
    questionnaire = current()
    assert table["rules_version"] == rules.RULES_VERSION
    assert table["questionnaire"] == {"url": questionnaire.url, "version": questionnaire.version}
    assert table["thresholds"] == {
        "likely": rules.LIKELY,
        "possible": rules.POSSIBLE,
        "own_signs": rules.OWN_SIGNS,
        "out_of_scope": rules.OUT_OF_SCOPE,
    }
    assert table["patterns"] == list(PATTERNS)
    assert table["reachable"] == answer_plan.max_points(questionnaire)
    expected_points = {
        f"{q.link_id}.{o.code}": dict(o.points) for q in questionnaire.questions for o in q.options if o.points
    }
    assert {row["answer"]: row["points"] for row in table["points"]} == expected_points
    assert [(row["answer"], row["points"], row["because"]) for row in table["points_together"]] == [
        (f"{r.question}.{r.code}", dict(r.points), r.text) for r in questionnaire.point_rules
    ]
    both_sides = table["points_together"][0]
    assert both_sides["all_of"] == [["pain_area.lower_back_left"], ["pain_area.lower_back_right"]]
    assert both_sides["own_sign"] is False
    flags = {f["code"]: f for f in table["red_flags"]}
    for question in questionnaire.questions:
        for option in question.options:
            if option.red_flag:
                assert flags[option.red_flag.code]["level"] == option.red_flag.level
                assert f"{question.link_id}.{option.code}" in flags[option.red_flag.code]["answers"]
    assert flags["inflammatory"]["level"] == "refer"
    assert flags["inflammatory"]["combinations"][0]["at_least"] == 3
    combinations = {c["rule"]: (f["code"], c) for f in table["red_flags"] for c in f.get("combinations", [])}
    assert set(combinations) == {r.code for r in questionnaire.flag_rules}
    for rule in questionnaire.flag_rules:
        code, combination = combinations[rule.code]
        assert code == rule.flag.code
        assert combination["because"] == rule.reason
        assert combination["all_of"] == [[f"{a.question}.{c}" for c in a.answers] for a in rule.all_of]
    assert [f["level"] for f in table["red_flags"]] == sorted(
        (f["level"] for f in table["red_flags"]), key=["emergency", "urgent", "refer"].index
    )
    assert "other_symptoms.feel_cold" in table["kidney_subtypes"]["yang"]
    assert "other_symptoms.hot_palms_sweats" in table["kidney_subtypes"]["yin"]
    assert table["cautions"]["pregnancy"] == ["cautions.pregnant"]


def test_rules_prints_a_table_for_a_terminal(runner):
    result = runner.invoke(args=["rules"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert rules.RULES_VERSION in lines[0]
    assert f"Likely >= {rules.LIKELY}" in result.stdout
    header = next(line for line in lines if line.startswith("answer"))
    assert header.split() == ["answer", *SIGNALS]
    row = next(line for line in lines if line.startswith("pain_feel.tight_stiff "))
    # cold_damp 1 and liver 1, read off the row by the header's column positions
    assert row[header.index("cold_damp") : header.index("liver_qi_stagnation")].strip() == "1"
    assert row[header.index("liver_qi_stagnation") : header.index("damp_heat")].strip() == "1"
    assert row[header.index("kidney_deficiency") : header.index("qi_blood_stagnation")].strip() == ""
    flank = next(line for line in lines if line.startswith("pain_area.flank "))
    assert flank[header.index("liver_qi_stagnation") : header.index("damp_heat")].strip() == "1"
    assert "pain_area.spreads_down: Pain that spreads from the lower back into the buttocks or legs" in lines
    for flag in ("cauda_equina", "aortic_aneurysm", "fracture", "inflammatory"):
        assert any(flag in line for line in lines)
    assert any(line.startswith("emergency  cauda_equina") for line in lines)
    assert any(line.startswith("refer      inflammatory") for line in lines)
