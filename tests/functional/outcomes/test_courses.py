"""Courses of treatment through the submission page: starting, changing, finishing one, and what the page and the
queue show of its check-ins (the PEG trend, the threshold, the check-in filters)."""

from __future__ import annotations

import re

from app.models import Course, Submission
from app.web.extensions import db
from tests.outcomes import (
    count,
    course_form,
    course_of,
    post_check_in,
    public_id,
    weeks_ago,
    with_course,
)
from tests.practitioner import audit_events, hidden_value, references, sent, stored

# The course of treatment


def test_a_practitioner_starts_a_course_on_an_intake(app, practitioner_client):
    submission_id = sent(app)
    page = practitioner_client.get(f"/staff/submissions/{submission_id}")
    assert "Start a course of treatment" in page.get_data(as_text=True)
    form = practitioner_client.get(f"/staff/submissions/{submission_id}/course").get_data(as_text=True)
    assert 'value="2, 4, 8, 12"' in form  # the default schedule, editable
    response = practitioner_client.post(
        f"/staff/submissions/{submission_id}/course", data=course_form(weeks="3 6 9", therapies=["cupping"])
    )
    assert response.status_code == 303
    with app.app_context():
        course = course_of(submission_id)
        assert (course.status, course.pattern, course.therapies, course.weeks) == (
            "active",
            "kidney_deficiency",
            ["cupping"],
            [3, 6, 9],
        )
        assert course.reminders is True
    [event] = [e for e in audit_events(app, "change") if e.detail.get("what") == "course"]
    assert (event.target, event.detail["to_status"]) == (f"submission:{submission_id}", "active")
    page = practitioner_client.get(f"/staff/submissions/{submission_id}").get_data(as_text=True)
    assert "Check-ins at weeks</dt><dd>3, 6, 9" in page


def test_a_refused_course_form_keeps_what_was_typed(app, practitioner_client):
    submission_id = sent(app)
    response = practitioner_client.post(
        f"/staff/submissions/{submission_id}/course", data=course_form(weeks="2, 60, x", therapies=None)
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Each week must be a whole number from 1 to 52." in page
    assert "Tick at least one therapy." in page
    assert 'value="2, 60, x"' in page
    with app.app_context():
        assert count(Course) == 0
    assert audit_events(app, "change")[-1].outcome == "invalid"


def test_no_course_for_a_self_screen_or_a_closed_case(app, practitioner_client):
    screen = stored(app)
    closed = sent(app, status="closed")
    for submission_id in (screen, closed):
        response = practitioner_client.post(f"/staff/submissions/{submission_id}/course", data=course_form())
        assert response.status_code == 409
    with app.app_context():
        assert count(Course) == 0


def test_an_edit_from_an_older_version_is_refused_with_the_input_kept(app, practitioner_client):
    submission_id = with_course(app, practitioner_client)
    first = practitioner_client.post(
        f"/staff/submissions/{submission_id}/course", data=course_form(row_version="1", weeks="2, 4")
    )
    assert first.status_code == 303
    stale = practitioner_client.post(
        f"/staff/submissions/{submission_id}/course", data=course_form(row_version="1", weeks="6")
    )
    assert stale.status_code == 409
    assert "Someone else saved a change first" in stale.get_data(as_text=True)
    assert 'value="6"' in stale.get_data(as_text=True)
    with app.app_context():
        assert course_of(submission_id).weeks == [2, 4]


def test_finishing_a_course_closes_its_check_ins(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(2))
    page = practitioner_client.get(f"/staff/submissions/{submission_id}/course").get_data(as_text=True)
    version = hidden_value(page.split('course/finish"')[1], "row_version")
    response = practitioner_client.post(
        f"/staff/submissions/{submission_id}/course/finish", data={"row_version": version}
    )
    assert response.status_code == 303
    with app.app_context():
        assert course_of(submission_id).status == "finished"
    page = client.get(f"/result/{public_id(app, submission_id)}/check-in").get_data(as_text=True)
    assert "Your check-ins are closed" in page


# The practitioner's view


def test_the_submission_page_shows_the_peg_trend_with_its_numbers_and_the_threshold(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(4))  # first screen PEG 5, 4, 5: 4.7
    pid = public_id(app, submission_id)
    with app.app_context():
        course = course_of(submission_id)
        course.started_at = weeks_ago(2)
        db.session.commit()
    post_check_in(client, pid, 2, peg_pain=4, peg_enjoyment=4, peg_activity=4)  # 4.0: better, not 30% less
    with app.app_context():
        course = course_of(submission_id)
        course.started_at = weeks_ago(4)
        db.session.commit()
    post_check_in(client, pid, 4)  # 2.0: 57% less
    page = practitioner_client.get(f"/staff/submissions/{submission_id}").get_data(as_text=True)
    assert '<svg class="chart"' in page and "chart-line" in page and "chart-threshold" in page
    assert "<title>Week 4: 2.0</title>" in page
    rows = re.findall(r"<tr><th scope=\"row\">(Start|Week \d+)</th>(.*?)</tr>", page, re.S)
    cells = {label: re.findall(r"<td[^>]*>(.*?)</td>", body, re.S) for label, body in rows}
    assert cells["Start"][2] == "4.7"
    assert cells["Week 2"][2:5] == ["4.0", "-0.7 (-14%)", "no"]
    assert cells["Week 4"][2:5] == ["2.0", "-2.7 (-57%)", "yes"]
    assert cells["Week 8"][1] == "upcoming"
    assert "Latest (week 4):</strong> PEG 2.0 against 4.7 at the start" in page
    assert "a meaningful improvement" in page
    assert "here 3.3 or less" in page and "Dworkin" in page


def test_queue_filters_for_check_ins_due_missed_or_worse(app, practitioner_client, client):
    due = with_course(app, practitioner_client, started=weeks_ago(2))
    missed = with_course(app, practitioner_client, started=weeks_ago(4.5))  # week 2 closed unanswered; week 4 open
    worse = with_course(app, practitioner_client, started=weeks_ago(2))
    post_check_in(client, public_id(app, worse), 2, peg_pain=8, peg_enjoyment=8, peg_activity=8)
    quiet = with_course(app, practitioner_client)  # nothing due yet
    with app.app_context():
        refs = {i: db.session.get(Submission, i).reference for i in (due, missed, worse, quiet)}

    def listed(kind: str) -> set[str]:
        return set(references(practitioner_client.get(f"/staff/?checkins={kind}").get_data(as_text=True)))

    assert listed("due") == {refs[due], refs[missed]}
    assert listed("missed") == {refs[missed]}
    assert listed("worse") == {refs[worse]}
    assert len(references(practitioner_client.get("/staff/").get_data(as_text=True))) == 4
    assert "Unknown check-in filter ignored." in practitioner_client.get("/staff/?checkins=lost").get_data(as_text=True)
    export = practitioner_client.get("/staff/export.csv?checkins=missed").get_data(as_text=True)
    assert refs[missed] in export and refs[due] not in export
