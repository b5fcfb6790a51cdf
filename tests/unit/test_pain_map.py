"""The pain map and the questionnaire agree: one region per pain_area answer, each big enough to tap, named in both
languages. ``tests/browser/test_pain_map.py`` checks in a phone's browser that each square really is tappable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.patient import pain_map
from app.questionnaires import CURRENT, VERSIONS

ROOT = Path(__file__).resolve().parents[2]
MAPPED = {v.version: q for v in VERSIONS.values() for q in v.questions if q.widget == "pain_map"}
SHAPES = [(code, shape) for code, shapes in pain_map.REGIONS.items() for shape in shapes]


def bounds(path: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def test_every_version_asks_for_the_map_once() -> None:
    assert sorted(MAPPED) == sorted(VERSIONS)
    assert all(q.link_id == "pain_area" and q.kind == "multi" for q in MAPPED.values())


@pytest.mark.parametrize("version", sorted(MAPPED))
def test_every_option_has_a_region(version: str) -> None:
    assert set(MAPPED[version].codes) <= set(pain_map.REGIONS)


def test_every_region_is_an_option_and_the_current_map_uses_every_shape() -> None:
    asked = {code for q in MAPPED.values() for code in q.codes}
    assert set(pain_map.REGIONS) == asked
    current = {id(shape) for code in CURRENT.by_id["pain_area"].codes for shape in pain_map.REGIONS[code]}
    assert current == {id(shape) for _, shape in SHAPES}


def test_the_current_map_has_the_regions_clinicians_use() -> None:
    codes = set(CURRENT.by_id["pain_area"].codes)
    sided = ("lower_back", "hip", "buttock", "back_of_thigh", "front_of_thigh", "knee", "calf_shin", "foot", "flank")
    assert {f"{part}_{side}" for part in sided for side in ("left", "right")} <= codes
    assert {"lower_back_middle", "sacrum", "tailbone", "groin", "middle_back"} <= codes


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
def test_every_region_has_a_label_in_both_languages(language: str) -> None:
    with (ROOT / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = read_po(po)
    for question in MAPPED.values():
        for option in question.options:
            assert option.text.strip()
            if language == "zh_Hans":
                message = catalogue.get(option.text)
                assert message is not None and message.string and not message.fuzzy, option.code
    for view in pain_map.VIEWS:
        for text in (view.label, *view.sides):
            message = catalogue.get(text)
            assert message is not None and message.string, text


@pytest.mark.parametrize(("code", "shape"), SHAPES, ids=[f"{code}-{shape.view}" for code, shape in SHAPES])
def test_each_shape_holds_a_square_a_finger_can_tap_inside_its_view(code: str, shape: pain_map.Shape) -> None:
    assert shape.view in {v.key for v in pain_map.VIEWS}
    left, top, right, bottom = bounds(shape.path)
    x, y = shape.target
    assert left <= x and x + pain_map.MIN_TARGET <= right
    assert top <= y and y + pain_map.MIN_TARGET <= bottom
    assert x >= 0 and x + pain_map.MIN_TARGET <= pain_map.VIEW_WIDTH
    assert y >= 0 and y + pain_map.MIN_TARGET <= pain_map.HEIGHT
    # 44 CSS pixels on a 390-pixel phone, where the map spans the screen (static/app.css).
    assert pain_map.MIN_TARGET * 390 / pain_map.WIDTH >= 44


def test_no_two_regions_share_a_square() -> None:
    squares = {(shape.view, shape.target) for code, shape in SHAPES if code in CURRENT.by_id["pain_area"].codes}
    size = pain_map.MIN_TARGET
    for view, (x, y) in squares:
        for other_view, (ox, oy) in squares - {(view, (x, y))}:
            overlap = view == other_view and abs(x - ox) < size and abs(y - oy) < size
            assert not overlap, (view, (x, y), (ox, oy))


def test_left_and_right_are_the_persons_own_sides_in_both_views() -> None:
    """From behind the person's left is on the viewer's left; from the front it is on the viewer's right."""
    for code, shape in SHAPES:
        side = "left" if code.endswith("_left") else "right" if code.endswith("_right") else None
        if side is None:
            continue
        left, _, right, _ = bounds(shape.path)
        on_viewers_left = right <= pain_map.MIDDLE
        assert on_viewers_left or left >= pain_map.MIDDLE, code
        assert on_viewers_left == ((side == "left") == (shape.view == "back")), (code, shape.view)
    back, front = pain_map.VIEWS
    assert (back.key, front.key) == ("back", "front")
    assert back.sides == ("Your left", "Your right") and front.sides == ("Your right", "Your left")
    assert front.offset >= pain_map.VIEW_WIDTH and front.offset + pain_map.VIEW_WIDTH <= pain_map.WIDTH


def test_the_outline_is_closed_curves_in_both_views() -> None:
    for view in pain_map.VIEWS:
        body = pain_map.BODY[view.key]
        assert body.startswith("M") and body.endswith("Z") and body.count("C") > 40
        left, top, right, bottom = bounds(body)
        assert left >= 0 and right <= pain_map.VIEW_WIDTH and top >= 0 and bottom <= pain_map.HEIGHT
