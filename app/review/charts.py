"""Charts as SVG shapes, laid out here and drawn by one macro (``templates/_macros/charts.html``). Pure.

No script and no style attributes (the CSP forbids inline styles): geometry goes in SVG attributes, colour in
classes (``series-N``, ``heat-N`` in ``static/staff.css``). Every chart is shown beside a table of its numbers, so
nothing depends on seeing the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 720
LEFT = 44  # room for the value axis labels
BOTTOM = 28  # room for the category labels
TOP = 12
HEAT_LEVELS = 5


Attrs = dict[str, str | int | float]


@dataclass(frozen=True)
class Shape:
    tag: str  # "rect", "line", "polyline", "circle" or "text"
    attrs: Attrs
    cls: str = ""
    text: str = ""
    title: str = ""  # a tooltip: the exact number under the pointer


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page: names the title element
    title: str
    width: int
    height: int
    shapes: list[Shape] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (class, label)


def _nice_top(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten)."""
    if value <= 0:
        return 1
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _axis(shapes: list[Shape], top_value: float, plot_height: int, unit: str) -> None:
    for fraction in (0, 0.5, 1):
        y = TOP + plot_height * (1 - fraction)
        value = top_value * fraction
        label = f"{value:,g}{unit}"
        shapes.append(Shape("line", {"x1": LEFT, "x2": WIDTH, "y1": y, "y2": y}, "chart-grid"))
        shapes.append(Shape("text", {"x": LEFT - 4, "y": y + 4, "text-anchor": "end"}, "chart-axis", label))


def _slots(count: int) -> tuple[float, float]:
    """Width of each category's slot, and of the column drawn in it."""
    slot = (WIDTH - LEFT) / max(count, 1)
    return slot, max(slot * 0.7, 1)


def _category_label(shapes: list[Shape], index: int, count: int, x: float, height: int, text: str) -> None:
    if count <= 16 or index % 2 == 0:  # every other label when they would overlap
        shapes.append(Shape("text", {"x": round(x, 1), "y": height - 8, "text-anchor": "middle"}, "chart-axis", text))


def _rect(x: float, y: float, width: float, height: float) -> Attrs:
    return {"x": round(x, 1), "y": round(y, 1), "width": round(width, 1), "height": round(height, 1)}


def stacked_columns(
    key: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    height: int = 240,
) -> Chart:
    """One column per category (e.g. a week), stacked by series (e.g. a pattern); values are counts."""
    plot_height = height - TOP - BOTTOM
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    top_value = _nice_top(max(totals, default=0))
    shapes: list[Shape] = []
    _axis(shapes, top_value, plot_height, "")
    slot, bar = _slots(len(categories))
    for i, category in enumerate(categories):
        x = LEFT + slot * i + (slot - bar) / 2
        base = 0
        for n, (label, values) in enumerate(series):
            if values[i]:
                y = TOP + plot_height * (1 - (base + values[i]) / top_value)
                rect = _rect(x, y, bar, plot_height * values[i] / top_value)
                shapes.append(Shape("rect", rect, f"series-{n}", title=f"{category}: {label} {values[i]:,}"))
            base += values[i]
        _category_label(shapes, i, len(categories), x + bar / 2, height, category)
    legend = [(f"series-{n}", label) for n, (label, _) in enumerate(series)]
    return Chart(key, title, WIDTH, height, shapes, legend)


def share_columns(
    key: str,
    title: str,
    categories: Sequence[str],
    percents: Sequence[float],
    height: int = 200,
    cls: str = "series-share",
) -> Chart:
    """One column per category showing a percentage, against an axis rounded up from the largest."""
    plot_height = height - TOP - BOTTOM
    top_value = _nice_top(max(percents, default=0))
    shapes: list[Shape] = []
    _axis(shapes, top_value, plot_height, "%")
    slot, bar = _slots(len(categories))
    for i, (category, value) in enumerate(zip(categories, percents, strict=True)):
        x = LEFT + slot * i + (slot - bar) / 2
        h = plot_height * value / top_value
        shapes.append(Shape("rect", _rect(x, TOP + plot_height - h, bar, h), cls, title=f"{category}: {value:.1f}%"))
        _category_label(shapes, i, len(categories), x + bar / 2, height, category)
    return Chart(key, title, WIDTH, height, shapes)


def heatmap(
    key: str,
    title: str,
    rows: Sequence[str],
    cols: Sequence[str],
    counts: Sequence[Sequence[int]],
    diagonal_class: str = "heat-diagonal",
) -> Chart:
    """A grid of counts (e.g. engine pattern by practitioner pattern), shaded by count, the number in each cell."""
    label_width, cell_w, cell_h, head = 170, (WIDTH - 170) / max(len(cols), 1), 30, 44
    height = head + cell_h * len(rows) + 4
    most = max((c for line in counts for c in line), default=0)
    shapes: list[Shape] = []
    for j, col in enumerate(cols):
        # Column labels on two lines, so long pattern names do not run into each other (SVG text does not wrap).
        for n, line in enumerate(_two_lines(col)):
            attrs: Attrs = {"x": round(label_width + cell_w * (j + 0.5), 1), "y": head - 22 + 13 * n}
            shapes.append(Shape("text", {**attrs, "text-anchor": "middle"}, "chart-axis", line))
    for i, row_label in enumerate(rows):
        y = head + cell_h * i
        shapes.append(Shape("text", {"x": label_width - 6, "y": y + 20, "text-anchor": "end"}, "chart-axis", row_label))
        for j, count in enumerate(counts[i]):
            level = 0 if not most or not count else 1 + (HEAT_LEVELS - 2) * count // most
            cls = f"heat-{level}" + (f" {diagonal_class}" if i == j else "")
            rect = _rect(label_width + cell_w * j, y, cell_w - 2, cell_h - 2)
            shapes.append(Shape("rect", rect, cls, title=f"{row_label} → {cols[j]}: {count:,}"))
            text_attrs: Attrs = {"x": round(label_width + cell_w * (j + 0.5), 1), "y": y + 19, "text-anchor": "middle"}
            shapes.append(Shape("text", text_attrs, "chart-value", f"{count:,}"))
    return Chart(key, title, WIDTH, int(height), shapes)


def _two_lines(label: str) -> list[str]:
    """A label split at the space nearest its middle (one line if it has no space)."""
    spaces = [i for i, char in enumerate(label) if char == " "]
    if not spaces:
        return ["", label]
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return [label[:cut], label[cut + 1 :]]


def line(
    key: str,
    title: str,
    categories: Sequence[str],
    values: Sequence[float | None],
    top_value: float,
    threshold: tuple[float, str] | None = None,
    height: int = 220,
) -> Chart:
    """One point per category joined by a line, broken where a value is missing (e.g. a score at each check-in),
    on an axis from 0 to ``top_value``; ``threshold`` draws a dashed level with its label in the legend."""
    plot_height = height - TOP - BOTTOM
    shapes: list[Shape] = []
    _axis(shapes, top_value, plot_height, "")
    slot = (WIDTH - LEFT) / max(len(categories), 1)
    if threshold is not None:
        y = round(TOP + plot_height * (1 - threshold[0] / top_value), 1)
        shapes.append(Shape("line", {"x1": LEFT, "x2": WIDTH, "y1": y, "y2": y}, "chart-threshold", title=threshold[1]))
    dots: list[Shape] = []
    run: list[str] = []
    for i, (category, value) in enumerate(zip(categories, values, strict=True)):
        x = round(LEFT + slot * (i + 0.5), 1)
        _category_label(shapes, i, len(categories), x, height, category)
        if value is None:
            if len(run) > 1:
                shapes.append(Shape("polyline", {"points": " ".join(run)}, "chart-line"))
            run = []
            continue
        y = round(TOP + plot_height * (1 - value / top_value), 1)
        run.append(f"{x},{y}")
        dots.append(Shape("circle", {"cx": x, "cy": y, "r": 5}, "series-0", title=f"{category}: {value:.1f}"))
    if len(run) > 1:
        shapes.append(Shape("polyline", {"points": " ".join(run)}, "chart-line"))
    legend = [("series-0", "Score")] + ([("legend-threshold", threshold[1])] if threshold else [])
    return Chart(key, title, WIDTH, height, shapes + dots, legend)
