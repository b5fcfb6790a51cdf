"""Withdrawal and purge reach a course, its check-ins and its reminders."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from app.models import CheckIn, CheckInReminder, Course, OutboxMail, utcnow
from app.web.extensions import db
from tests.outcomes import (
    count,
    course_of,
    post_check_in,
    public_id,
    weeks_ago,
    with_course,
)

# Retention and erasure


def test_withdrawal_erases_the_course_and_its_check_ins(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(2))
    pid = public_id(app, submission_id)
    post_check_in(client, pid, 2)
    app.test_cli_runner().invoke(args=["check-ins", "remind"])
    assert client.post(f"/result/{pid}/withdraw").status_code == 303
    with app.app_context():
        assert (count(Course), count(CheckIn), count(CheckInReminder)) == (0, 0, 0)
        assert db.session.scalars(select(OutboxMail.kind).where(OutboxMail.submission_id == submission_id)).all() in (
            [],
            ["clinic_inbox"],
        )
    assert "Withdrawn and erased" in client.get(f"/result/{pid}/check-in").get_data(as_text=True)


def test_purge_applies_the_intake_period_to_check_ins(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(2))
    post_check_in(client, public_id(app, submission_id), 2)
    runner = app.test_cli_runner()
    assert "Deleted 0 check-ins older than 365 days." in runner.invoke(args=["purge"]).output
    with time_machine.travel(utcnow() + timedelta(days=366), tick=False):
        with app.app_context():
            course = course_of(submission_id)
            course.submission.intake_at = utcnow()  # the intake itself is still in its period
            db.session.commit()
        assert "Deleted 1 check-ins older than 365 days." in runner.invoke(args=["purge"]).output
    with app.app_context():
        assert (count(Course), count(CheckIn)) == (1, 0)
    with time_machine.travel(utcnow() + timedelta(days=800), tick=False):
        runner.invoke(args=["purge"])
    with app.app_context():
        assert count(Course) == 0  # with its intake
