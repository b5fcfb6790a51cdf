"""How a synthetic person answers the questionnaire (``flask seed``, the load tests). Pure but for the rule engine.

Each synthetic person has a leaning (one of the four patterns, two of them, or none) and answers the questionnaire
as such a person might: answers that point to their pattern are more likely, the rest stay possible, and about one
in twenty has a red flag.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from app import rules
from app.questionnaire import PATTERNS, AnswerValue, Question, Questionnaire

URGENT_SHARE = 0.05
_CALM_TRIES = 20


@dataclass(frozen=True)
class _Choices:
    """One question's options, sorted once: plain codes, the patterns each points to, flags, "none of these"."""

    question: Question
    plain: tuple[str, ...]
    fits: tuple[frozenset[str], ...]  # per plain option: the patterns it gives points to
    flags: tuple[str, ...]  # emergency or urgent red flags
    exclusive: str | None


@cache
def _choices(questionnaire: Questionnaire) -> tuple[_Choices, ...]:
    found = []
    for question in questionnaire.questions:
        plain = [o for o in question.options if o.red_flag is None and not o.exclusive]
        found.append(
            _Choices(
                question,
                tuple(o.code for o in plain),
                tuple(frozenset(p for p, n in o.points.items() if n > 0) for o in plain),
                tuple(o.code for o in question.options if o.red_flag is not None and o.red_flag.level != "refer"),
                next((o.code for o in question.options if o.exclusive), None),
            )
        )
    return tuple(found)


def answers_for(rng: random.Random, questionnaire: Questionnaire) -> dict[str, AnswerValue]:
    """A complete, valid answer set of a synthetic person (see the module docstring)."""
    leaning = _leaning(rng)
    plan = _choices(questionnaire)
    flagged = rng.choice([c for c in plan if c.flags]) if rng.random() < URGENT_SHARE else None
    for _ in range(_CALM_TRIES):
        answers: dict[str, AnswerValue] = {}
        for choices in plan:
            question = choices.question
            if question.enable_when and not questionnaire.is_enabled(question, answers):
                continue
            value = _answer(rng, choices, leaning, flag=choices is flagged)
            if value is not None:
                answers[question.link_id] = value
        # Combination rules (a recent injury, new nerve symptoms) can make a person urgent who was not meant to be;
        # they are drawn again, so about URGENT_SHARE of people are urgent, as in a real clinic.
        if flagged is not None or not rules.assess(answers, questionnaire).urgent:
            break
    return answers


def _leaning(rng: random.Random) -> frozenset[str]:
    roll = rng.random()
    if roll < 0.12:
        return frozenset()  # no pattern in particular
    if roll < 0.3:
        return frozenset(rng.sample(PATTERNS, 2))
    return frozenset(rng.choices(PATTERNS, weights=(35, 30, 20, 15)))


def _answer(rng: random.Random, choices: _Choices, leaning: frozenset[str], flag: bool) -> AnswerValue | None:
    question = choices.question
    if question.kind == "integer":
        return min(question.maximum, max(question.minimum, round(rng.gauss(5.5, 2))))
    if question.kind == "text":
        medicines = ("Paracetamol", "Ibuprofen when needed", "Blood pressure tablets")
        return rng.choice(medicines) if rng.random() < 0.15 else None
    if question.kind == "single":
        weights = [4 if fit & leaning else 1 for fit in choices.fits]
        return rng.choices(choices.plain, weights=weights)[0]
    if flag and choices.flags:
        return [rng.choice(choices.flags)]
    chosen = [
        code
        for code, fit in zip(choices.plain, choices.fits, strict=True)
        if rng.random() < (0.45 if fit & leaning else 0.05)
    ]
    if question.flag_at_least:
        # A combination that raises a flag (inflammatory back pain) now and then, as in a real clinic.
        most = len(chosen) if rng.random() < 0.02 else question.flag_at_least[0] - 1
        chosen = chosen[:most]
    if not chosen:
        return [choices.exclusive] if choices.exclusive else [rng.choice(choices.plain)]
    return chosen  # declaration order, as validate() returns it
