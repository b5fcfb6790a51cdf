"""The course part of a submission's page (``practitioner/submission.html``): the course, each check-in's PEG and
its change from the first screen, whether that passes the threshold of meaningful change, and the chart.

The workspace's own page part, so the chart stays with the workspace's charts; the course and its numbers come from
the outcomes use cases (``app.outcomes.service``) and pure measures (``app.outcomes.measures``)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

from app.models import Submission, utcnow
from app.outcomes import measures, service
from app.questionnaires.check_in import GLOBAL_CHANGE, WORST_PAIN
from app.review import charts

THRESHOLD_LABEL = f"{measures.MEANINGFUL_REDUCTION}% below the start"


def panel(submission: Submission) -> dict[str, Any]:
    """The course part of a submission's page: the course, each check-in's PEG and change, and the chart."""
    course = service.course_for(submission.id)
    if course is None:
        return {"course": None, "may_start": service.may_start(submission), "measures": measures}
    points = service.trend(course, submission.answers or {}, utcnow())
    baseline = measures.peg(submission.answers or {})
    threshold = baseline * (100 - measures.MEANINGFUL_REDUCTION) / 100 if baseline else None
    chart = charts.line(
        "peg",
        "PEG score at the start and at each check-in (0 best, 10 worst)",
        ["Start", *(f"Week {p.week}" for p in points)],
        [baseline, *(p.peg for p in points)],
        measures.PEG_ITEM_MAX,
        (threshold, THRESHOLD_LABEL) if threshold is not None else None,
    )
    latest = next((p for p in reversed(points) if p.change is not None), None)
    return {
        "course": course,
        "points": points,
        "baseline": baseline,
        "threshold": threshold,
        "latest": latest,
        "chart": chart,
        "question": GLOBAL_CHANGE,
        "baseline_worst": (submission.answers or {}).get(WORST_PAIN.link_id),
        "q": service.CHECK_IN,
        "handled_form": FlaskForm(formdata=None),
        "measures": measures,
    }
