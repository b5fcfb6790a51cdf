"""Chart layout (pure): shapes stay inside the picture, heights are proportional, colour comes from classes only."""

from __future__ import annotations

import pytest

from app.review import charts


def inside(chart: charts.Chart) -> None:
    for shape in chart.shapes:
        a = shape.attrs
        if shape.tag == "rect":
            assert a["x"] >= 0 and a["x"] + a["width"] <= chart.width + 0.5
            assert a["y"] >= 0 and a["y"] + a["height"] <= chart.height + 0.5
            assert a["height"] >= 0
        assert "style" not in a
        assert all(isinstance(v, int | float | str) for v in a.values())


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (3, 3), (7, 8), (10, 10), (11, 15), (240, 250), (0.45, 0.5), (25410, 30000)]
)
def test_axis_tops_are_round(value, top):
    assert charts._nice_top(value) == top


def test_stacked_columns_are_proportional_and_labelled():
    chart = charts.stacked_columns("w", "Weekly", ["a", "b", "c"], [("one", [1, 0, 4]), ("two", [1, 2, 0])])
    inside(chart)
    bars = [s for s in chart.shapes if s.tag == "rect"]
    assert [s.cls for s in bars] == ["series-0", "series-1", "series-1", "series-0"]
    heights = [s.attrs["height"] for s in bars]
    assert heights[0] == heights[1]  # 1 and 1 in the first column
    assert heights[3] == pytest.approx(2 * heights[2], abs=0.2)  # 4 against 2
    assert [s.title for s in bars] == ["a: one 1", "a: two 1", "b: two 2", "c: one 4"]
    assert [s.text for s in chart.shapes if s.tag == "text" and s.text in "abc"] == ["a", "b", "c"]
    assert chart.legend == [("series-0", "one"), ("series-1", "two")]


def test_share_columns_and_empty_data():
    chart = charts.share_columns("u", "Urgent", ["w1", "w2"], [0.0, 12.5])
    inside(chart)
    assert any(s.text == "15%" for s in chart.shapes)
    assert {s.cls for s in chart.shapes if s.tag == "rect"} == {"series-share"}
    assert {s.cls for s in charts.share_columns("a", "A", ["x"], [5.0], cls="series-0").shapes if s.tag == "rect"} == {
        "series-0"
    }
    inside(charts.share_columns("e", "Empty", [], []))
    inside(charts.stacked_columns("e", "Empty", [], []))


def test_long_series_label_every_other_category():
    weeks = [f"w{i}" for i in range(52)]
    chart = charts.stacked_columns("y", "Year", weeks, [("n", [i % 7 for i in range(52)])])
    inside(chart)
    labels = [s.text for s in chart.shapes if s.tag == "text" and s.text.startswith("w")]
    assert labels == weeks[::2]


def test_heatmap_shades_by_count_and_marks_the_diagonal():
    chart = charts.heatmap("m", "Matrix", ["x", "y"], ["x", "y"], [[8, 0], [2, 4]])
    inside(chart)
    cells = [s for s in chart.shapes if s.tag == "rect"]
    assert [s.cls.split()[0] for s in cells] == ["heat-4", "heat-0", "heat-1", "heat-2"]
    assert [("heat-diagonal" in s.cls) for s in cells] == [True, False, False, True]
    assert [s.text for s in chart.shapes if s.cls == "chart-value"] == ["8", "0", "2", "4"]


def test_heatmap_column_labels_take_two_lines():
    chart = charts.heatmap("m", "Matrix", ["a"], ["Qi and Blood Stagnation", "none"], [[1, 2]])
    labels = [s.text for s in chart.shapes if s.tag == "text" and s.cls == "chart-axis"]
    assert labels[:4] == ["Qi and Blood", "Stagnation", "", "none"]
