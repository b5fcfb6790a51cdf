"""The questionnaire model: answer validation, conditional questions and the declarations themselves."""

from __future__ import annotations

from typing import Any

import pytest

from app.questionnaire import (
    SIGNALS,
    EnableWhen,
    Option,
    Question,
    Questionnaire,
    Section,
    chosen_options,
)
from app.questionnaires import CURRENT, VERSIONS, by_version, current
from tests.answers import typical_answers

QUESTIONS = list(CURRENT.questions)
CHOICE_QUESTIONS = [q for q in QUESTIONS if q.kind in ("single", "multi")]


def errors_for(answers: dict[str, Any]) -> dict[str, str]:
    return {key: str(error) for key, error in CURRENT.validate(answers)[1].items()}


def clean_for(answers: dict[str, Any]) -> dict[str, Any]:
    clean, errors = CURRENT.validate(answers)
    assert errors == {}
    return clean


def test_a_complete_answer_set_validates_unchanged() -> None:
    answers = typical_answers()
    assert clean_for(answers) == answers


def test_an_empty_answer_set_asks_for_every_required_question() -> None:
    errors = errors_for({})
    required = {q.link_id for q in QUESTIONS if q.required and not q.enable_when}
    assert set(errors) == required


# Single choice


def test_single_choice_takes_one_declared_code() -> None:
    assert clean_for(typical_answers(onset="injury"))["onset"] == "injury"


@pytest.mark.parametrize("value", ["fell_over", ["gradual"], 3, True])
def test_single_choice_rejects_anything_else(value: object) -> None:
    assert errors_for(typical_answers(onset=value)) == {"onset": "Please choose one of the answers shown."}


@pytest.mark.parametrize("blank", [None, "", []])
def test_a_missing_single_choice_is_asked_for(blank: object) -> None:
    assert errors_for(typical_answers(onset=blank)) == {"onset": "Please choose one answer."}


# Multiple choice


def test_multi_choice_is_kept_in_declaration_order_without_duplicates() -> None:
    clean = clean_for(typical_answers(pain_feel=["sore_weak", "dull_ache", "sore_weak"]))
    assert clean["pain_feel"] == ["dull_ache", "sore_weak"]


def test_a_single_code_for_a_multi_choice_becomes_a_list() -> None:
    assert clean_for(typical_answers(pain_feel="stabbing"))["pain_feel"] == ["stabbing"]


@pytest.mark.parametrize("value", [["dull_ache", "tingly"], [1, 2], {"dull_ache": True}, 7])
def test_multi_choice_rejects_unknown_codes_and_other_shapes(value: object) -> None:
    assert errors_for(typical_answers(pain_feel=value)) == {"pain_feel": "Please choose from the answers shown."}


def test_none_of_these_stands_alone() -> None:
    errors = errors_for(typical_answers(rf_now=["none", "fever"]))
    assert errors == {"rf_now": "“None of these” cannot be chosen together with other answers."}
    assert clean_for(typical_answers(rf_now=["none"]))["rf_now"] == ["none"]


def test_an_empty_multi_choice_points_to_the_none_answer_where_there_is_one() -> None:
    errors = errors_for(typical_answers(rf_now=[], pain_feel=[]))
    assert errors == {
        "rf_now": "Please tick at least one answer, or the “none” answer if nothing applies.",
        "pain_feel": "Please choose at least one answer.",
    }


# Whole numbers


@pytest.mark.parametrize(("raw", "number"), [(0, 0), (10, 10), (7.0, 7), ("7", 7), (" 3 ", 3)])
def test_integers_accept_whole_numbers_in_range(raw: object, number: int) -> None:
    assert clean_for(typical_answers(pain_worst=raw))["pain_worst"] == number


@pytest.mark.parametrize("raw", [-1, 11, "11", "-1", 7.5, "seven", "7.0", "12345678", True, False, [5]])
def test_integers_reject_other_values_with_the_range_in_the_message(raw: object) -> None:
    assert errors_for(typical_answers(pain_worst=raw)) == {"pain_worst": "Please give a whole number from 0 to 10."}


def test_a_boolean_is_not_taken_for_a_number() -> None:
    # True == 1 in Python; a checkbox value must not pass as a pain score.
    assert "peg_pain" in errors_for(typical_answers(peg_pain=True))


def test_a_missing_number_is_asked_for() -> None:
    assert errors_for(typical_answers(peg_pain=None)) == {"peg_pain": "Please give a number."}


# Text


def test_text_is_stripped_and_blank_optional_text_is_dropped() -> None:
    assert clean_for(typical_answers(medicines="  ibuprofen \n"))["medicines"] == "ibuprofen"
    assert "medicines" not in clean_for(typical_answers(medicines="   "))
    assert "medicines" not in clean_for(typical_answers())


def test_text_has_a_length_limit() -> None:
    limit = CURRENT.by_id["medicines"].max_length
    assert clean_for(typical_answers(medicines="x" * limit))["medicines"] == "x" * limit
    assert errors_for(typical_answers(medicines="x" * (limit + 1))) == {
        "medicines": f"Please keep this to {limit} characters or fewer."
    }


def test_text_must_be_text() -> None:
    assert errors_for(typical_answers(medicines=42)) == {"medicines": "Please type your answer as text."}


# Unknown questions and wizard steps


def test_unknown_questions_are_errors() -> None:
    errors = errors_for(typical_answers(favourite_colour="blue"))
    assert errors == {"favourite_colour": "This is not a question in this questionnaire."}


def test_a_step_checks_and_returns_only_its_own_questions() -> None:
    pain = CURRENT.section("pain")
    assert pain is not None
    answers = typical_answers(onset="bad", favourite_colour="blue", age_band="nonsense")
    clean, errors = CURRENT.validate(answers, only=pain)
    assert set(errors) == {"onset"}
    assert set(clean) == {q.link_id for q in pain.questions if q.link_id in answers} - {"onset"}


# Conditional questions


@pytest.mark.parametrize("spread", ["above_knee", "below_knee"])
def test_leg_feelings_are_asked_when_the_pain_spreads_into_a_leg(spread: str) -> None:
    assert errors_for(typical_answers(leg_spread=spread)) == {
        "leg_feelings": "Please tick at least one answer, or the “none” answer if nothing applies."
    }
    clean = clean_for(typical_answers(leg_spread=spread, leg_feelings=["pain"]))
    assert clean["leg_feelings"] == ["pain"]


@pytest.mark.parametrize("feeling", ["numbness", "weakness"])
def test_numbness_or_weakness_in_the_leg_asks_whether_it_is_getting_worse(feeling: str) -> None:
    assert errors_for(typical_answers(leg_spread="below_knee", leg_feelings=[feeling])) == {
        "leg_change": "Please choose one answer."
    }
    answers = typical_answers(leg_spread="below_knee", leg_feelings=["pain", feeling], leg_change="same")
    assert clean_for(answers)["leg_change"] == "same"


def test_a_follow_up_is_dropped_when_the_answer_above_it_is_hidden() -> None:
    # A stale leg answer in a draft enables nothing once the pain no longer spreads.
    clean = clean_for(typical_answers(leg_spread="no", leg_feelings=["numbness"], leg_change="worse"))
    assert "leg_feelings" not in clean and "leg_change" not in clean


def test_leg_feelings_are_dropped_when_the_pain_stays_in_the_back() -> None:
    clean = clean_for(typical_answers(leg_spread="no", leg_feelings=["numbness"]))
    assert "leg_feelings" not in clean


def test_period_links_are_asked_only_of_people_who_have_periods() -> None:
    assert set(errors_for(typical_answers(periods="yes"))) == {"period_links"}
    assert clean_for(typical_answers(periods="yes", period_links=["irregular"]))["period_links"] == ["irregular"]
    for periods in ("no", "prefer_not"):
        assert "period_links" not in clean_for(typical_answers(periods=periods, period_links=["irregular"]))


def test_a_hidden_question_is_dropped_even_when_its_answer_is_invalid() -> None:
    assert "leg_feelings" not in clean_for(typical_answers(leg_spread="no", leg_feelings=["not_a_code"]))


def test_a_step_reads_conditions_from_earlier_answers() -> None:
    symptoms = CURRENT.section("symptoms")
    assert symptoms is not None
    # The condition and the conditional question are on the same step here; the draft supplies the rest.
    _, errors = CURRENT.validate({"other_symptoms": ["none"], "periods": "yes"}, only=symptoms)
    assert set(errors) == {"period_links"}


# Resuming


def test_first_incomplete_is_where_a_returning_person_resumes() -> None:
    assert CURRENT.first_incomplete({}) is CURRENT.sections[0]
    answers = typical_answers()
    assert CURRENT.first_incomplete(answers) is None
    del answers["sitting_hours"]
    assert CURRENT.first_incomplete(answers) is CURRENT.section("lifestyle")
    answers = typical_answers(leg_spread="below_knee")
    assert CURRENT.first_incomplete(answers) is CURRENT.section("pain")


# Declarations


def _question(link_id: str, *codes: str, enable_when: tuple[EnableWhen, ...] = ()) -> Question:
    return Question(link_id, "single", link_id, options=tuple(Option(c, c) for c in codes), enable_when=enable_when)


def _questionnaire(*questions: Question) -> Questionnaire:
    return Questionnaire("test", "urn:test", "Test", (Section("only", "Only", "", questions),))


def test_a_valid_declaration_is_accepted() -> None:
    q = _questionnaire(_question("a", "x", "y"), _question("b", "z", enable_when=(EnableWhen("a", "x"),)))
    assert [question.link_id for question in q.questions] == ["a", "b"]


def test_duplicate_link_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate linkId 'a'"):
        _questionnaire(_question("a", "x"), _question("a", "y"))


@pytest.mark.parametrize(
    "condition",
    [
        pytest.param(EnableWhen("missing", "x"), id="unknown-question"),
        pytest.param(EnableWhen("a", "nope"), id="unknown-option"),
        pytest.param(EnableWhen("b", "z"), id="itself"),
        pytest.param(EnableWhen("c", "w"), id="later-question"),
    ],
)
def test_enable_when_must_name_an_earlier_option(condition: EnableWhen) -> None:
    with pytest.raises(ValueError, match="enableWhen must name an earlier option"):
        _questionnaire(_question("a", "x"), _question("b", "z", enable_when=(condition,)), _question("c", "w"))


def test_every_link_id_and_section_key_is_unique() -> None:
    link_ids = [q.link_id for q in QUESTIONS]
    assert len(link_ids) == len(set(link_ids))
    keys = [s.key for s in CURRENT.sections]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("question", CHOICE_QUESTIONS, ids=[q.link_id for q in CHOICE_QUESTIONS])
def test_every_option_code_is_unique_within_its_question(question: Question) -> None:
    assert question.options
    assert len(question.codes) == len(set(question.codes))


@pytest.mark.parametrize("question", CHOICE_QUESTIONS, ids=[q.link_id for q in CHOICE_QUESTIONS])
def test_every_option_scores_known_signals_with_positive_points(question: Question) -> None:
    for option in question.options:
        assert set(option.points) <= set(SIGNALS), option.code
        assert all(isinstance(p, int) and p > 0 for p in option.points.values()), option.code
        assert option.subtype in (None, "yang", "yin"), option.code


@pytest.mark.parametrize("question", CHOICE_QUESTIONS, ids=[q.link_id for q in CHOICE_QUESTIONS])
def test_none_of_these_is_plain(question: Question) -> None:
    exclusive = [o for o in question.options if o.exclusive]
    assert len(exclusive) <= 1
    if exclusive:
        assert question.kind == "multi"
        [none] = exclusive
        # Choosing "none" must not add a score, a flag or a caution.
        assert (none.points, none.subtype, none.red_flag, none.caution) == ({}, None, None, None)


def test_every_red_flag_has_a_valid_level() -> None:
    flags = [o.red_flag for q in QUESTIONS for o in q.options if o.red_flag]
    flags += [q.flag_at_least[1] for q in QUESTIONS if q.flag_at_least]
    assert flags
    assert {f.level for f in flags} <= {"emergency", "urgent", "refer"}
    # One code, one level: the same condition is never declared twice with different urgency.
    levels: dict[str, str] = {}
    for flag in flags:
        assert levels.setdefault(flag.code, flag.level) == flag.level


def test_red_flags_are_asked_before_anything_else() -> None:
    # The reference's §4.5: the red-flag gate runs before any pattern scoring.
    first, *rest = CURRENT.sections
    assert any(o.red_flag for q in first.questions for o in q.options)
    assert not any(o.red_flag or q.flag_at_least for s in rest for q in s.questions for o in q.options)


def test_cautions_are_never_scored() -> None:
    for question in QUESTIONS:
        for option in question.options:
            if option.caution:
                assert (option.points, option.red_flag) == ({}, None)


def test_integer_questions_have_a_sensible_range() -> None:
    for question in (q for q in QUESTIONS if q.kind == "integer"):
        assert question.minimum < question.maximum


def test_chosen_options_follow_the_declaration() -> None:
    pain_feel = CURRENT.by_id["pain_feel"]
    assert [o.code for o in chosen_options(pain_feel, ["stabbing", "dull_ache"])] == ["dull_ache", "stabbing"]
    assert chosen_options(pain_feel, None) == []
    assert chosen_options(CURRENT.by_id["pain_worst"], 7) == []


def test_every_version_is_reachable_and_current_is_one_of_them() -> None:
    assert current() is CURRENT
    assert VERSIONS[CURRENT.version] is CURRENT
    assert by_version(CURRENT.version) is CURRENT
    assert by_version("no-such-version") is None
