"""Helpers for outcomes tests: an intake with a course of treatment, and check-ins posted as a browser would."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from app.models import Course, Submission, utcnow
from app.questionnaires.check_in import QUESTIONNAIRE as CHECK_IN
from app.web.extensions import db
from tests.answers import typical_answers
from tests.practitioner import sent


def count(model: type) -> int:
    """How many rows of ``model`` the database holds."""
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def check_in_answers(**changes: Any) -> dict[str, Any]:
    """A complete check-in without red flags: the first screen's safety answers, a PEG of 2, 2, 2 and "much better"."""
    answers = {k: v for k, v in typical_answers().items() if k in CHECK_IN.by_id}
    answers.update(peg_pain=2, peg_enjoyment=2, peg_activity=2, pain_worst=3, global_change="much_better")
    answers.update(changes)
    return answers


def form_data(answers: dict[str, Any], week: int) -> dict[str, Any]:
    """What a browser posts: strings, lists for checkboxes, and the week the form was made for."""
    data: dict[str, Any] = {k: (v if isinstance(v, list) else str(v)) for k, v in answers.items()}
    return {**data, "week": str(week)}


def course_form(**changes: Any) -> dict[str, Any]:
    data = {"row_version": "0", "pattern": "kidney_deficiency", "therapies": ["acupuncture", "tuina"]}
    data.update(weeks="2, 4, 8, 12", reminders="y")
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def with_course(app: Flask, staff: FlaskClient, *, started: datetime | None = None, **changes: Any) -> int:
    """An intake (contact details, an email address) with a course started through the practitioner's form;
    ``started`` moves the course's start (the staff session is not moved in time). Returns the submission id."""
    submission_id = sent(app, email=changes.pop("email", "ann.lee@example.com"))
    response = staff.post(f"/staff/submissions/{submission_id}/course", data=course_form(**changes))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    if started is not None:
        with app.app_context():
            course = course_of(submission_id)
            course.started_at = started
            db.session.commit()
    return submission_id


def weeks_ago(weeks: float) -> datetime:
    """A start that many weeks back, and an hour more, so the check-in of that week is open now."""
    return utcnow() - timedelta(weeks=weeks, hours=1)


def course_of(submission_id: int) -> Course:
    """The submission's course (call inside an app context)."""
    course = db.session.scalar(select(Course).where(Course.submission_id == submission_id))
    assert course is not None
    return course


def public_id(app: Flask, submission_id: int) -> str:
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission is not None
        return submission.public_id


def post_check_in(client: FlaskClient, pid: str, week: int, **changes: Any) -> TestResponse:
    return client.post(f"/result/{pid}/check-in", data=form_data(check_in_answers(**changes), week))
