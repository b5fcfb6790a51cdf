"""Check-in reminders through the outbox, with frozen time: once per due date, never for a check-in sent or a
course stopped, and in the person's language on a real mail server."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from app.models import OutboxMail, Submission, utcnow
from app.models.outbox import CHECK_IN_REMINDER
from app.web.extensions import db
from tests.clinic import set_up_clinic
from tests.outcomes import (
    post_check_in,
    public_id,
    weeks_ago,
    with_course,
)
from tests.smtp import Mailbox

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
        from app.web import crypto

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
