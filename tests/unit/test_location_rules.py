"""Where the pain is (questionnaire 3's pain map) scores through point rules, as the domain reference's §2.6 says;
questionnaire 2's answers score exactly as they did under rules 2.0.0."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.answer_plan import max_points
from app.compact_record import compact
from app.flag_rules import Answered
from app.point_rules import PointRule
from app.questionnaire import (
    COLD_DAMP,
    KIDNEY,
    LIVER,
    N_,
    Questionnaire,
)
from app.questionnaires import CURRENT, VERSIONS
from app.rules import Assessment, assess
from bench import vignettes
from tests.answers import typical_answers

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# Rules 2.0.0's compact record of every questionnaire-2 answer set in tests/fixtures/v2/, without its rules version.
PINNED = json.loads((FIXTURES / "v2" / "assessments.json").read_text(encoding="utf-8"))


def run(**changes: Any) -> Assessment:
    clean, errors = CURRENT.validate(typical_answers(**changes))
    assert errors == {}
    return assess(clean, CURRENT)


def points(result: Assessment, pattern: str, answer: str) -> list[int]:
    return [c.points for c in result.contributions[pattern] if (c.question, c.answer) == ("pain_area", answer)]


def test_version_3_is_current_and_its_map_rules_are_declared() -> None:
    assert CURRENT.version == "3"
    assert [r.code for r in CURRENT.point_rules] == ["both_sides", "spreads_down", "flank"]
    assert not VERSIONS["1"].point_rules and not VERSIONS["2"].point_rules


def test_both_sides_of_the_lower_back_add_to_kidney_deficiency_but_are_not_its_own_sign() -> None:
    one = run(pain_area=["lower_back_left", "lower_back_middle"])
    both = run(pain_area=["lower_back_left", "lower_back_middle", "lower_back_right"])
    assert points(one, KIDNEY, "both_sides") == []
    assert points(both, KIDNEY, "both_sides") == [1]  # diffuse, both sides [S11]
    assert both.scores[KIDNEY] > one.scores[KIDNEY]
    assert both.own_signs[KIDNEY] == one.own_signs[KIDNEY]  # cold-damp's ache is broad too [S16]
    assert both.to_json()["explanation"]["patterns"][KIDNEY]["contributions"][-1]["text"] == (
        "Pain on both sides of the lower back"
    )


@pytest.mark.parametrize(
    ("area", "spreads"),
    [
        (["lower_back_middle", "buttock_left"], True),
        (["sacrum", "back_of_thigh_right", "calf_shin_right"], True),
        (["lower_back_right", "front_of_thigh_right"], True),
        (["lower_back_middle", "knee_left", "knee_right"], False),  # knees belong to kidney deficiency [S11]
        (["lower_back_middle", "foot_left"], False),  # and sore heels [S14]
        (["buttock_left", "buttock_right"], False),  # buttocks alone: nothing spreads from the back
        (["lower_back_middle"], False),
    ],
)
def test_pain_spreading_from_the_back_into_the_buttocks_or_legs_is_cold_damp(area: list[str], spreads: bool) -> None:
    result = run(pain_area=area)
    assert points(result, COLD_DAMP, "spreads_down") == ([1] if spreads else [])  # [S16][S30]
    assert result.own_signs[COLD_DAMP] == run(pain_area=["lower_back_middle"]).own_signs[COLD_DAMP] + spreads


def test_the_flank_is_liver_qi_counted_once_for_either_side_or_both() -> None:
    without = run(pain_area=["lower_back_middle"])
    for area in (["flank_left"], ["flank_right"], ["flank_left", "flank_right"]):
        result = run(pain_area=["lower_back_middle", *area])
        assert points(result, LIVER, "flank") == [1]  # to the flank or rib-side [S17][S19][S21]
        assert result.own_signs[LIVER] == without.own_signs[LIVER] + 1
        assert result.scores[LIVER] > without.scores[LIVER]


def test_each_rule_counts_once_towards_what_a_pattern_can_reach() -> None:
    v2, v3 = max_points(VERSIONS["2"]), max_points(CURRENT)
    # Both sides is new; the leg's point moved from "spreads into a leg" to the map; the flank kept its one point.
    assert v3 == {**v2, KIDNEY: v2[KIDNEY] + 1}
    assert not any(o.points for o in CURRENT.by_id["leg_spread"].options)
    assert not any(o.points for o in CURRENT.by_id["pain_area"].options)


def test_a_regions_label_and_a_rules_words_are_found_for_the_explanation() -> None:
    assert CURRENT.answer_text("pain_area", "tailbone") == "Tailbone, at the very bottom of the spine"
    assert CURRENT.answer_text("pain_area", "flank") == "Pain round the side of the waist, under the ribs"
    assert CURRENT.answer_text("pain_area", "nowhere") is None
    assert VERSIONS["2"].answer_text("pain_area", "flank") is None


@pytest.mark.parametrize(
    "rule",
    [
        PointRule("x", N_("x"), {KIDNEY: 1}, ()),  # no condition
        PointRule("x", N_("x"), {}, (Answered("pain_area", ("sacrum",)),)),  # no points
        PointRule("x", N_("x"), {KIDNEY: 1}, (Answered("pain_area", ("elbow",)),)),  # not an option
        PointRule("sacrum", N_("x"), {KIDNEY: 1}, (Answered("pain_area", ("sacrum",)),)),  # an option's own code
        PointRule("x", N_("x"), {KIDNEY: 1}, (Answered("leg_feelings", ("pain",)),)),  # a question not always asked
    ],
)
def test_a_point_rule_must_name_what_everyone_is_asked(rule: PointRule) -> None:
    with pytest.raises(ValueError, match="point rule"):
        Questionnaire("t", CURRENT.url, CURRENT.title, CURRENT.sections, point_rules=(rule,))


@pytest.mark.parametrize("name", sorted(PINNED))
def test_questionnaire_2_answers_score_exactly_as_under_rules_2_0_0(name: str) -> None:
    """Every development and held-out case as answered on questionnaire 2 gives the record rules 2.0.0 stored."""
    _, result = vignettes.load(FIXTURES / "v2" / f"{name}.json")
    record = compact(result.to_json())
    assert record.pop("rules_version") == "2.1.0"
    assert record == PINNED[name]


def test_every_questionnaire_2_case_is_pinned_and_answered_again_on_version_3() -> None:
    v2 = {f"{p.parent.name}/{p.stem}" for p in (FIXTURES / "v2").glob("*/*.json")}
    assert v2 == set(PINNED) and len(v2) == 59
    v3 = {
        f"{p.parent.name}/{p.stem}" for folder in ("vignettes", "holdout") for p in (FIXTURES / folder).glob("*.json")
    }
    assert v3 == v2
    for name in v3:
        case = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
        assert case["questionnaire_version"] == "3"
        assert case["notes"]["pain_area"].startswith("the map (questionnaire 3): ")
