"""What the engine needs from a questionnaire's declarations, worked out once per questionnaire. Pure.

Each option's points per signal, the most each signal can reach (less what questions an answer leaves out take),
the pattern an answer is a sign of on its own, which combination rules an answer can start, and the point rules
(answers that count once together).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from app.flag_rules import Answered, FlagRule
from app.point_rules import PointRule
from app.questionnaire import PATTERNS, SIGNALS, Answers, Option, Question, Questionnaire


@dataclass(frozen=True)
class Contribution:
    question: str
    answer: str
    text: str
    points: int


def max_points(questionnaire: Questionnaire) -> dict[str, int]:
    """The most each pattern (and the damp-heat cluster) can reach from the whole questionnaire."""
    totals = dict.fromkeys(SIGNALS, 0)
    for question in questionnaire.questions:
        for signal, points in _reachable(question).items():
            totals[signal] += points
    for rule in questionnaire.point_rules:
        for signal, points in rule.points.items():
            totals[signal] += points
    return totals


@dataclass(frozen=True)
class Choice:
    """One option as the engine uses it: its place in the question and what it contributes to each signal."""

    question: Question
    option: Option
    index: int
    contributions: tuple[tuple[str, Contribution], ...]
    # The pattern this answer is a sign of on its own (see ``own_signs``), if any.
    sign_of: str | None
    # (linkId, code): what the combination rules look for.
    answer: tuple[str, str]


@dataclass(frozen=True)
class Plan:
    """What ``assess`` needs from a questionnaire's declarations, worked out once."""

    reachable: dict[str, int]
    # What each conditional question adds to ``reachable``; taken off again when it does not apply to a person.
    conditional: tuple[tuple[Question, dict[str, int]], ...]
    # Choice questions (linkId, question, options by code); other kinds select no options.
    questions: tuple[tuple[str, Question, dict[str, Choice]], ...]
    # Each combination rule with the answers each of its conditions accepts, as (linkId, code) sets, and the rules
    # (by index) that an answer can start, from their first condition: only those are looked at.
    triggers: dict[tuple[str, str], tuple[int, ...]]
    flag_rules: tuple[
        tuple[FlagRule, tuple[frozenset[tuple[str, str]], ...], tuple[frozenset[tuple[str, str]], ...]], ...
    ]
    point_rules: tuple[PointPlan, ...] = ()


@dataclass(frozen=True)
class PointPlan:
    """A point rule as the engine uses it: the answers each condition accepts, and what it contributes."""

    accepted: tuple[frozenset[tuple[str, str]], ...]
    contributions: tuple[tuple[str, Contribution], ...]
    sign_of: str | None


def _reachable(question: Question) -> dict[str, int]:
    points = {s: [o.points.get(s, 0) for o in question.options] for s in SIGNALS}
    return {s: sum(p) if question.kind == "multi" else max(p, default=0) for s, p in points.items()}


@cache  # declarations never change after import; questionnaires hash by identity
def plan_for(questionnaire: Questionnaire) -> Plan:
    questions = tuple(
        (
            question.link_id,
            question,
            {
                option.code: Choice(
                    question,
                    option,
                    index,
                    tuple(
                        (signal, Contribution(question.link_id, option.code, option.text, option.points[signal]))
                        for signal in SIGNALS
                        if option.points.get(signal)
                    ),
                    _sign_of(question, option),
                    (question.link_id, option.code),
                )
                for index, option in enumerate(question.options)
            },
        )
        for question in questionnaire.questions
        if question.kind in ("single", "multi")
    )
    conditional = tuple((q, _reachable(q)) for q in questionnaire.questions if q.enable_when)
    flag_rules = tuple(
        (rule, tuple(_accepted(a) for a in rule.all_of), tuple(_accepted(a) for a in rule.any_of))
        for rule in questionnaire.flag_rules
    )
    triggers: dict[tuple[str, str], list[int]] = {}
    for index, (_, required, _) in enumerate(flag_rules):
        for answer in required[0]:
            triggers.setdefault(answer, []).append(index)
    started = {answer: tuple(indexes) for answer, indexes in triggers.items()}
    point_rules = tuple(_point_plan(rule) for rule in questionnaire.point_rules)
    return Plan(max_points(questionnaire), conditional, questions, started, flag_rules, point_rules)


def _point_plan(rule: PointRule) -> PointPlan:
    contributions = tuple(
        (signal, Contribution(rule.question, rule.code, rule.text, rule.points[signal]))
        for signal in SIGNALS
        if rule.points.get(signal)
    )
    patterns = [p for p in PATTERNS if rule.points.get(p)]
    # Where the pain is, is something the person feels: a rule for one pattern is one of its own signs, unless the
    # questionnaire says another pattern shares the finding.
    sign_of = patterns[0] if len(patterns) == 1 and rule.own_sign else None
    return PointPlan(tuple(_accepted(a) for a in rule.all_of), contributions, sign_of)


def _accepted(condition: Answered) -> frozenset[tuple[str, str]]:
    return frozenset((condition.question, code) for code in condition.answers)


def _sign_of(question: Question, option: Option) -> str | None:
    """The one pattern an answer points to, when it describes what the person feels (not their circumstances)."""
    patterns = [p for p in PATTERNS if option.points.get(p)]
    return patterns[0] if len(patterns) == 1 and not question.background else None


def reachable_for(answers: Answers, questionnaire: Questionnaire) -> dict[str, int]:
    """The most each signal can reach from the questions these answers make applicable.

    A question that does not apply (period questions for someone without periods) is not held against anyone.
    No question that enables another carries points itself for what it enables, so this keeps scores monotone.
    """
    plan = plan_for(questionnaire)
    return reachable_without(plan, hidden_questions(answers, questionnaire, plan))


def hidden_questions(answers: Answers, questionnaire: Questionnaire, plan: Plan) -> frozenset[str]:
    """The conditional questions these answers do not enable, worked out once per assessment."""
    return frozenset(q.link_id for q, _ in plan.conditional if not questionnaire.is_enabled(q, answers))


def reachable_without(plan: Plan, hidden: frozenset[str]) -> dict[str, int]:
    reachable = dict(plan.reachable)
    for question, extra in plan.conditional:
        if question.link_id in hidden:
            for signal, points in extra.items():
                reachable[signal] -= points
    return reachable


def chosen_choices(answers: Answers, hidden: frozenset[str], plan: Plan) -> list[Choice]:
    """The options the answers select, question by question in declaration order (as ``chosen_options``)."""
    chosen: list[Choice] = []
    get = answers.get
    for link_id, _question, choices in plan.questions:
        value = get(link_id)
        if value is None or link_id in hidden:
            continue
        if isinstance(value, str):
            if value in choices:
                chosen.append(choices[value])
        elif isinstance(value, list):
            picked = [choices[c] for c in value if isinstance(c, str) and c in choices]
            # Validated answers are already in declaration order without repeats; anything else is put so.
            if len(picked) > 1:
                indexes = [c.index for c in picked]
                if indexes != sorted(set(indexes)):
                    picked = sorted({c.index: c for c in picked}.values(), key=lambda c: c.index)
            chosen.extend(picked)
    return chosen


def point_rules_held(chosen: list[Choice], plan: Plan) -> list[PointPlan]:
    """The point rules whose every condition the chosen answers meet, in declaration order."""
    if not plan.point_rules:
        return []
    picked = {choice.answer for choice in chosen}
    return [rule for rule in plan.point_rules if not any(accepted.isdisjoint(picked) for accepted in rule.accepted)]
