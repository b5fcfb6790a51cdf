"""How points that answers give only together are declared: a point rule, counted once. Pure.

A multi-select can show some findings only as a combination or a group of its answers: pain on both sides of the
lower back, or pain that reaches any part of the legs on the pain map. Declared on each option instead, such a
finding would count once per region ticked and raise what a pattern can reach by every region. The questionnaire
versions declare point rules beside their questions (``app/questionnaires/``); the engine counts them
(``app.answer_plan``, ``app.rules``); ``docs/rules.md`` says which and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.flag_rules import Answered

if TYPE_CHECKING:
    from app.questionnaire import Question


@dataclass(frozen=True)
class PointRule:
    """Points that answers give together, counted once: every ``all_of`` condition holds.

    ``text`` says the finding in lay words; the engine lists it as an answer to the first condition's question,
    under the rule's ``code``.
    """

    code: str
    text: str
    points: Mapping[str, int]
    all_of: tuple[Answered, ...]
    # False for a finding another pattern shares in part: it adds to the score but is not one of the pattern's own
    # signs (``rules.own_signs``).
    own_sign: bool = True

    @property
    def question(self) -> str:
        return self.all_of[0].question


def check(rules: tuple[PointRule, ...], by_id: Mapping[str, Question]) -> None:
    """Each rule names options of questions everyone is asked, and has a code of its own that is no option's."""
    for rule in rules:
        if not rule.all_of or not rule.points:
            raise ValueError(f"point rule {rule.code}: it needs conditions and points")
        for answered in rule.all_of:
            asked = by_id.get(answered.question)
            if asked is None or not answered.answers or any(asked.option(a) is None for a in answered.answers):
                raise ValueError(f"point rule {rule.code}: {answered.question} must name its options")
            # Unconditional, so what a pattern can reach never depends on which questions apply.
            if asked.enable_when:
                raise ValueError(f"point rule {rule.code}: {answered.question} is not asked of everyone")
        if by_id[rule.question].option(rule.code) is not None:
            raise ValueError(f"point rule {rule.code}: the code is already an answer to {rule.question}")
    if len({(r.question, r.code) for r in rules}) != len(rules):
        raise ValueError("point rules need codes of their own")
