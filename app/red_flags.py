"""Red flags: which ones the chosen answers raise, by an option, a count of signs or a declared combination. Pure.

Any emergency or urgent flag makes a result urgent (``app.rules``); a *refer* flag is reported above the pattern
result (``docs/safety.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.answer_plan import Choice, Plan
from app.flag_rules import Answered, RedFlag

URGENT_LEVELS = frozenset({"emergency", "urgent"})
LEVEL_ORDER = {"emergency": 0, "urgent": 1, "refer": 2}


@dataclass(frozen=True)
class Finding:
    """A red flag raised by the answers: which answers raised it and, for a declared combination, why they count."""

    code: str
    level: str
    label: str
    answers: tuple[str, ...]
    reasons: tuple[str, ...] = ()


def raised(chosen: Sequence[Choice], plan: Plan) -> tuple[Finding, ...]:
    """Every red flag the chosen answers raise: by an option, by a count of signs, or by a declared combination.

    Of several flags for one condition (past cancer on its own, and past cancer with new pain) only those at the
    most serious level are reported, so a result never says both "see a doctor today" and "mention it some time".
    """
    raised: dict[str, tuple[RedFlag, list[str], list[str]]] = {}

    def raise_(flag: RedFlag, answers: list[str], reason: str | None = None) -> None:
        _, found, reasons = raised.setdefault(flag.code, (flag, [], []))
        found.extend(a for a in answers if a not in found)
        if reason is not None and reason not in reasons:
            reasons.append(reason)

    signs: dict[str, tuple[tuple[int, RedFlag], list[str]]] = {}
    picked = {choice.answer for choice in chosen}
    for choice in chosen:
        question, option = choice.question, choice.option
        if option.red_flag:
            raise_(option.red_flag, [f"{question.link_id}.{option.code}"])
        if question.flag_at_least and not option.exclusive:
            signs.setdefault(question.link_id, (question.flag_at_least, []))[1].append(option.code)
    # A flag raised by several signs of one question together (version 1's inflammatory back pain).
    for link_id, ((count, flag), codes) in signs.items():
        if len(codes) >= count:
            raise_(flag, [f"{link_id}.{s}" for s in codes])
    candidates = sorted({i for answer in picked for i in plan.triggers.get(answer, ())})  # in declaration order
    for rule, required, optional in (plan.flag_rules[i] for i in candidates):
        # Set tests first (most rules do not fire); only a rule that fires lists its answers, in declaration order.
        if any(accepted.isdisjoint(picked) for accepted in required):
            continue
        if optional and sum(not accepted.isdisjoint(picked) for accepted in optional) < rule.at_least:
            continue
        met = [*rule.all_of]
        met += [a for a, accepted in zip(rule.any_of, optional, strict=True) if not accepted.isdisjoint(picked)]
        raise_(rule.flag, [answer for condition in met for answer in _matches(condition, picked)], rule.reason)

    worst: dict[str, int] = {}
    for flag, _, _ in raised.values():
        worst[flag.group] = min(worst.get(flag.group, 3), LEVEL_ORDER[flag.level])
    findings = [
        Finding(f.code, f.level, f.label, tuple(a), tuple(r))
        for f, a, r in raised.values()
        if LEVEL_ORDER[f.level] == worst[f.group]
    ]
    return tuple(sorted(findings, key=lambda f: (LEVEL_ORDER[f.level], f.code)))


def _matches(condition: Answered, picked: set[tuple[str, str]]) -> list[str]:
    """The chosen answers (``linkId.code``) that meet a rule's condition; empty when it does not hold."""
    return [f"{condition.question}.{code}" for code in condition.answers if (condition.question, code) in picked]
