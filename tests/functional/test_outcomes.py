"""Courses of treatment and check-ins, through the pages as a practitioner and a patient use them."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as FhirResponse
from sqlalchemy import func, select

from app import fhir
from app.extensions import db
from app.models import CheckIn, CheckInReminder, Course, OutboxMail, Submission, utcnow
from app.models.outbox import CHECK_IN_REMINDER
from app.outcomes.report import CSV_COLUMNS
from app.questionnaires import v2
from app.questionnaires.check_in import QUESTIONNAIRE as CHECK_IN
from tests.clinic import set_up_clinic
from tests.conftest import StaffClient
from tests.outcomes import (
    check_in_answers,
    course_form,
    course_of,
    form_data,
    post_check_in,
    public_id,
    weeks_ago,
    with_course,
)
from tests.practitioner import URGENT, audit_events, hidden_value, references, sent, stored
from tests.smtp import Mailbox


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


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


# The person's check-in


def test_before_the_first_due_date_the_page_says_when_it_opens(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client)
    pid = public_id(app, submission_id)
    page = client.get(f"/result/{pid}/check-in").get_data(as_text=True)
    assert "Your next check-in is not due yet" in page
    assert "week 2 of your treatment" in page
    result = client.get(f"/result/{pid}").get_data(as_text=True)
    assert "Your next check-in opens on" in result


def test_a_result_without_a_course_has_no_check_ins(app, client):
    submission_id = sent(app)
    page = client.get(f"/result/{public_id(app, submission_id)}/check-in")
    assert page.status_code == 200
    assert "No check-ins for this result" in page.get_data(as_text=True)
    assert client.get("/result/not-a-real-link/check-in").status_code == 404


def test_a_due_check_in_is_answered_once(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(2))
    pid = public_id(app, submission_id)
    assert "Do my check-in" in client.get(f"/result/{pid}").get_data(as_text=True)
    page = client.get(f"/result/{pid}/check-in").get_data(as_text=True)
    assert "Week 2 check-in" in page
    for question in CHECK_IN.questions:
        if not question.enable_when:
            assert f'id="q-{question.link_id}"' in page, question.link_id
    response = post_check_in(client, pid, 2)
    assert response.status_code == 303
    assert response.location == f"/result/{pid}/check-in/2"
    thanks = client.get(response.location).get_data(as_text=True)
    assert "Thank you: your check-in is sent" in thanks
    again = post_check_in(client, pid, 2, peg_pain=9)  # a double click, or the back button and send again
    assert again.status_code == 303
    with app.app_context():
        [check_in] = db.session.scalars(select(CheckIn)).all()
        assert (check_in.week, check_in.urgent, check_in.answers["peg_pain"]) == (2, False, 2)
        assert check_in.questionnaire_version == CHECK_IN.version
    [event] = audit_events(app, "check_in")
    assert (event.target, event.ip, event.actor_id) == (f"submission:{submission_id}", None, None)
    done = client.get(f"/result/{pid}/check-in").get_data(as_text=True)
    assert "Your next check-in is not due yet" in done
    assert "Your last check-in (week 2)" in done


def test_an_invalid_check_in_keeps_every_answer(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(4))
    pid = public_id(app, submission_id)
    answers = check_in_answers(peg_activity=11)
    del answers["global_change"]
    response = client.post(f"/result/{pid}/check-in", data=form_data(answers, 4))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There are 2 problems on this page" in page
    assert "Please give a whole number from 0 to 10." in page
    for kept in ("peg_pain-2", "pain_worst-3", "rf_now-none", "age_band-65_plus"):  # every other answer stays
        assert re.search(rf'id="{kept}"[^>]*checked', page), kept
    with app.app_context():
        assert count(CheckIn) == 0


def test_a_check_in_in_chinese(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(2))
    pid = public_id(app, submission_id)
    client.post("/language", data={"lang": "zh_Hans"})
    page = client.get(f"/result/{pid}/check-in").get_data(as_text=True)
    assert "第 2 周" in page
    assert post_check_in(client, pid, 2).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(CheckIn.language)).one() == "zh_Hans"


def test_a_check_in_is_not_taken_before_it_is_due(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(2))
    pid = public_id(app, submission_id)
    response = post_check_in(client, pid, 4)
    assert response.status_code == 409
    assert "Your next check-in is not due yet" in response.get_data(as_text=True)
    assert client.post(f"/result/{pid}/check-in", data={"week": "two"}).status_code == 400


def test_a_person_stops_their_check_ins(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(2))
    pid = public_id(app, submission_id)
    assert "Stop check-ins" in client.get(f"/result/{pid}/check-in").get_data(as_text=True)
    assert "What stopping means" in client.get(f"/result/{pid}/check-ins/stop").get_data(as_text=True)
    response = client.post(f"/result/{pid}/check-ins/stop")
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "You have stopped your check-ins" in page
    assert post_check_in(client, pid, 2).status_code == 409
    with app.app_context():
        assert course_of(submission_id).status == "stopped"
    assert [e.detail["by"] for e in audit_events(app, "change") if e.detail.get("to_status") == "stopped"] == ["person"]


# A red flag at a check-in


def test_a_red_flag_at_a_check_in_gives_the_urgent_advice_and_an_urgent_queue_entry(app, practitioner_client, client):
    set_up_clinic(app, email="inbox@clinic.example")
    first_urgent = sent(app, answers=URGENT)
    submission_id = with_course(app, practitioner_client, started=weeks_ago(4))
    newer = sent(app)
    pid = public_id(app, submission_id)
    response = post_check_in(client, pid, 4, rf_nerves=["saddle_numbness"], rf_nerves_when="new")
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert 'class="urgent urgent-emergency"' in page
    assert "Call 999 now" in page and "Keep yourself safe" in page  # the first screen's advice, word for word
    assert str(v2.CAUDA_EQUINA.label) in page
    assert "Your answers are with the clinic" in page
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission.urgent is True
        refs = {i: db.session.get(Submission, i).reference for i in (first_urgent, submission_id, newer)}
        [notice] = db.session.scalars(
            select(OutboxMail).where(OutboxMail.submission_id == submission_id, OutboxMail.subject.like("URGENT%"))
        ).all()
    assert notice.subject == f"URGENT check-in {refs[submission_id]}: please look at it today"
    assert "saddle" not in notice.body.lower() and "numb" not in notice.body.lower()  # no health data in mail
    order = references(practitioner_client.get("/staff/").get_data(as_text=True))
    assert order.index(refs[submission_id]) < order.index(refs[newer])  # urgent first, though older
    assert set(references(practitioner_client.get("/staff/?flags=urgent").get_data(as_text=True))) == {
        refs[first_urgent],
        refs[submission_id],
    }
    # Its first screen named a pattern: a pattern filter still finds it among the urgent cases.
    filtered = practitioner_client.get("/staff/?flags=urgent&pattern=kidney_deficiency").get_data(as_text=True)
    assert references(filtered) == [refs[submission_id]]
    staff_page = practitioner_client.get(f"/staff/submissions/{submission_id}").get_data(as_text=True)
    assert "Urgent red flag at the week 4 check-in" in staff_page


def test_a_practitioner_records_that_the_red_flag_was_dealt_with(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(4))
    post_check_in(client, public_id(app, submission_id), 4, rf_now=["fever"])
    response = practitioner_client.post(f"/staff/submissions/{submission_id}/check-ins/4/handled")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Submission, submission_id).urgent is False  # as its first screen was
        assert db.session.scalars(select(CheckIn.handled_at)).one() is not None
    page = practitioner_client.get(f"/staff/submissions/{submission_id}").get_data(as_text=True)
    assert "Urgent red flag at the week 4 check-in" not in page
    assert "(dealt with " in page
    assert [e.detail["what"] for e in audit_events(app, "change")][-1] == "check_in_red_flag"
    assert practitioner_client.post(f"/staff/submissions/{submission_id}/check-ins/2/handled").status_code == 404


def test_a_refer_flag_at_a_check_in_is_shown_above_the_thanks_and_is_not_urgent(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(2))
    response = post_check_in(client, public_id(app, submission_id), 2, rf_history=["cancer"])
    page = client.get(response.location).get_data(as_text=True)
    assert "Thank you: your check-in is sent" in page
    assert str(v2.CANCER_CHECK.label) in page
    with app.app_context():
        assert db.session.get(Submission, submission_id).urgent is False


# Reminders, with frozen time


def test_a_reminder_is_mailed_once_per_due_date_through_the_outbox(app, practitioner_client):
    set_up_clinic(app, email="")  # no clinic inbox: the only mail is the reminder
    start = utcnow()
    submission_id = with_course(app, practitioner_client, started=start)
    no_consent = with_course(app, practitioner_client, started=start, reminders=None)
    no_address = with_course(app, practitioner_client, started=start, email=None)
    runner = app.test_cli_runner()

    def reminders() -> list[OutboxMail]:
        with app.app_context():
            mails = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == CHECK_IN_REMINDER)).all()
            db.session.expunge_all()
            return list(mails)

    with time_machine.travel(start + timedelta(weeks=2) - timedelta(minutes=1), tick=False):
        assert "Added 0 check-in reminders" in runner.invoke(args=["check-ins", "remind"]).output
    for hours in (0, 1, 30):  # the timer runs again and again while the check-in is open
        with time_machine.travel(start + timedelta(weeks=2, hours=hours), tick=False):
            result = runner.invoke(args=["check-ins", "remind"])
            assert result.exit_code == 0, result.output
    [mail] = reminders()
    assert mail.submission_id == submission_id
    assert (mail.state, mail.language) == ("pending", "en")
    pid = public_id(app, submission_id)
    assert f"http://localhost/result/{pid}/check-in" in mail.body
    assert f"http://localhost/result/{pid}/check-ins/stop" in mail.body
    assert "week 2" in mail.body
    with app.app_context():
        from app import crypto

        assert crypto.decrypt(db.session.get(OutboxMail, mail.id).recipient_enc) == "ann.lee@example.com"
    with time_machine.travel(start + timedelta(weeks=4, hours=1), tick=False):
        runner.invoke(args=["check-ins", "remind"])
        runner.invoke(args=["check-ins", "remind"])
    assert [m.body.count("week 4") for m in reminders()] == [0, 1]
    assert {m.submission_id for m in reminders()} == {submission_id}  # never without consent or an address
    assert no_consent != no_address


def test_no_reminder_for_a_check_in_already_sent_or_a_course_stopped(app, practitioner_client, client):
    start = utcnow()
    answered = with_course(app, practitioner_client, started=start)
    stopped = with_course(app, practitioner_client, started=start)
    with time_machine.travel(start + timedelta(weeks=2, hours=1), tick=False):
        assert post_check_in(client, public_id(app, answered), 2).status_code == 303
        client.post(f"/result/{public_id(app, stopped)}/check-ins/stop")
        app.test_cli_runner().invoke(args=["check-ins", "remind"])
    with app.app_context():
        assert db.session.scalars(select(OutboxMail).where(OutboxMail.kind == CHECK_IN_REMINDER)).all() == []


def test_stopping_check_ins_cancels_a_reminder_not_yet_sent(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(2))
    app.test_cli_runner().invoke(args=["check-ins", "remind"])
    with app.app_context():
        assert count_reminders() == 1
    client.post(f"/result/{public_id(app, submission_id)}/check-ins/stop")
    with app.app_context():
        assert count_reminders() == 0


def count_reminders() -> int:
    return db.session.scalar(select(func.count()).where(OutboxMail.kind == CHECK_IN_REMINDER)) or 0


def test_a_reminder_reaches_a_real_mail_server_in_the_persons_language(app, app_factory, practitioner_client):
    box = Mailbox().start()
    try:
        submission_id = with_course(app, practitioner_client, started=weeks_ago(2))
        with app.app_context():
            db.session.get(Submission, submission_id).language = "zh_Hans"
            db.session.commit()
        worker = app_factory(**box.settings)
        assert "Added 1" in worker.test_cli_runner().invoke(args=["check-ins", "remind"]).output
        assert worker.test_cli_runner().invoke(args=["outbox", "send"]).exit_code == 0
    finally:
        box.stop()
    [received] = box.to("ann.lee@example.com")
    assert "腰" in received.subject
    assert f"/result/{public_id(app, submission_id)}/check-in" in received.body


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


# The clinic's overview


def test_the_overview_hides_groups_under_the_minimum_size(app_factory, practitioner_client, client, app):
    shown = app_factory(OUTCOME_MIN_GROUP=3)
    for n in range(3):  # three kidney-deficiency courses with acupuncture: shown
        submission_id = with_course(app, practitioner_client, started=weeks_ago(2), therapies=["acupuncture"])
        post_check_in(client, public_id(app, submission_id), 2, peg_pain=2 + n)
    for _ in range(2):  # two cold-damp courses with cupping: too few
        submission_id = with_course(
            app, practitioner_client, started=weeks_ago(2), pattern="cold_damp", therapies=["cupping"]
        )
        post_check_in(client, public_id(app, submission_id), 2)
    shown.test_client_class = StaffClient
    staff = shown.test_client(user=_user(shown))
    page = staff.get("/staff/outcomes").get_data(as_text=True)
    by_pattern = page.split("change by the pattern treated")[1].split("</table>")[0]
    kidney = by_pattern.split("Kidney Deficiency")[1].split("</tr>")[0]
    cold = by_pattern.split("Cold-Damp")[1].split("</tr>")[0]
    assert '<td class="number">3</td>' in kidney
    assert "Too few to show (fewer than 3)" in cold and "number" not in cold
    by_therapy = page.split("change by therapy")[1].split("</table>")[0]
    assert '<td class="number">3</td>' in by_therapy.split("Acupuncture")[1].split("</tr>")[0]
    assert "Too few to show" in by_therapy.split("Cupping")[1].split("</tr>")[0]
    default = practitioner_client.get("/staff/outcomes").get_data(as_text=True)  # the default minimum is 5
    assert "Too few to show (fewer than 5)" in default and '<td class="number">3</td>' not in default


def _user(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        from app.models import User

        user = db.session.scalars(select(User)).first()
        db.session.expunge(user)
        return user


def test_the_outcome_csv_is_de_identified(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(2))
    post_check_in(client, public_id(app, submission_id), 2)
    response = practitioner_client.get("/staff/outcomes.csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].split(",") == list(CSV_COLUMNS)
    assert lines[1].split(",") == [
        "1",
        "kidney_deficiency",
        "acupuncture;tuina",
        "2",
        "4.67",  # the first screen's PEG: 5, 4, 5
        "2.0",
        "-2.67",  # a number, not a guarded cell
        "-57.1",
        "yes",
        "meaningful",
        "3",
        "much_better",
        "no",
        "check-in-1",
        "2.0.0",
    ]
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        text = response.get_data(as_text=True)
        assert submission.reference not in text and "Ann" not in text and str(submission.created_at.year) not in text
    assert [e.detail["format"] for e in audit_events(app, "export")] == ["csv"]


# FHIR


def test_the_check_in_questionnaire_is_served_as_fhir_r4(client):
    response = client.get("/api/v1/questionnaires/check-in")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    resource = response.get_json(force=True)
    parsed = FhirQuestionnaire.model_validate(resource)
    assert (parsed.url, parsed.version) == (CHECK_IN.url, CHECK_IN.version)
    assert [g["linkId"] for g in resource["item"]] == ["progress", "safety"]
    assert (
        client.get("/api/v1/questionnaires/check-in", headers={"If-None-Match": response.headers["ETag"]}).status_code
        == 304
    )


def test_each_check_in_exports_as_a_questionnaire_response(app, practitioner_client, client):
    submission_id = with_course(app, practitioner_client, started=weeks_ago(2))
    post_check_in(client, public_id(app, submission_id), 2)
    response = practitioner_client.get(f"/staff/submissions/{submission_id}/check-ins/2/fhir.json")
    assert response.status_code == 200
    resource = response.get_json(force=True)
    parsed = FhirResponse.model_validate(resource)
    assert parsed.questionnaire == f"{CHECK_IN.url}|{CHECK_IN.version}"
    answers, errors = fhir.answers_from_response(resource, CHECK_IN)
    assert errors == {}
    assert CHECK_IN.validate(answers) == (check_in_answers(), {})
    assert practitioner_client.get(f"/staff/submissions/{submission_id}/check-ins/4/fhir.json").status_code == 404
    assert audit_events(app, "export")[-1].detail == {"format": "fhir", "what": "check_in", "week": 2}


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
