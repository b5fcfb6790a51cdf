"""The check-in questionnaire (``app/questionnaires/check_in.py``) is the first one's questions and rules, reused."""

from __future__ import annotations

import pytest

from app import rules
from app.questionnaires import v2
from app.questionnaires.check_in import GLOBAL_CHANGE, QUESTIONNAIRE, SAFETY
from tests.answers import typical_answers, with_answer
from tests.outcomes import check_in_answers

SAFETY_CHOICES = [
    pytest.param(q.link_id, o.code, id=f"{q.link_id}.{o.code}")
    for q in SAFETY.questions
    if q.kind in ("single", "multi")
    for o in q.options
]


def test_every_question_but_the_global_change_is_the_first_questionnaires_own():
    for question in QUESTIONNAIRE.questions:
        if question is not GLOBAL_CHANGE:
            assert question is v2.QUESTIONNAIRE.by_id[question.link_id], question.link_id
    assert [o.code for o in GLOBAL_CHANGE.options] == [
        "very_much_better",
        "much_better",
        "a_little_better",
        "no_change",
        "a_little_worse",
        "much_worse",
        "very_much_worse",
    ]


def test_it_asks_every_red_flag_question_with_every_rule():
    assert QUESTIONNAIRE.flag_rules == v2.FLAG_RULES
    assert QUESTIONNAIRE.red_flags == v2.QUESTIONNAIRE.red_flags
    asked = {answered.question for rule in v2.FLAG_RULES for answered in (*rule.all_of, *rule.any_of)}
    assert asked <= set(QUESTIONNAIRE.by_id)


def test_a_complete_check_in_validates_and_raises_nothing():
    clean, errors = QUESTIONNAIRE.validate(check_in_answers())
    assert errors == {}
    assessment = rules.assess(clean, QUESTIONNAIRE)
    assert (assessment.urgent, assessment.red_flags, assessment.primary) == (False, (), None)


@pytest.mark.parametrize(("link_id", "code"), SAFETY_CHOICES)
def test_each_safety_answer_raises_at_a_check_in_what_it_raises_at_the_first_screen(link_id, code):
    first = with_answer(typical_answers(), link_id, code)
    safety = {q.link_id for q in SAFETY.questions}
    check_in = {k: v for k, v in check_in_answers().items() if k not in safety}
    check_in.update({k: v for k, v in first.items() if k in safety})
    first_clean, first_errors = v2.QUESTIONNAIRE.validate(first)
    later_clean, later_errors = QUESTIONNAIRE.validate(check_in)
    assert first_errors == later_errors == {}
    first_result = rules.assess(first_clean, v2.QUESTIONNAIRE)
    later_result = rules.assess(later_clean, QUESTIONNAIRE)
    assert later_result.red_flags == first_result.red_flags
    assert later_result.urgent == first_result.urgent
