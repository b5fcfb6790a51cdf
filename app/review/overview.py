"""The clinic's overview: submissions per pattern per week, the share of urgent screens, and how often practitioners
agreed with the engine (per rules version), so the clinic can see whether the rules need tuning.

Aggregated in the database (a few hundred rows come back however many submissions there are); withdrawn
submissions are left out, since nothing of their answers or result is kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select

from app import advice
from app.models import Review, Submission
from app.questionnaire import PATTERNS
from app.review.charts import Chart, heatmap, share_columns, stacked_columns
from app.web.extensions import db

NO_CLEAR = "no_clear"
URGENT = "urgent"
CATEGORIES = (*PATTERNS, NO_CLEAR, URGENT)  # what the engine said: a pattern, none clear, or see a doctor
NONE = "none"  # in the agreement matrix: no pattern (no clear pattern, or urgent)
MATRIX_LABELS = (*PATTERNS, NONE)
DEFAULT_WEEKS = 12
MAX_WEEKS = 104


@dataclass(frozen=True)
class Agreement:
    rules_version: str
    reviewed: int
    agreed: int

    @property
    def rate(self) -> float:
        return 100 * self.agreed / self.reviewed if self.reviewed else 0.0


@dataclass(frozen=True)
class Overview:
    weeks: list[date]  # the Monday each week starts on (UTC)
    per_category: dict[str, list[int]]  # category -> submissions per week
    totals: list[int]
    urgent_share: list[float]  # percent of each week's submissions
    matrix: dict[tuple[str, str], int]  # (engine, practitioner) -> reviews, all rules versions
    matrices: dict[str, dict[tuple[str, str], int]]  # per rules version
    agreement: list[Agreement]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def build(now: datetime, weeks: int = DEFAULT_WEEKS) -> Overview:
    weeks = max(1, min(weeks, MAX_WEEKS))
    first = week_start(now.date()) - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=i) for i in range(weeks)]
    per_category = {c: [0] * weeks for c in CATEGORIES}
    for day, pattern, urgent, count in _daily_counts(first):
        index = (day - first).days // 7
        if 0 <= index < weeks:
            category = URGENT if urgent else (pattern if pattern in PATTERNS else NO_CLEAR)
            per_category[category][index] += count
    totals = [sum(per_category[c][i] for c in CATEGORIES) for i in range(weeks)]
    shares = [100 * per_category[URGENT][i] / totals[i] if totals[i] else 0.0 for i in range(weeks)]
    matrices, agreement = _agreement()
    overall: Counter[tuple[str, str]] = Counter()
    for matrix in matrices.values():
        overall.update(matrix)
    return Overview(starts, per_category, totals, shares, dict(overall), matrices, agreement)


def _day(column: Any) -> ColumnElement[Any]:
    """The UTC calendar day of a timestamp, on either engine."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)  # SQLite stores UTC text


def _daily_counts(first: date) -> list[tuple[date, str | None, bool, int]]:
    day = _day(Submission.created_at)
    query = (
        select(day, Submission.primary_pattern, Submission.urgent, func.count())
        .where(
            Submission.created_at >= datetime.combine(first, time.min, tzinfo=UTC),
            Submission.status != "withdrawn",
        )
        .group_by(day, Submission.primary_pattern, Submission.urgent)
    )
    rows = []
    for value, pattern, urgent, count in db.session.execute(query):
        parsed = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        rows.append((parsed, pattern, bool(urgent), int(count)))
    return rows


def _agreement() -> tuple[dict[str, dict[tuple[str, str], int]], list[Agreement]]:
    query = select(Review.rules_version, Review.engine_primary, Review.primary_pattern, func.count()).group_by(
        Review.rules_version, Review.engine_primary, Review.primary_pattern
    )
    matrices: dict[str, dict[tuple[str, str], int]] = {}
    for version, engine, practitioner, count in db.session.execute(query):
        key = (engine if engine in PATTERNS else NONE, practitioner if practitioner in PATTERNS else NONE)
        cells = matrices.setdefault(version, {})
        cells[key] = cells.get(key, 0) + int(count)
    agreement = [
        Agreement(
            version,
            sum(cells.values()),
            sum(count for (engine, practitioner), count in cells.items() if engine == practitioner),
        )
        for version, cells in sorted(matrices.items(), key=lambda item: _version_key(item[0]))
    ]
    return matrices, agreement


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Versions in numeric order (1.10.0 after 1.9.0)."""
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in version.split("."))


def labels() -> dict[str, str]:
    """Display names of the categories and matrix labels."""
    names = {p: advice.PATTERN_INFO[p].name for p in PATTERNS}
    return {**names, NO_CLEAR: "No clear pattern", URGENT: "Urgent (red flag)", NONE: "No pattern"}


def charts(summary: Overview) -> dict[str, Chart]:
    """The overview's charts; the page shows the same numbers in tables."""
    names = labels()
    weeks = [f"{w:%d %b}" for w in summary.weeks]
    rows = [[summary.matrix.get((e, p), 0) for p in MATRIX_LABELS] for e in MATRIX_LABELS]
    return {
        "weekly": stacked_columns(
            "weekly",
            "Submissions per week, by the engine's result",
            weeks,
            [(names[c], summary.per_category[c]) for c in CATEGORIES],
        ),
        "urgent": share_columns("urgent", "Share of urgent screens per week", weeks, summary.urgent_share),
        "matrix": heatmap(
            "matrix",
            "Engine's pattern (rows) against the practitioner's (columns), all rules versions",
            [names[label] for label in MATRIX_LABELS],
            [names[label] for label in MATRIX_LABELS],
            rows,
        ),
        "agreement": share_columns(
            "agreement",
            "Agreement with the engine, per rules version",
            [a.rules_version for a in summary.agreement],
            [a.rate for a in summary.agreement],
            cls="series-0",
        ),
    }
