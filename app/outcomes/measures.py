"""Outcome measures, pure (standard library and the questionnaire data only; time is always passed in).

- **Schedule**: a course's check-ins fall due ``weeks`` after it starts (default weeks 2, 4, 8 and 12). Each one is
  open from its due date for ``WINDOW`` (14 days) or until the next one falls due, whichever is sooner; one not
  answered by then is *missed*.
- **PEG** (Krebs 2009 [S133]): the mean of its three 0-10 items. All three are needed: a missing or invalid item
  gives no score rather than a guess.
- **Change from baseline**: the PEG at a check-in minus the PEG of the first screen, in points (-10 to 10, negative
  is better; swapping the two negates it exactly), and as a percentage of the baseline (never below -100%; none
  when the baseline is 0, which leaves no room to improve).
- **Meaningful change**: a reduction of at least ``MEANINGFUL_REDUCTION`` (30%) of the baseline, IMMPACT's
  "moderately important" improvement in pain (Dworkin et al. 2008, J Pain 9:105-121). The domain reference (§7)
  gives the PEG but no threshold; docs/outcomes.md says why this one.
- **Groups**: a summary of a group's changes, or nothing when the group is smaller than the minimum size, so no
  patient can be singled out.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, TypeVar

from app.questionnaires import check_in

DEFAULT_WEEKS: tuple[int, ...] = (2, 4, 8, 12)
MAX_WEEK = 52
MAX_CHECK_INS = 12
WINDOW = timedelta(days=14)
PEG_ITEMS: tuple[str, ...] = tuple(q.link_id for q in check_in.PEG)
PEG_ITEM_MAX = 10
MEANINGFUL_REDUCTION = 30  # percent of the baseline PEG
DEFAULT_MIN_GROUP = 5

SlotState = Literal["upcoming", "open", "done", "missed"]
Band = Literal["meaningful", "better", "same", "worse"]
BANDS: tuple[Band, ...] = ("meaningful", "better", "same", "worse")
K = TypeVar("K")


class ScheduleError(ValueError):
    """The weeks typed are not a schedule; the message says why, in words a practitioner reads."""


_SEPARATORS = re.compile(r"[\s,;]+")


def parse_weeks(text: str) -> tuple[int, ...]:
    """Weeks typed as ``2, 4, 8, 12`` (commas, spaces or semicolons): whole weeks 1-52, each once, in order."""
    tokens = [t for t in _SEPARATORS.split(text.strip()) if t]
    if not tokens:
        raise ScheduleError("Give at least one week, e.g. 2, 4, 8, 12.")
    weeks: set[int] = set()
    for token in tokens:
        if not (token.isascii() and token.isdigit()) or not 1 <= int(token) <= MAX_WEEK:
            raise ScheduleError(f"Each week must be a whole number from 1 to {MAX_WEEK}.")
        weeks.add(int(token))
    if len(weeks) > MAX_CHECK_INS:
        raise ScheduleError(f"A course has at most {MAX_CHECK_INS} check-ins.")
    return tuple(sorted(weeks))


def format_weeks(weeks: Iterable[int]) -> str:
    return ", ".join(str(w) for w in weeks)


@dataclass(frozen=True)
class Slot:
    """One scheduled check-in: when it falls due, when it closes, and where it stands at the time asked."""

    week: int
    due: datetime
    closes: datetime
    state: SlotState


def slots(start: datetime, weeks: Sequence[int], answered: Collection[int], now: datetime) -> list[Slot]:
    """The schedule at ``now``: each week's due date, its window, and whether it is upcoming, open, done or missed."""
    ordered = sorted(set(weeks))
    dues = [start + timedelta(weeks=w) for w in ordered]
    found = []
    for i, (week, due) in enumerate(zip(ordered, dues, strict=True)):
        closes = min(due + WINDOW, dues[i + 1]) if i + 1 < len(dues) else due + WINDOW
        state: SlotState
        if week in answered:
            state = "done"
        elif now < due:
            state = "upcoming"
        elif now < closes:
            state = "open"
        else:
            state = "missed"
        found.append(Slot(week, due, closes, state))
    return found


def open_slot(schedule: Sequence[Slot]) -> Slot | None:
    """The check-in the person can answer now (at most one is open at a time)."""
    return next((s for s in schedule if s.state == "open"), None)


def next_slot(schedule: Sequence[Slot]) -> Slot | None:
    """The next check-in still to fall due."""
    return next((s for s in schedule if s.state == "upcoming"), None)


def answerable(schedule: Sequence[Slot], week: int) -> bool:
    """Whether a check-in for ``week`` can be stored now: scheduled, already due, and not answered yet.

    A check-in whose window closed while the person was typing is still taken: their answers are not thrown away.
    """
    return any(s.week == week and s.state in ("open", "missed") for s in schedule)


def peg_total(answers: Mapping[str, object]) -> int | None:
    """The sum of the three PEG items (0-30), or None unless all three are whole numbers from 0 to 10."""
    total = 0
    for item in PEG_ITEMS:
        value = answers.get(item)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= PEG_ITEM_MAX:
            return None
        total += value
    return total


def peg(answers: Mapping[str, object]) -> float | None:
    """The PEG score (0-10): the mean of its three items."""
    total = peg_total(answers)
    return None if total is None else total / len(PEG_ITEMS)


@dataclass(frozen=True)
class Change:
    """A PEG score at a check-in against the baseline's."""

    baseline: float
    current: float
    points: float  # current - baseline: -10..10, negative is better
    percent: float | None  # of the baseline; None when the baseline is 0
    meaningful: bool  # reduced by at least MEANINGFUL_REDUCTION percent of the baseline
    band: Band


def change(baseline_total: int | None, current_total: int | None) -> Change | None:
    """The change between two PEG totals (``peg_total``); None when either is missing.

    Compared as whole-number totals, so the threshold is exact (a 10 that becomes a 7 is 30% less, not 29.99…).
    """
    if baseline_total is None or current_total is None:
        return None
    n = len(PEG_ITEMS)
    difference = current_total - baseline_total
    meaningful = baseline_total > 0 and 100 * -difference >= MEANINGFUL_REDUCTION * baseline_total
    band: Band
    if meaningful:
        band = "meaningful"
    elif difference < 0:
        band = "better"
    elif difference == 0:
        band = "same"
    else:
        band = "worse"
    return Change(
        baseline=baseline_total / n,
        current=current_total / n,
        points=difference / n,
        percent=100 * difference / baseline_total if baseline_total else None,
        meaningful=meaningful,
        band=band,
    )


@dataclass(frozen=True)
class Group:
    """What may be shown of a group's changes: its size, mean and median change, and how many fell in each band."""

    count: int
    mean: float
    median: float
    bands: dict[Band, int]

    @property
    def meaningful_share(self) -> float:
        return 100 * self.bands["meaningful"] / self.count


def summarise(changes: Sequence[Change], minimum: int) -> Group | None:
    """A group's summary, or None when it has fewer than ``minimum`` members (nothing about it is shown)."""
    if not changes or len(changes) < max(minimum, 1):
        return None
    points = [c.points for c in changes]
    bands: dict[Band, int] = dict.fromkeys(BANDS, 0)
    for c in changes:
        bands[c.band] += 1
    return Group(len(changes), statistics.fmean(points), statistics.median(points), bands)


def grouped(items: Iterable[tuple[K, Change]], minimum: int) -> dict[K, Group | None]:
    """``summarise`` for each key of ``items``, in the order the keys first appear."""
    groups: dict[K, list[Change]] = {}
    for key, item in items:
        groups.setdefault(key, []).append(item)
    return {key: summarise(members, minimum) for key, members in groups.items()}
