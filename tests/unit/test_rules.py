"""The rule engine as ``shared/product.md`` §"The rule engine" specifies it; no application needed.

Pictures are built from ``tests/answers.py`` and named after the findings of ``shared/domain/low-back-pain.md`` §2.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app import advice
from app.answer_plan import max_points, reachable_for
from app.cautions import CAUTIONS, YIN_MOXA_NOTE
from app.compact_record import compact, expand
from app.flag_rules import Answered
from app.questionnaire import (
    COLD_DAMP,
    DAMP_HEAT,
    KIDNEY,
    LIVER,
    PATTERNS,
    SIGNALS,
    STAGNATION,
    AnswerValue,
    Option,
    Question,
    Questionnaire,
    Section,
)
from app.questionnaires import CURRENT
from app.red_flags import LEVEL_ORDER, URGENT_LEVELS
from app.rules import CONFIDENCE_GAP, LIKELY, OUT_OF_SCOPE, OWN_SIGNS, POSSIBLE, RULES_VERSION, Assessment, assess
from tests.answers import typical_answers, with_answer
from tests.contract import ASSESSMENT_KEYS
from tests.strategies import answer_sets

# Answers that point to no pattern; each picture below adds its own findings.
NEUTRAL: dict[str, Any] = {
    "duration": "6_to_12_weeks",
    "onset": "unsure",
    "pattern_over_time": "constant",
    "pain_feel": ["dull_ache"],
    "pain_spot": "wide_area",
    "worse_with": ["none"],
    "better_with": ["none"],
    "other_symptoms": ["none"],
    "age_band": "35_49",
    "heavy_work": "rarely",
}


def picture(**changes: Any) -> dict[str, Any]:
    return typical_answers(**{**NEUTRAL, **changes})


PICTURES: dict[str, dict[str, Any]] = {
    # Gradual dull, weak ache, worse with effort, better with rest and pressure, weak knees [S3][S11][S30].
    KIDNEY: typical_answers(),
    # Stabbing, fixed, worse with pressure and at night, after lifting [S8][S10][S30].
    STAGNATION: picture(
        duration="under_6_weeks",
        onset="injury",
        pattern_over_time="one_episode",
        pain_feel=["stabbing"],
        pain_spot="one_spot",
        worse_with=["pressure", "night", "twisting"],
        other_symptoms=["dark_lips_tongue"],
    ),
    # Cold and heavy, worse in rain and lying still, better with warmth, after getting wet [S1][S3][S5][S46a].
    COLD_DAMP: picture(
        onset="cold_wet",
        pain_feel=["heavy", "cold"],
        worse_with=["cold", "damp_weather", "lying_still"],
        better_with=["warmth"],
        cold_damp_places="often",
        other_symptoms=["heavy_body"],
    ),
    # Tight, distending, moving pain that follows stress, with sighing and rib-side tightness [S17][S18][S22].
    LIVER: picture(
        onset="stress",
        pattern_over_time="comes_with_mood",
        pain_feel=["tight_stiff", "distending"],
        pain_spot="moves",
        worse_with=["stress"],
        better_with=["relaxing", "moving"],
        other_symptoms=["irritable", "sighing", "rib_tightness"],
        stress="high",
    ),
}

# A chronic strain in an older manual worker: stagnation and kidney deficiency together [S26][S8][S11].
MIXED = typical_answers(
    onset="injury",
    pain_feel=["dull_ache", "sore_weak", "stabbing"],
    pain_spot="one_spot",
    worse_with=["exertion", "standing", "pressure", "night"],
    better_with=["rest"],
    other_symptoms=["weak_knees", "night_urination", "dark_lips_tongue"],
)

# Burning pain, worse with heat, better cooling, dark urine, bitter mouth, thirst without drinking [S6][S6a].
DAMP_HEAT_PICTURE = picture(
    pain_feel=["burning"],
    worse_with=["heat"],
    better_with=["cool"],
    other_symptoms=["dark_urine", "bitter_mouth", "thirst_no_drink"],
)

# The two temperature items of the reference's §2.1 design note: they pick the kidney sub-type only.
TEMPERATURE_ITEMS = (("other_symptoms", "feel_cold"), ("other_symptoms", "hot_palms_sweats"))

CONTRACT_KEYS = ASSESSMENT_KEYS


def run(answers: dict[str, Any]) -> Assessment:
    """Validate like every caller does, then assess."""
    clean, errors = CURRENT.validate(answers)
    assert errors == {}
    return assess(clean, CURRENT)


def with_option(answers: dict[str, AnswerValue], question: Question, option: Option) -> dict[str, AnswerValue]:
    """The answers with one more option ticked on a multi-select question (dropping its "none")."""
    before = answers.get(question.link_id, [])
    codes = before if isinstance(before, list) else [before]
    exclusive = {o.code for o in question.options if o.exclusive}
    kept = [c for c in codes if c not in exclusive]
    return {**answers, question.link_id: [o.code for o in question.options if o.code in kept or o is option]}


def options_where(predicate: Any) -> list[tuple[Question, Option]]:
    return [(q, o) for q in CURRENT.questions for o in q.options if predicate(q, o)]


URGENT_OPTIONS = options_where(lambda q, o: o.red_flag is not None and o.red_flag.level in URGENT_LEVELS)


# Red flags


@pytest.mark.parametrize(
    ("question", "option"), URGENT_OPTIONS, ids=[f"{q.link_id}.{o.code}" for q, o in URGENT_OPTIONS]
)
def test_each_emergency_or_urgent_flag_ends_the_screen_without_a_pattern(question: Question, option: Option) -> None:
    assert option.red_flag is not None
    # Under 50, with long-standing pain: no combination rule adds to the option's own flag.
    result = run(picture(duration="over_12_weeks", **{question.link_id: [option.code]}))

    assert result.urgent
    assert result.primary is None
    assert result.secondary == ()
    assert result.therapies == ()
    [finding] = result.red_flags
    assert (finding.code, finding.level) == (option.red_flag.code, option.red_flag.level)
    assert finding.answers == (f"{question.link_id}.{option.code}",)
    assert result.to_json()["urgent"] is True


def test_the_red_flag_gate_covers_cauda_equina_infection_fracture_and_cancer() -> None:
    # §5.2: the four categories every national guideline screens for, plus aneurysm and progressive deficit [S88].
    raised = {code: flag.level for code, flag in CURRENT.red_flags.items()}
    assert raised["cauda_equina"] == "emergency"
    assert raised["progressive_neuro"] == "emergency"
    assert raised["aortic_aneurysm"] == "emergency"
    assert {raised["infection"], raised["fracture"], raised["cancer"], raised["kidney_infection"]} == {"urgent"}


def _inflammatory() -> tuple[int, list[str]]:
    """How many signs (besides its entry criterion) raise the inflammatory flag, and the answers that raise it."""
    [rule] = [r for r in CURRENT.flag_rules if r.flag.code == "inflammatory"]
    entry = [code for answered in rule.all_of for code in answered.answers]
    signs = [code for answered in rule.any_of for code in answered.answers]
    return rule.at_least, entry + signs


def test_enough_inflammatory_signs_refer_to_a_gp_above_the_pattern() -> None:
    count, signs = _inflammatory()
    result = run(typical_answers(rf_inflammatory=signs[: count + 1]))

    assert [(f.code, f.level) for f in result.red_flags] == [("inflammatory", "refer")]
    assert result.red_flags[0].answers == tuple(f"rf_inflammatory.{s}" for s in signs[: count + 1])
    assert not result.urgent
    assert result.primary == KIDNEY
    assert result.therapies
    assert result.to_json()["red_flags"][0]["level"] == "refer"


def test_fewer_inflammatory_signs_raise_nothing() -> None:
    count, signs = _inflammatory()
    result = run(typical_answers(rf_inflammatory=signs[:count]))
    assert result.red_flags == ()
    assert result.primary == KIDNEY


def test_inflammatory_signs_without_the_entry_criterion_raise_nothing() -> None:
    _, signs = _inflammatory()
    assert run(typical_answers(rf_inflammatory=signs[1:])).red_flags == ()


def test_flags_are_listed_most_serious_first() -> None:
    count, signs = _inflammatory()
    answers = with_answer(
        typical_answers(rf_now=["fever"], rf_history=["cancer"], rf_inflammatory=signs[: count + 1]),
        "rf_nerves",
        "saddle_numbness",
    )
    answers["rf_nerves_when"] = "new"
    levels = [f.level for f in run(answers).red_flags]
    assert levels == ["emergency", "urgent", "refer", "refer"]


# Patterns


@pytest.mark.parametrize("pattern", PATTERNS)
def test_each_pattern_wins_on_its_typical_picture(pattern: str) -> None:
    result = run(PICTURES[pattern])

    assert result.primary == pattern
    assert result.secondary == ()
    assert result.levels[pattern] == "likely"
    assert result.confidence == "high"
    assert not result.urgent
    assert result.out_of_scope is None
    assert {t.code for t in result.therapies} == {t.code for t in advice.THERAPIES if pattern in t.detail}


def test_a_mixed_picture_reports_a_secondary_pattern() -> None:
    result = run(MIXED)

    assert (result.primary, result.secondary) == (STAGNATION, (KIDNEY,))
    assert result.own_signs[KIDNEY] >= OWN_SIGNS
    assert result.confidence == "moderate"
    # Therapies cover both: cupping comes from stagnation, the kidney sub-type still shows.
    assert "cupping" in {t.code for t in result.therapies}
    assert result.kidney_subtype == "yang"


def test_a_likely_second_pattern_is_secondary_however_far_behind() -> None:
    answers = {
        **PICTURES[STAGNATION],
        "worse_with": ["exertion", "pressure", "night", "twisting"],
        "better_with": ["rest"],
        "other_symptoms": ["weak_knees", "tired", "heel_pain", "memory_hair", "dark_lips_tongue"],
    }
    result = run(answers)

    assert result.primary == STAGNATION
    assert result.levels[KIDNEY] == "likely"
    assert result.scores[STAGNATION] - result.scores[KIDNEY] > CONFIDENCE_GAP
    assert result.secondary == (KIDNEY,)


def test_a_possible_pattern_with_its_own_signs_is_secondary() -> None:
    # Cold-damp with knees that give way and nights up to pass urine, aching on both sides: kidney yang dragged
    # down [S5][S11].
    answers = {
        **PICTURES[COLD_DAMP],
        "other_symptoms": ["heavy_body", "weak_knees", "night_urination"],
        "pain_area": ["lower_back_left", "lower_back_right"],
    }
    result = run(answers)

    assert result.primary == COLD_DAMP
    assert result.levels[KIDNEY] == "possible"
    assert result.own_signs[KIDNEY] >= OWN_SIGNS
    assert result.secondary == (KIDNEY,)


def test_a_possible_pattern_from_circumstances_alone_is_not_secondary() -> None:
    # Age, a long course and heavy work add to kidney deficiency's score, but they are not its signs.
    answers = {**PICTURES[COLD_DAMP], "age_band": "65_plus", "duration": "over_12_weeks", "heavy_work": "often"}
    result = run(answers)

    assert result.primary == COLD_DAMP
    assert result.own_signs[KIDNEY] < OWN_SIGNS
    assert result.secondary == ()


def test_no_likely_pattern_is_an_honest_no_clear_pattern() -> None:
    result = run(picture())

    assert all(level != "likely" for level in result.levels.values())
    assert result.primary is None
    assert result.secondary == ()
    assert result.confidence == "low"
    assert result.therapies == ()
    assert "No clear pattern" in result.summary


def test_a_possible_pattern_alone_is_not_offered() -> None:
    result = run(picture(worse_with=["exertion", "end_of_day"]))

    assert POSSIBLE <= result.scores[KIDNEY] < LIKELY
    assert result.levels[KIDNEY] == "possible"
    assert result.primary is None


def test_equal_scores_break_by_declared_pattern_order() -> None:
    # Stabbing fixed pain after a chill in the rain: stagnation and cold-damp land on the same score (with the period
    # questions applicable, stagnation can reach 18 points and cold-damp 22, and 9/18 = 11/22).
    answers = picture(
        periods="yes",
        period_links=["none"],
        onset="cold_wet",
        pain_feel=["stabbing", "heavy", "cold"],
        pain_spot="one_spot",
        worse_with=["pressure", "night", "twisting", "damp_weather", "lying_still"],
        cold_damp_places="sometimes",
    )
    result = run(answers)

    assert result.scores[STAGNATION] == result.scores[COLD_DAMP] >= LIKELY
    assert PATTERNS.index(STAGNATION) < PATTERNS.index(COLD_DAMP)
    assert (result.primary, result.secondary) == (STAGNATION, (COLD_DAMP,))
    assert result.confidence == "moderate"


# Damp-heat


def test_a_damp_heat_picture_is_handed_off_rather_than_forced_into_a_pattern() -> None:
    result = run(DAMP_HEAT_PICTURE)

    assert result.out_of_scope == DAMP_HEAT
    assert result.primary is None
    assert result.confidence == "low"
    assert result.therapies == ()
    assert "damp-heat" in result.summary
    assert not result.urgent


def test_damp_heat_findings_lower_confidence_but_never_change_pattern_scores() -> None:
    plain = run(PICTURES[KIDNEY])
    burning = run({**PICTURES[KIDNEY], "pain_feel": ["dull_ache", "sore_weak", "burning"]})

    assert burning.scores == plain.scores
    assert burning.primary == plain.primary == KIDNEY
    assert (plain.confidence, burning.confidence) == ("high", "low")
    assert burning.out_of_scope == DAMP_HEAT
    assert "damp-heat" in burning.summary


def test_fever_or_burning_urine_is_a_medical_matter_first_not_damp_heat() -> None:
    result = run({**DAMP_HEAT_PICTURE, "rf_now": ["fever", "urine_burning"]})
    assert result.urgent
    assert result.primary is None
    assert {f.code for f in result.red_flags} == {"infection", "kidney_infection"}


# Kidney sub-type


@pytest.mark.parametrize(
    ("symptoms", "subtype"),
    [
        (["weak_knees", "night_urination", "feel_cold"], "yang"),
        (["weak_knees", "hot_palms_sweats", "dry_mouth"], "yin"),
        (["weak_knees", "night_urination", "feel_cold", "hot_palms_sweats", "dry_mouth"], "mixed"),
        # One sign of each kind is too little to call either [S12].
        (["weak_knees", "feel_cold", "dry_mouth"], None),
        (["weak_knees"], None),
    ],
)
def test_kidney_deficiency_names_its_sub_type(symptoms: list[str], subtype: str | None) -> None:
    result = run(typical_answers(other_symptoms=symptoms))
    assert result.primary == KIDNEY
    assert result.kidney_subtype == subtype
    assert result.to_json()["kidney_subtype"] == subtype


def test_no_sub_type_without_kidney_deficiency() -> None:
    result = run({**PICTURES[STAGNATION], "other_symptoms": ["feel_cold", "night_urination"]})
    assert KIDNEY not in (result.primary, *result.secondary)
    assert result.kidney_subtype is None


@pytest.mark.parametrize(("link_id", "code"), TEMPERATURE_ITEMS)
def test_temperature_items_pick_the_sub_type_but_never_change_scores(link_id: str, code: str) -> None:
    question = CURRENT.by_id[link_id]
    option = question.option(code)
    assert option is not None
    assert option.subtype in ("yang", "yin")
    for answers in PICTURES.values():
        before = run(answers)
        after = run(with_option(answers, question, option))
        assert after.scores == before.scores
        assert (after.primary, after.secondary) == (before.primary, before.secondary)
    assert run(typical_answers(other_symptoms=["weak_knees", code])).kidney_subtype == option.subtype


def test_the_yin_type_is_needled_without_moxibustion() -> None:
    yin = run(typical_answers(other_symptoms=["weak_knees", "hot_palms_sweats", "dry_mouth"]))
    yang = run(typical_answers())
    acupuncture = {r.kidney_subtype: next(t for t in r.therapies if t.code == "acupuncture") for r in (yin, yang)}
    assert YIN_MOXA_NOTE in acupuncture["yin"].notes
    assert YIN_MOXA_NOTE not in acupuncture["yang"].notes


# Cautions


def _caution_option(code: str) -> tuple[Question, Option]:
    [(question, option)] = options_where(lambda q, o: o.caution == code)
    return question, option


def test_every_caution_answer_has_advice_and_every_advice_has_an_answer() -> None:
    asked = {o.caution for _, o in options_where(lambda q, o: o.caution)}
    assert asked == set(CAUTIONS)


@pytest.mark.parametrize("code", sorted(CAUTIONS))
def test_each_caution_shapes_therapies_as_advice_declares(code: str) -> None:
    # Stagnation is the picture every therapy is offered for, so every effect is visible; weeks old rather than new,
    # so thin bones are a caution here and not, with new pain, a sign of a fracture.
    answers = {**PICTURES[STAGNATION], "duration": "6_to_12_weeks"}
    base = run(answers)
    assert {t.code for t in base.therapies} == {t.code for t in advice.THERAPIES}
    question, option = _caution_option(code)
    result = run(with_option(answers, question, option))

    assert result.cautions == (code,)
    assert result.to_json()["cautions"] == [code]
    assert result.scores == base.scores
    assert result.primary == base.primary
    effects = CAUTIONS[code].effects
    for therapy in result.therapies:
        if therapy.code in effects:
            action, note = effects[therapy.code]
            assert therapy.status == {"avoid": "not_advised", "adapt": "with_care"}[action]
            assert note in therapy.notes
        else:
            assert therapy.status == "recommended"
            assert therapy.notes == ()


def _therapies(cautions: list[str], pattern: str = STAGNATION) -> dict[str, Any]:
    return {t.code: t for t in run({**PICTURES[pattern], "cautions": cautions}).therapies}


def test_pregnancy_rules_out_cupping_and_herbs() -> None:
    therapies = _therapies(["pregnant"])
    assert therapies["cupping"].status == "not_advised"
    assert therapies["herbal_medicine"].status == "not_advised"
    assert therapies["acupuncture"].status == "with_care"


def test_a_pacemaker_means_no_electro_acupuncture() -> None:
    acupuncture = _therapies(["pacemaker"])["acupuncture"]
    assert acupuncture.status == "with_care"
    assert any("electro-acupuncture" in note for note in acupuncture.notes)


def test_a_bleeding_disorder_rules_out_acupuncture() -> None:
    assert _therapies(["bleeding_disorder"], KIDNEY)["acupuncture"].status == "not_advised"


def test_the_strictest_caution_wins_and_every_note_is_kept() -> None:
    acupuncture = _therapies(["blood_thinners", "bleeding_disorder"])["acupuncture"]
    assert acupuncture.status == "not_advised"
    assert acupuncture.notes == (
        CAUTIONS["blood_thinners"].effects["acupuncture"][1],
        CAUTIONS["bleeding_disorder"].effects["acupuncture"][1],
    )


def test_cautions_are_listed_even_without_a_pattern() -> None:
    result = run(picture(cautions=["pregnant", "needle_fear"]))
    assert result.primary is None
    assert result.cautions == ("pregnancy", "needle_fear")


# The assessment as data


def test_the_json_carries_the_api_contract() -> None:
    count, signs = _inflammatory()
    data = run(typical_answers(rf_inflammatory=signs[: count + 1], cautions=["pacemaker"])).to_json()

    assert set(data) >= CONTRACT_KEYS
    assert data["rules_version"] == RULES_VERSION
    assert data["questionnaire_version"] == CURRENT.version
    assert data["urgent"] is False
    assert [{k: f[k] for k in ("code", "level")} for f in data["red_flags"]] == [
        {"code": "inflammatory", "level": "refer"}
    ]
    assert data["primary"] == KIDNEY
    assert data["secondary"] == []
    assert set(data["scores"]) == set(PATTERNS)
    assert all(isinstance(s, int) and 0 <= s <= 100 for s in data["scores"].values())
    assert data["out_of_scope"] is None
    assert set(data["explanation"]["patterns"]) == set(PATTERNS)
    assert {t["code"] for t in data["therapies"]} == {"acupuncture", "tuina", "herbal_medicine"}
    assert data["cautions"] == ["pacemaker"]
    assert json.loads(json.dumps(data)) == data


def _includes(answers: dict[str, AnswerValue], condition: Answered) -> bool:
    value = answers.get(condition.question)
    return any(code in (value if isinstance(value, list) else [value]) for code in condition.answers)


def _check_explanation(result: Assessment, answers: dict[str, AnswerValue]) -> None:
    """Every pattern's contributions are the chosen answers carrying its points, and they make its score."""
    reachable = reachable_for(answers, CURRENT)
    explanation = result.to_json()["explanation"]
    sections = {**explanation["patterns"], DAMP_HEAT: explanation["damp_heat"]}
    for signal in SIGNALS:
        listed = sections[signal]["contributions"]
        expected = [
            (q.link_id, o.code, o.points[signal])
            for q in CURRENT.questions
            if q.link_id in answers
            for o in q.options
            if signal in o.points and o.code in (a if isinstance(a := answers[q.link_id], list) else [a])
        ]
        # Then each point rule whose every condition the answers meet (pain on both sides, say), once.
        expected += [
            (rule.question, rule.code, rule.points[signal])
            for rule in CURRENT.point_rules
            if signal in rule.points and all(_includes(answers, condition) for condition in rule.all_of)
        ]
        assert [(c["question"], c["answer"], c["points"]) for c in listed] == expected
        total = sum(c["points"] for c in listed)
        assert sections[signal]["score"] == round(100 * total / reachable[signal])


@pytest.mark.parametrize("answers", [*PICTURES.values(), MIXED, DAMP_HEAT_PICTURE], ids=[*PICTURES, "mixed", "heat"])
def test_the_explanation_adds_up_to_each_score(answers: dict[str, Any]) -> None:
    clean, _ = CURRENT.validate(answers)
    _check_explanation(run(answers), clean)


def test_the_same_answers_in_any_order_give_the_same_result() -> None:
    answers = MIXED
    shuffled = {k: list(reversed(v)) if isinstance(v, list) else v for k, v in reversed(answers.items())}
    first = run(answers)
    assert run(copy.deepcopy(answers)) == first
    assert run(shuffled).to_json() == first.to_json()


# The stored record: compact, and expanded back to the assessment's JSON


def test_a_record_keeps_what_the_rules_decided_and_leaves_out_what_the_questionnaire_and_advice_give() -> None:
    full = run(MIXED).to_json()
    record = compact(full)
    assert len(json.dumps(record)) < 0.6 * len(json.dumps(full))
    assert "disclaimer" not in record
    assert all("name" not in t and "detail" not in t for t in record["therapies"])
    for key in ("rules_version", "urgent", "red_flags", "primary", "secondary", "scores", "confidence", "cautions"):
        assert record[key] == full[key]
    # Expanded, it is the JSON again, key order included (what the API answers).
    assert json.dumps(expand(record, CURRENT)) == json.dumps(full)


def test_a_result_stored_whole_or_erased_comes_back_as_it_is() -> None:
    full = run(typical_answers()).to_json()
    assert expand(full, CURRENT) == full
    assert expand({"erased": True}, CURRENT) == compact({"erased": True}) == {"erased": True}
    assert expand({}, CURRENT) == {}


@given(answer_sets())
def test_every_assessment_survives_being_stored_as_a_record(answers: dict[str, AnswerValue]) -> None:
    assessment = assess(answers, CURRENT)
    assert expand(assessment.to_record(), CURRENT) == assessment.to_json()
    json.dumps(assessment.to_record())  # plain JSON, as the column stores it


# Properties over every valid answer set


@given(answer_sets())
def test_any_valid_answer_set_is_accepted_and_assessed(answers: dict[str, AnswerValue]) -> None:
    clean, errors = CURRENT.validate(answers)
    assert errors == {}
    assert clean == answers

    result = assess(clean, CURRENT)
    assert result.rules_version == RULES_VERSION
    assert set(result.scores) == set(PATTERNS)
    assert all(0 <= s <= 100 for s in result.scores.values())
    assert 0 <= result.damp_heat_score <= 100
    for pattern, score in result.scores.items():
        expected_level = "likely" if score >= LIKELY else "possible" if score >= POSSIBLE else "unlikely"
        assert result.levels[pattern] == expected_level
    if result.primary is not None:
        assert not result.urgent
        assert result.levels[result.primary] == "likely"
        assert result.own_signs[result.primary] >= OWN_SIGNS
        named = [p for p in PATTERNS if result.levels[p] == "likely" and result.own_signs[p] >= OWN_SIGNS]
        assert result.scores[result.primary] == max(result.scores[p] for p in named)
    for pattern in result.secondary:
        assert result.primary is not None
        assert result.levels[pattern] == "likely" or (
            result.levels[pattern] == "possible" and result.own_signs[pattern] >= OWN_SIGNS
        )
    assert (result.out_of_scope == DAMP_HEAT) == (result.damp_heat_score >= OUT_OF_SCOPE)
    if result.out_of_scope:
        assert result.confidence == "low"
    _check_explanation(result, clean)


@given(answer_sets())
def test_the_same_answers_always_give_the_same_result(answers: dict[str, AnswerValue]) -> None:
    assert assess(answers, CURRENT) == assess(copy.deepcopy(answers), CURRENT)


@given(answer_sets(), st.sampled_from(PATTERNS), st.data())
def test_adding_a_finding_never_lowers_its_patterns_score(
    answers: dict[str, AnswerValue], pattern: str, data: st.DataObject
) -> None:
    candidates = [
        (q, o)
        for q in CURRENT.questions
        if q.kind == "multi" and q.link_id in answers
        for o in q.options
        if o.points.get(pattern) and o.code not in answers[q.link_id]
    ]
    assume(candidates)
    question, option = data.draw(st.sampled_from(candidates))
    added = with_option(answers, question, option)
    assert CURRENT.validate(added)[1] == {}

    before, after = assess(answers, CURRENT), assess(added, CURRENT)
    assert after.scores[pattern] >= before.scores[pattern]
    # Scores are independent: a finding for one pattern takes nothing from another.
    assert all(after.scores[p] >= before.scores[p] for p in PATTERNS)


@given(answer_sets(), st.sampled_from(URGENT_OPTIONS))
def test_any_emergency_or_urgent_flag_makes_the_result_urgent(
    answers: dict[str, AnswerValue], flagged: tuple[Question, Option]
) -> None:
    question, option = flagged
    result = assess(with_option(answers, question, option), CURRENT)
    assert result.urgent
    assert result.primary is None
    assert result.therapies == ()
    # The option's flag, or a more serious one for the same condition, leads the list.
    assert option.red_flag is not None
    same_condition = [f for f in result.red_flags if CURRENT.red_flags[f.code].group == option.red_flag.group]
    assert same_condition and LEVEL_ORDER[same_condition[0].level] <= LEVEL_ORDER[option.red_flag.level]


@given(answer_sets(red_flags=False))
def test_without_red_flags_nothing_is_urgent(answers: dict[str, AnswerValue]) -> None:
    result = assess(answers, CURRENT)
    assert not result.urgent
    assert result.red_flags == ()


@given(answer_sets(), st.sampled_from(TEMPERATURE_ITEMS))
def test_temperature_items_never_decide_a_pattern(answers: dict[str, AnswerValue], item: tuple[str, str]) -> None:
    question = CURRENT.by_id[item[0]]
    option = question.option(item[1])
    assert option is not None
    before, after = assess(answers, CURRENT), assess(with_option(answers, question, option), CURRENT)
    assert after.scores == before.scores
    assert (after.primary, after.secondary, after.urgent) == (before.primary, before.secondary, before.urgent)


@given(answer_sets(), st.randoms(use_true_random=False))
def test_multi_answers_in_any_order_or_repeated_give_the_same_result(answers: dict[str, AnswerValue], rng: Any) -> None:
    # assess() may be handed answers that did not pass through validate(), e.g. by a re-scoring job.
    scrambled: dict[str, AnswerValue] = {}
    for key, value in answers.items():
        if isinstance(value, list):
            value = value + value[:1]
            rng.shuffle(value)
        scrambled[key] = value
    assert assess(scrambled, CURRENT) == assess(answers, CURRENT)


def test_each_questionnaire_is_scored_by_its_own_declarations() -> None:
    def one_question(version: str, points: dict[str, int]) -> Questionnaire:
        # Two signs, as a pattern needs to be named.
        options = (Option("a", "A", points=points), Option("c", "C", points=points), Option("b", "B"))
        question = Question("q", "multi", "Q", options=options)
        return Questionnaire(version, "urn:test", "Test", (Section("s", "S", "", (question,)),))

    kidney = one_question("same", {KIDNEY: 2})
    liver = one_question("same", {LIVER: 1})
    assert assess({"q": ["a", "c"]}, kidney).primary == KIDNEY
    assert assess({"q": ["a", "c"]}, liver).primary == LIVER
    assert assess({"q": ["a", "c"]}, kidney).scores == {**dict.fromkeys(PATTERNS, 0), KIDNEY: 100}
    assert assess({"q": ["a"]}, kidney).primary is None  # one sign is not enough to name a pattern
    assert max_points(liver) == {**dict.fromkeys(SIGNALS, 0), LIVER: 2}


def test_questions_that_do_not_apply_are_not_held_against_a_pattern() -> None:
    # The period questions carry liver points; someone without periods is scored against what they could reach.
    without = run(PICTURES[LIVER] | {"periods": "no"})
    asked = run(PICTURES[LIVER] | {"periods": "yes", "period_links": ["none"]})
    assert without.scores[LIVER] > asked.scores[LIVER]
    assert reachable_for({"periods": "no"}, CURRENT)[LIVER] < max_points(CURRENT)[LIVER]
    assert reachable_for({"periods": "yes"}, CURRENT) == max_points(CURRENT)
