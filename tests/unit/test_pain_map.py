"""The pain map and the questionnaire agree: one region per pain_area answer, each big enough to tap."""

from __future__ import annotations

import re

import pytest

from app.patient import pain_map
from app.questionnaires import VERSIONS

MAPPED = [q for v in VERSIONS.values() for q in v.questions if q.widget == "pain_map"]
MIN_TARGET = 44  # units of the map, about CSS pixels on a phone


def bounds(path: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def test_the_pain_area_question_asks_for_the_map() -> None:
    assert [q.link_id for q in MAPPED] == ["pain_area"] * len(VERSIONS)


@pytest.mark.parametrize("question", MAPPED, ids=lambda q: q.link_id)
def test_every_option_has_a_region_and_every_region_an_option(question) -> None:
    assert question.kind == "multi"
    assert list(pain_map.REGIONS) == list(question.codes)


@pytest.mark.parametrize("code", list(pain_map.REGIONS))
def test_each_region_is_drawn_inside_its_view_and_is_big_enough_to_tap(code: str) -> None:
    shapes = pain_map.REGIONS[code]
    assert shapes
    for shape in shapes:
        assert shape.view in {v.key for v in pain_map.VIEWS}
        left, top, right, bottom = bounds(shape.path)
        assert 0 <= left < right <= pain_map.VIEW_WIDTH
        assert 0 <= top < bottom <= pain_map.HEIGHT
        assert right - left >= MIN_TARGET and bottom - top >= MIN_TARGET


def test_no_two_regions_share_a_shape() -> None:
    drawn = [(shape.view, shape.path) for shapes in pain_map.REGIONS.values() for shape in shapes]
    assert len(drawn) == len(set(drawn))


def test_left_and_right_are_the_persons_own_sides_in_both_views() -> None:
    """From behind the person's left is on the viewer's left; from the front it is on the viewer's right."""
    middle = pain_map.VIEW_WIDTH / 2
    for code, shapes in pain_map.REGIONS.items():
        side = "left" if code.endswith("_left") else "right" if code.endswith("_right") else None
        for shape in shapes:
            _, _, right, _ = bounds(shape.path)
            on_viewers_left = right <= middle + 1
            if side is not None:
                assert on_viewers_left == ((side == "left") == (shape.view == "back")), (code, shape.view)
    back, front = pain_map.VIEWS
    assert (back.key, front.key) == ("back", "front")
    assert back.sides == ("Left", "Right") and front.sides == ("Right", "Left")
    assert front.offset >= pain_map.VIEW_WIDTH and front.offset + pain_map.VIEW_WIDTH <= pain_map.WIDTH
