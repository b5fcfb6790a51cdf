"""How a red flag is declared: the flag, and a rule that raises one only from answers together. Pure.

The questionnaire versions declare them beside their questions (``app/questionnaires/``); the rule engine raises
them (``app.red_flags``). Levels and what each asks of a person are in ``docs/safety.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["emergency", "urgent", "refer"]


@dataclass(frozen=True)
class RedFlag:
    code: str
    level: Level
    label: str
    # The condition the flag is a sign of; of several flags for one condition only the most serious is reported.
    condition: str = ""

    @property
    def group(self) -> str:
        return self.condition or self.code


@dataclass(frozen=True)
class Answered:
    """A condition on one answer: the question's answer includes any of ``answers``."""

    question: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class FlagRule:
    """A red flag raised only by answers together: every ``all_of`` holds and at least ``at_least`` of ``any_of``.

    Findings that count only in company (age with new pain, a history item with a current one) and findings that
    count only while recent (a follow-up's time window) are declared here, beside the questions, and evaluated by
    the rule engine; ``reason`` says in lay words why they count together.
    """

    code: str
    flag: RedFlag
    reason: str
    all_of: tuple[Answered, ...]
    any_of: tuple[Answered, ...] = ()
    at_least: int = 1
