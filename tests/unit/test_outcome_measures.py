"""The outcome measures (``app/outcomes/measures.py``): schedule, PEG, change from baseline, threshold, groups.

Pure: no application, and every time is passed in.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.outcomes import measures
from app.outcomes.measures import (
    BANDS,
    DEFAULT_WEEKS,
    MEANINGFUL_REDUCTION,
    PEG_ITEMS,
    WINDOW,
    ScheduleError,
    change,
    grouped,
    parse_weeks,
    peg,
    peg_total,
    slots,
    summarise,
)

START = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
totals = st.integers(0, 30)
maybe_totals = st.none() | totals
item = st.integers(0, 10)


def peg_answers(pain: object, enjoyment: object, activity: object) -> dict[str, object]:
    return dict(zip(PEG_ITEMS, (pain, enjoyment, activity), strict=True))


# The schedule


def test_the_default_schedule_falls_due_at_weeks_2_4_8_and_12_from_the_start():
    schedule = slots(START, DEFAULT_WEEKS, (), START)
    assert [s.week for s in schedule] == [2, 4, 8, 12]
    assert [s.due for s in schedule] == [START + timedelta(weeks=w) for w in (2, 4, 8, 12)]
    assert {s.state for s in schedule} == {"upcoming"}


def test_a_check_in_is_open_from_its_due_date_until_the_next_falls_due_or_its_window_ends():
    schedule = slots(START, (2, 4, 8), (), START)
    assert schedule[0].closes == START + timedelta(weeks=4)  # the next one falls due before 14 days are up
    assert schedule[1].closes == START + timedelta(weeks=4) + WINDOW
    assert schedule[2].closes == START + timedelta(weeks=8) + WINDOW


def test_states_over_time():
    def states(now: datetime, answered: tuple[int, ...] = ()) -> list[str]:
        return [s.state for s in slots(START, (2, 4, 8), answered, now)]

    week = timedelta(weeks=1)
    assert states(START + 2 * week - timedelta(seconds=1)) == ["upcoming"] * 3
    assert states(START + 2 * week) == ["open", "upcoming", "upcoming"]
    assert states(START + 4 * week) == ["missed", "open", "upcoming"]
    assert states(START + 4 * week, answered=(2,)) == ["done", "open", "upcoming"]
    assert states(START + 6 * week) == ["missed", "missed", "upcoming"]
    assert states(START + 20 * week, answered=(4,)) == ["missed", "done", "missed"]


def test_the_open_next_and_answerable_check_ins():
    now = START + timedelta(weeks=4, days=1)
    schedule = slots(START, DEFAULT_WEEKS, (), now)
    assert measures.open_slot(schedule).week == 4
    assert measures.next_slot(schedule).week == 8
    assert measures.answerable(schedule, 4)
    assert measures.answerable(schedule, 2)  # missed, but answers typed while it closed are still taken
    assert not measures.answerable(schedule, 8)  # not due yet
    assert not measures.answerable(schedule, 3)  # not in the schedule
    assert not measures.answerable(slots(START, DEFAULT_WEEKS, (4,), now), 4)  # answered already


@given(st.lists(st.integers(1, 52), min_size=1, max_size=12), st.integers(0, 60 * 7 * 24))
def test_at_most_one_check_in_is_open_and_windows_never_overlap(weeks, hours):
    schedule = slots(START, weeks, (), START + timedelta(hours=hours))
    assert sum(s.state == "open" for s in schedule) <= 1
    for before, after in itertools.pairwise(schedule):
        assert before.due < before.closes <= after.due


@pytest.mark.parametrize(
    ("text", "weeks"),
    [("2, 4, 8, 12", (2, 4, 8, 12)), ("12 8 4 2", (2, 4, 8, 12)), ("6;6; 1", (1, 6)), (" 52 ", (52,))],
)
def test_weeks_as_typed(text, weeks):
    assert parse_weeks(text) == weeks


@pytest.mark.parametrize("text", ["", " , ", "0", "53", "2.5", "two", "-4", "٣", "1 2 3 4 5 6 7 8 9 10 11 12 13"])
def test_weeks_that_are_not_a_schedule(text):
    with pytest.raises(ScheduleError):
        parse_weeks(text)


@given(st.lists(st.integers(1, 52), min_size=1, max_size=12))
def test_a_schedule_reads_back_as_written(weeks):
    assert parse_weeks(measures.format_weeks(weeks)) == tuple(sorted(set(weeks)))


# PEG and change from baseline


def test_peg_is_the_mean_of_its_three_items():
    assert peg(peg_answers(6, 5, 7)) == 6
    assert peg_total(peg_answers(6, 5, 7)) == 18
    assert peg(peg_answers(0, 0, 1)) == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    "answers",
    [
        {},
        peg_answers(6, 5, None),
        peg_answers(6, 5, "7"),
        peg_answers(6, 5, 11),
        peg_answers(6, -1, 2),
        peg_answers(True, 5, 5),
        {"peg_pain": 5, "peg_activity": 5},
    ],
)
def test_a_missing_or_invalid_item_gives_no_score(answers):
    assert peg_total(answers) is None
    assert peg(answers) is None


def test_change_from_baseline_in_points_and_percent():
    found = change(24, 12)  # PEG 8 → 4
    assert (found.baseline, found.current, found.points, found.percent) == (8, 4, -4, -50)
    assert found.meaningful and found.band == "meaningful"


def test_the_threshold_is_a_30_percent_reduction_exactly():
    assert MEANINGFUL_REDUCTION == 30
    assert change(30, 21).meaningful  # 10 → 7: 30% less
    assert not change(30, 22).meaningful  # 10 → 7.33: 26.7% less
    assert change(30, 22).band == "better"
    assert change(3, 2).band == "meaningful"  # 1 → 0.67: 33% less, however small the numbers


def test_no_change_and_worse():
    assert change(15, 15).band == "same"
    assert change(15, 16).band == "worse"
    assert change(0, 0).band == "same"
    found = change(0, 3)  # from no pain at all: worse, and no percentage of nothing
    assert (found.band, found.percent, found.meaningful) == ("worse", None, False)


@given(maybe_totals, maybe_totals)
def test_missing_scores_give_no_change(baseline, current):
    assert (change(baseline, current) is None) == (baseline is None or current is None)


@given(totals, totals)
def test_the_change_is_bounded(baseline, current):
    found = change(baseline, current)
    assert -10 <= found.points <= 10
    assert 0 <= found.baseline <= 10 and 0 <= found.current <= 10
    if found.percent is not None:
        assert -100 <= found.percent <= 100 * 30
    assert found.band in BANDS


@given(totals, totals)
def test_the_change_is_symmetric(baseline, current):
    forward, backward = change(baseline, current), change(current, baseline)
    assert forward.points == -backward.points
    assert (forward.band == "worse") == (backward.band in ("better", "meaningful"))
    assert (forward.band == "same") == (backward.band == "same")


@given(totals, totals)
def test_meaningful_means_at_least_30_percent_less_than_the_baseline(baseline, current):
    found = change(baseline, current)
    assert found.meaningful == (baseline > 0 and current <= baseline * (100 - MEANINGFUL_REDUCTION) / 100)
    if found.meaningful:
        assert found.points < 0


@given(st.lists(st.tuples(item, item, item), max_size=3), st.lists(st.tuples(item, item, item), max_size=3))
def test_the_change_of_peg_answers_is_the_change_of_their_scores(before, after):
    for b in before:
        for a in after:
            found = change(peg_total(peg_answers(*b)), peg_total(peg_answers(*a)))
            assert found.points == pytest.approx(peg(peg_answers(*a)) - peg(peg_answers(*b)))


# Groups too small to show


def test_a_group_below_the_minimum_shows_nothing():
    four = [change(24, 12)] * 4
    assert summarise(four, 5) is None
    assert summarise([], 1) is None
    group = summarise([*four, change(24, 27)], 5)
    assert group.count == 5
    assert group.mean == pytest.approx((-4 * 4 + 1) / 5)
    assert group.median == -4
    assert group.bands == {"meaningful": 4, "better": 0, "same": 0, "worse": 1}
    assert group.meaningful_share == 80


@given(st.lists(st.tuples(st.sampled_from("ab"), st.tuples(totals, totals)), max_size=30), st.integers(1, 8))
def test_every_group_shown_has_at_least_the_minimum_and_its_bands_add_up(items, minimum):
    changes = [(key, change(*pair)) for key, pair in items]
    for key, group in grouped(changes, minimum).items():
        members = [c for k, c in changes if k == key]
        if len(members) < minimum:
            assert group is None
        else:
            assert group.count == len(members) == sum(group.bands.values())
            assert -10 <= group.mean <= 10
