"""A person's check-ins from their private link: when one opens, answering it once, a refused post, Chinese,
stopping, and a red flag at a check-in handled as at the first screen."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.models import CheckIn, OutboxMail, Submission
from app.questionnaires import v2
from app.questionnaires.check_in import QUESTIONNAIRE as CHECK_IN
from app.web.extensions import db
from tests.clinic import set_up_clinic
from tests.outcomes import (
    check_in_answers,
    count,
    course_of,
    form_data,
    post_check_in,
    public_id,
    weeks_ago,
    with_course,
)
from tests.practitioner import URGENT, audit_events, references, sent

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
