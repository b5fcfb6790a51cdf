"""Hypothesis strategies for answer sets, derived from the questionnaire declarations (no question restated here)."""

from __future__ import annotations

import unicodedata
from functools import cache

from hypothesis import assume
from hypothesis import strategies as st

from app.questionnaire import AnswerValue, Option, Question, Questionnaire
from app.questionnaires import current
from app.rules import assess

# Text answers as a person could type them and the app keeps them (app/input_values.py): no lone surrogates, no
# control characters but newline and tab, in Unicode NFC.
_TYPED_TEXT = st.one_of(st.characters(exclude_categories=("Cs", "Cc")), st.sampled_from("\n\t"))


def _is_flag(option: Option) -> bool:
    return option.red_flag is not None


@cache
def _in_flag_rules(questionnaire: Questionnaire) -> frozenset[tuple[str, str]]:
    """Every answer a declared combination rule looks at."""
    return frozenset(
        (answered.question, code)
        for rule in questionnaire.flag_rules
        for answered in (*rule.all_of, *rule.any_of)
        for code in answered.answers
    )


def _allowed(question: Question, red_flags: bool, questionnaire: Questionnaire) -> list[Option]:
    """The options to draw from: all of them, or without red flags those no flag or combination rule looks at."""
    if red_flags:
        return list(question.options)
    calm = [o for o in question.options if not _is_flag(o)]
    quiet = [o for o in calm if (question.link_id, o.code) not in _in_flag_rules(questionnaire)]
    return quiet or calm


@st.composite
def _multi(draw: st.DrawFn, question: Question, allowed: list[Option], red_flags: bool) -> list[str]:
    exclusive = [o for o in allowed if o.exclusive]
    others = [o for o in allowed if not o.exclusive]
    # Below the count a combined flag (e.g. inflammatory back pain) needs, when flags are not wanted.
    most = len(others)
    if not red_flags and question.flag_at_least:
        most = min(most, question.flag_at_least[0] - 1)
    if exclusive and (most == 0 or draw(st.booleans())):
        return [exclusive[0].code]
    picked = draw(st.sets(st.sampled_from([o.code for o in others]), min_size=1, max_size=most))
    return [o.code for o in others if o.code in picked]  # declaration order, as validate() returns them


def _value(question: Question, red_flags: bool, questionnaire: Questionnaire) -> st.SearchStrategy[AnswerValue]:
    allowed = _allowed(question, red_flags, questionnaire)
    if question.kind == "single":
        return st.sampled_from([o.code for o in allowed])
    if question.kind == "multi":
        return _multi(question, allowed, red_flags)
    if question.kind == "integer":
        return st.integers(question.minimum, question.maximum)
    # Stripped, non-empty text is what validate() keeps of a text answer.
    return (
        st.text(_TYPED_TEXT, min_size=1, max_size=question.max_length)
        .map(lambda text: unicodedata.normalize("NFC", text).strip())
        .filter(lambda text: 0 < len(text) <= question.max_length)
    )


@st.composite
def answer_sets(
    draw: st.DrawFn, questionnaire: Questionnaire | None = None, *, red_flags: bool = True
) -> dict[str, AnswerValue]:
    """A complete, valid answer set: every enabled required question answered, optional ones sometimes.

    Questions hidden by their conditions are left out, as ``validate`` would drop them. Multi-select answers
    come in declaration order, so ``validate`` returns the set unchanged. With ``red_flags=False`` no red-flag
    option is chosen, answers that combination rules look at are avoided where a question has others, and sets
    that still raise a flag are rejected.
    """
    questionnaire = questionnaire or current()
    answers: dict[str, AnswerValue] = {}
    for question in questionnaire.questions:
        if not questionnaire.is_enabled(question, answers):
            continue
        if question.required or draw(st.booleans()):
            answers[question.link_id] = draw(_value(question, red_flags, questionnaire))
    if not red_flags:
        assume(not assess(answers, questionnaire).red_flags)
    return answers
