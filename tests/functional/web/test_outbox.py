"""Notifications through the outbox, sent to a real SMTP server on this machine (aiosmtpd).

Intake writes its mail in its own transaction; the worker sends it, retries with backoff while the server is away,
and sends each mail once however many workers run; no mail says anything about the person's health.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from app import advice, catalogues, create_app
from app.cautions import CAUTIONS
from app.models import Contact, OutboxMail, Submission, utcnow
from app.models.outbox import CLINIC_INBOX, PATIENT_CONFIRMATION
from app.questionnaire import SIGNALS, Questionnaire
from app.questionnaires import VERSIONS
from app.web import crypto, outbox
from app.web.extensions import db
from tests.answers import typical_answers
from tests.clinic import set_up_clinic
from tests.functional.intake.test_intake import all_rows_as_text
from tests.functional.patient.test_wizard import form_data, start, step_url
from tests.intake import EMAIL, NAME, PHONE, open_form, screened, send, sent
from tests.smtp import Mailbox, free_port
from tests.staff import add_user, events, signed_in

INBOX = "intake@clinic.test"
BASE = "https://clinic.example"
SENDER = "Clinic <noreply@clinic.example>"
PATIENT = EMAIL.lower()
ROOT = Path(__file__).resolve().parents[3]
zh = catalogues.translations("zh_Hans").gettext


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def build(app: Flask, app_factory: Callable[..., Flask]) -> Callable[..., Flask]:
    """An app for a clinic whose inbox is INBOX, with links on BASE; its rows go with the ``app`` fixture's."""
    set_up_clinic(app, email=INBOX, name_en="Riverside Clinic", name_zh="河畔中医诊所")

    def made(**settings: object) -> Flask:
        return app_factory(PUBLIC_BASE_URL=BASE, MAIL_DEFAULT_SENDER=SENDER, **settings)

    return made


@pytest.fixture
def mail_app(build: Callable[..., Flask], mailbox: Mailbox) -> Flask:
    return build(**mailbox.settings)


def worker_pass(app: Flask, now: datetime | None = None) -> outbox.Pass:
    with app.app_context():
        done = outbox.send_due(now)
        db.session.remove()
        return done


def queued(app: Flask) -> list[OutboxMail]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))
        db.session.expunge_all()
        return rows


def recipient(app: Flask, mail: OutboxMail) -> str | None:
    with app.app_context():
        return crypto.decrypt(mail.recipient_enc) if mail.recipient_enc is not None else None


def submission_of(app: Flask, result_path: str) -> Submission:
    with app.app_context():
        found = db.session.scalar(select(Submission).where(Submission.public_id == result_path.rsplit("/", 1)[1]))
        assert found is not None
        db.session.expunge(found)
        return found


def urgent_screening(client: FlaskClient) -> str:
    """A screening stopped at the safety step by a sign that needs medical help now; its result path."""
    token = start(client)
    data = {**form_data("safety", typical_answers()), "rf_nerves": ["saddle_numbness"], "rf_nerves_when": "new"}
    return str(client.post(step_url(token, "safety"), data=data).location)


# Writing: the intake's own transaction


def test_an_intake_writes_its_mail_in_its_own_commit(mail_app: Flask) -> None:
    path = sent(mail_app.test_client(), confirm_by_email="y")
    submission = submission_of(mail_app, path)
    mails = queued(mail_app)
    assert [(m.kind, m.state, m.attempts, m.submission_id) for m in mails] == [
        (CLINIC_INBOX, "pending", 0, submission.id),
        (PATIENT_CONFIRMATION, "pending", 0, submission.id),
    ]
    assert [recipient(mail_app, m) for m in mails] == [INBOX, PATIENT]
    # The patient's address is encrypted at rest, like their contact details.
    assert PATIENT not in all_rows_as_text(mail_app)
    assert all(bytes(m.recipient_enc or b"").startswith(b"gAAAAA") for m in mails)


def test_a_failing_intake_commit_leaves_no_mail_and_its_retry_exactly_the_expected_mail(mail_app: Flask) -> None:
    client = mail_app.test_client()
    path = screened(client)
    hidden = open_form(client, path)
    with mail_app.app_context():
        engine = db.engine

    def refuse(connection: Any) -> None:
        raise OperationalError("COMMIT", None, Exception("server closed the connection unexpectedly"))

    event.listen(engine, "commit", refuse)
    try:
        response = send(client, path, hidden, confirm_by_email="y")
    finally:
        event.remove(engine, "commit", refuse)
    assert response.status_code == 503
    assert queued(mail_app) == []
    with mail_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 0
        assert submission_of(mail_app, path).kind == "screen"

    assert send(client, path, hidden, confirm_by_email="y").status_code == 303
    assert send(client, path, hidden, confirm_by_email="y").status_code == 303  # a double click adds nothing
    assert sorted(m.kind for m in queued(mail_app)) == [CLINIC_INBOX, PATIENT_CONFIRMATION]


def test_mail_refused_by_the_database_fails_the_intake_with_it(mail_app: Flask) -> None:
    client = mail_app.test_client()
    path = screened(client)
    hidden = open_form(client, path)
    with mail_app.app_context():
        engine = db.engine

    def refuse(connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO OUTBOX_MAIL"):
            raise OperationalError(statement, None, Exception("server closed the connection unexpectedly"))

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        assert send(client, path, hidden).status_code == 503
    finally:
        event.remove(engine, "before_cursor_execute", refuse)
    assert submission_of(mail_app, path).kind == "screen"
    assert queued(mail_app) == []


def test_without_a_clinic_inbox_or_a_request_no_mail_is_written(app_factory: Callable[..., Flask], app: Flask) -> None:
    sent(app.test_client())  # a clinic not set up has no inbox
    assert queued(app) == []


# The confirmation: asked for, next to the email address


def test_the_confirmation_box_sits_with_the_email_address_and_starts_unticked(client: FlaskClient) -> None:
    page = client.get(f"{screened(client)}/send").get_data(as_text=True)
    box = re.search(r'<input[^>]*id="confirm_by_email"[^>]*>', page)
    assert box is not None and "checked" not in box.group(0)
    assert page.index('id="email"') < page.index('id="confirm_by_email"') < page.index('id="q-preferred_contact"')
    assert 'data-shown-with="email"' in page
    assert "Email me a confirmation with my reference code and private link" in page


def test_a_confirmation_asked_for_without_an_address_is_a_problem_at_the_box(mail_app: Flask) -> None:
    client = mail_app.test_client()
    path = screened(client)
    response = send(client, path, email="", confirm_by_email="y")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="error-confirm_by_email"' in page
    assert "To get a confirmation by email, please give your email address above" in page
    assert re.search(r'<input[^>]*id="confirm_by_email"[^>]*checked', page)  # kept as ticked
    assert queued(mail_app) == []


def test_without_the_box_ticked_no_confirmation_is_written_or_sent(mail_app: Flask, mailbox: Mailbox) -> None:
    sent(mail_app.test_client())  # an email address given, the box left unticked
    assert [m.kind for m in queued(mail_app)] == [CLINIC_INBOX]
    assert worker_pass(mail_app).sent == 1
    assert mailbox.to(PATIENT) == []
    assert len(mailbox.to(INBOX)) == 1


# Sending


def test_the_worker_sends_the_clinic_notice_and_the_confirmation(mail_app: Flask, mailbox: Mailbox) -> None:
    path = sent(mail_app.test_client(), confirm_by_email="y")
    submission = submission_of(mail_app, path)
    result = mail_app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent: 2. To try again later: 0. Failed: 0." in result.output

    [notice] = mailbox.to(INBOX)
    assert notice.subject == f"New intake {submission.reference}"
    assert notice.sender == "noreply@clinic.example" and "noreply@clinic.example" in str(notice.message["From"])
    assert f"Reference: {submission.reference}" in notice.body
    assert "Urgency: routine" in notice.body
    assert f"{BASE}/staff/submissions/{submission.id}" in notice.body
    assert submission.intake_at is not None
    assert f"Received: {submission.intake_at:%Y-%m-%d %H:%M} UTC" in notice.body

    [confirmation] = mailbox.to(PATIENT)
    assert submission.reference in confirmation.subject
    assert submission.reference in confirmation.body
    assert f"{BASE}/result/{submission.public_id}#status" in confirmation.body
    assert confirmation.body.rstrip().endswith("Riverside Clinic")
    assert confirmation.message["Auto-Submitted"] == "auto-generated"

    # Sent mail keeps only its envelope: no recipient, no body (the confirmation's private link).
    for mail in queued(mail_app):
        assert (mail.state, mail.attempts, mail.recipient_enc, mail.body) == ("sent", 1, None, "")
        assert mail.sent_at is not None and mail.claim_token is None
    assert worker_pass(mail_app).sent == 0
    assert len(mailbox.received) == 2


def test_an_urgent_intake_says_so_in_the_subject(mail_app: Flask, mailbox: Mailbox) -> None:
    client = mail_app.test_client()
    path = urgent_screening(client)
    assert send(client, path).status_code == 303
    worker_pass(mail_app)
    [notice] = mailbox.to(INBOX)
    reference = submission_of(mail_app, path).reference
    assert notice.subject.startswith(f"URGENT intake {reference}")
    assert "Urgency: URGENT" in notice.body


def test_the_confirmation_is_in_chinese_for_a_chinese_intake(mail_app: Flask, mailbox: Mailbox) -> None:
    client = mail_app.test_client()
    client.post("/language", data={"lang": "zh_Hans"})
    path = sent(client, confirm_by_email="y")
    submission = submission_of(mail_app, path)
    worker_pass(mail_app)
    [confirmation] = mailbox.to(PATIENT)
    subject = "We have received your details: reference %(reference)s"
    assert zh(subject) != subject
    assert confirmation.subject == zh(subject) % {"reference": submission.reference}
    for line in ("Your private link:", "Please quote it if you call the clinic."):
        assert zh(line) != line and zh(line) in confirmation.body
    assert confirmation.body.rstrip().endswith("河畔中医诊所")  # signed with the clinic's Chinese name
    assert "Thank you" not in confirmation.body
    assert [m.language for m in queued(mail_app)] == ["en", "zh_Hans"]
    # The clinic's notice is staff mail, in English like the staff pages.
    assert mailbox.to(INBOX)[0].subject.startswith("New intake")


def test_an_smtp_outage_waits_with_backoff_and_the_mail_goes_once_when_the_server_is_back(build) -> None:  # type: ignore[no-untyped-def]
    box = Mailbox(free_port())  # nothing listens on its port yet
    app = build(**box.settings)
    sent(app.test_client())
    t0 = utcnow()

    def state() -> tuple[str, int, str | None, datetime]:
        [mail] = queued(app)
        return mail.state, mail.attempts, mail.last_error, mail.next_attempt_at

    first = worker_pass(app, t0)
    assert (first.sent, first.retrying, first.server_away) == (0, 1, True)
    assert state() == ("pending", 1, "ConnectionRefusedError", t0 + timedelta(seconds=60))
    assert worker_pass(app, t0 + timedelta(seconds=59)).retrying == 0  # not due yet: nothing is tried
    assert state()[1] == 1
    worker_pass(app, t0 + timedelta(seconds=60))
    assert state() == ("pending", 2, "ConnectionRefusedError", t0 + timedelta(seconds=60 + 120))
    assert worker_pass(app, t0 + timedelta(seconds=179)).retrying == 0

    box.start()
    try:
        assert worker_pass(app, t0 + timedelta(seconds=180)).sent == 1
        assert worker_pass(app, t0 + timedelta(days=1)).sent == 0
        assert len(box.received) == 1
        assert queued(app)[0].state == "sent"
    finally:
        box.stop()


def test_a_server_that_is_away_ends_the_pass_and_leaves_the_other_mail_untried(build) -> None:  # type: ignore[no-untyped-def]
    app = build(**Mailbox(free_port()).settings)
    sent(app.test_client(), confirm_by_email="y")
    assert worker_pass(app).server_away
    assert sorted(m.attempts for m in queued(app)) == [0, 1]


def test_the_backoff_doubles_up_to_its_cap(build) -> None:  # type: ignore[no-untyped-def]
    app = build(OUTBOX_RETRY_SECONDS=60, OUTBOX_RETRY_CAP_SECONDS=3600)
    with app.app_context():
        waits = [outbox.backoff(n).total_seconds() for n in range(1, 10)]
        assert outbox.backoff(1000).total_seconds() == 3600
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


def test_after_its_last_attempt_a_mail_is_failed_and_no_longer_tried(build) -> None:  # type: ignore[no-untyped-def]
    app = build(OUTBOX_MAX_ATTEMPTS=3, **Mailbox(free_port()).settings)
    sent(app.test_client())
    now = utcnow()
    for _ in range(3):
        worker_pass(app, now)
        now += timedelta(days=1)
    [mail] = queued(app)
    assert (mail.state, mail.attempts, mail.last_error) == ("failed", 3, "ConnectionRefusedError")
    worker_pass(app, now + timedelta(days=30))
    assert queued(app)[0].attempts == 3


def test_a_refused_recipient_is_recorded_by_reply_code_without_the_address(build) -> None:  # type: ignore[no-untyped-def]
    class Refusing(Mailbox):
        async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
            if address == PATIENT:
                return f"550 5.1.1 <{address}>: Recipient address rejected"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    box = Refusing().start()
    try:
        app = build(**box.settings)
        sent(app.test_client(), confirm_by_email="y")
        done = worker_pass(app)
        assert (done.sent, done.retrying, done.server_away) == (1, 1, False)  # the other mail still went
        errors = {m.kind: m.last_error for m in queued(app)}
        assert errors == {CLINIC_INBOX: None, PATIENT_CONFIRMATION: "SMTPRecipientsRefused 550"}
        assert len(box.to(INBOX)) == 1
    finally:
        box.stop()


def test_two_workers_at_once_send_each_mail_once(build, mailbox: Mailbox) -> None:  # type: ignore[no-untyped-def]
    mailbox.delay = 0.01  # each message takes a moment, so the two workers overlap
    workers = [build(**mailbox.settings) for _ in range(2)]
    with workers[0].app_context():
        for number in range(40):
            outbox.add(CLINIC_INBOX, INBOX, f"mail {number}", "A test mail.", "en", submission_id=None)
        db.session.commit()
    ready = threading.Barrier(2)
    passes: list[outbox.Pass] = []
    failures: list[BaseException] = []

    def work(app: Flask) -> None:
        try:
            with app.app_context():
                ready.wait()
                passes.append(outbox.send_due())
                db.session.remove()
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=work, args=(app,)) for app in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert sorted(r.subject for r in mailbox.received) == sorted(f"mail {n}" for n in range(40))
    assert sum(p.sent for p in passes) == 40
    assert all(p.sent > 0 for p in passes), [p.sent for p in passes]  # both took part
    assert {(m.state, m.attempts) for m in queued(workers[0])} == {("sent", 1)}


def test_many_claims_at_once_on_one_mail_get_it_once(build) -> None:  # type: ignore[no-untyped-def]
    apps = [build() for _ in range(6)]
    with apps[0].app_context():
        outbox.add(CLINIC_INBOX, INBOX, "once", "A test mail.", "en", submission_id=None)
        db.session.commit()
    now = utcnow()
    ready = threading.Barrier(len(apps))
    claims: list[outbox.Claimed | None] = []

    def claim(app: Flask) -> None:
        with app.app_context():
            ready.wait()
            claims.append(outbox.claim(now))
            db.session.remove()

    threads = [threading.Thread(target=claim, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    won = [c for c in claims if c is not None]
    assert len(claims) == len(apps) and len(won) == 1
    assert won[0].subject == "once" and won[0].attempt == 1


def test_a_recipient_the_keys_cannot_read_fails_that_mail_not_the_worker(build, mailbox: Mailbox) -> None:  # type: ignore[no-untyped-def]
    sent(build(ENCRYPTION_KEYS=Fernet.generate_key().decode()).test_client())
    other_keys = build(OUTBOX_MAX_ATTEMPTS=1, ENCRYPTION_KEYS=Fernet.generate_key().decode(), **mailbox.settings)
    done = worker_pass(other_keys)
    assert (done.sent, done.failed, done.server_away) == (0, 1, False)
    assert [(m.state, m.last_error) for m in queued(other_keys)] == [("failed", "InvalidToken")]
    assert mailbox.received == []


def test_production_warns_when_links_in_mail_would_not_reach_the_site(database_url: str, caplog) -> None:  # type: ignore[no-untyped-def]
    from tests.functional.web.test_database import GOOD_KEY, OTHER_PRODUCTION_KEYS

    settings = {"SECRET_KEY": GOOD_KEY, "SQLALCHEMY_DATABASE_URI": database_url, **OTHER_PRODUCTION_KEYS}
    create_app({"APP_CONFIG": "production", "PUBLIC_BASE_URL": "http://localhost:5000", **settings})
    assert "PUBLIC_BASE_URL is not an https:// address" in caplog.text
    caplog.clear()
    create_app({"APP_CONFIG": "production", "PUBLIC_BASE_URL": BASE, **settings})
    assert "PUBLIC_BASE_URL" not in caplog.text


def test_a_claim_whose_worker_died_is_taken_over_when_its_lease_ends(mail_app: Flask, mailbox: Mailbox) -> None:
    sent(mail_app.test_client())
    now = utcnow()
    with mail_app.app_context():
        assert outbox.claim(now) is not None  # a worker claims it, then dies before sending
        db.session.remove()
    assert worker_pass(mail_app, now + timedelta(seconds=299)).sent == 0
    assert worker_pass(mail_app, now + timedelta(seconds=300)).sent == 1
    assert len(mailbox.received) == 1 and queued(mail_app)[0].attempts == 2


def test_send_loop_keeps_sending_and_stops_on_sigterm(build, mailbox: Mailbox, database_url: str) -> None:  # type: ignore[no-untyped-def]
    app = build(**mailbox.settings)
    env = {
        **os.environ,
        # Development reads the MAIL_* settings from the environment (testing ignores them); its keys come from
        # the same SECRET_KEY as the tests', so it reads the recipients they encrypted.
        "APP_CONFIG": "development",
        "SECRET_KEY": "testing-key",
        "DATABASE_URL": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mailbox.port),
        "PYTHONPATH": str(ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "outbox", "send", "--loop", "--interval", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for number in range(2):  # one mail before the loop's first pass is likely, one after it
            with app.app_context():
                outbox.add(CLINIC_INBOX, INBOX, f"loop {number}", "A test mail.", "en", submission_id=None)
                db.session.commit()
            deadline = time.monotonic() + 30
            while len(mailbox.received) <= number and time.monotonic() < deadline:
                time.sleep(0.1)
        assert sorted(r.subject for r in mailbox.received) == ["loop 0", "loop 1"]
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert "Stopped." in output
    assert re.search(r"outbox: sent mail \d+ \(clinic_inbox\) on attempt 1", output)
    assert INBOX not in output and "loop 0" not in output


def test_the_worker_logs_no_address_subject_or_link(build, caplog) -> None:  # type: ignore[no-untyped-def]
    box = Mailbox(free_port())
    app = build(**box.settings)
    path = sent(app.test_client(), confirm_by_email="y")
    caplog.set_level("INFO", logger="app.web.outbox")
    worker_pass(app)
    box.start()
    try:
        worker_pass(app, utcnow() + timedelta(hours=1))
    finally:
        box.stop()
    submission = submission_of(app, path)
    text = caplog.text
    assert "ConnectionRefusedError" in text and "sent mail" in text
    for private in (INBOX, PATIENT, submission.reference, submission.public_id, "Riverside", NAME, PHONE):
        assert private not in text, private


# No health data in any mail


def health_data(questionnaires: list[Questionnaire]) -> tuple[set[str], set[str]]:
    """What answers and results are made of, from the questionnaire and rules data: codes, and labels and advice
    in English and Chinese."""
    codes: set[str] = set(SIGNALS) | set(advice.PATTERN_INFO) | set(CAUTIONS)
    texts: set[str] = set()
    for q in questionnaires:
        for question in q.questions:
            codes.add(question.link_id)
            texts |= {question.text, question.help, question.min_label, question.max_label}
            flags = [o.red_flag for o in question.options if o.red_flag]
            flags += [question.flag_at_least[1]] if question.flag_at_least else []
            for option in question.options:
                codes.add(option.code)
                texts.add(option.text)
            for flag in flags:
                codes.add(flag.code)
                texts.add(flag.label)
        for rule in q.flag_rules:
            codes |= {rule.code, rule.flag.code}
            texts |= {rule.reason, rule.flag.label}
    for info in advice.PATTERN_INFO.values():
        texts |= {info.name, info.chinese, info.description, *info.self_care}
    for therapy in advice.THERAPIES:
        texts |= {therapy.name, *therapy.detail.values()}
    for caution in CAUTIONS.values():
        texts |= {caution.label, *(text for _, text in caution.effects.values())}
    for level in advice.LEVEL_ADVICE.values():
        texts |= {level.heading, level.what_to_do, level.why}
    texts |= {advice.SAFETY_NET, advice.DISCLAIMER}
    texts |= {zh(text) for text in texts if text}
    return codes - {""}, texts - {""}


def codes_in(value: object) -> set[str]:
    """Every string in an answer set or a result, however deeply nested."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(codes_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(codes_in(v) for v in value)) if value else set()
    return set()


def leaks(body: str, codes: set[str], texts: set[str]) -> list[str]:
    """The codes and texts found in ``body``: Latin ones as whole words (case as written), Chinese ones anywhere
    (a single character is not a statement about anyone)."""
    found = []
    for value in codes | texts:
        if re.search(r"[\u3400-\u9fff]", value):
            if len(value) > 1 and value in body:
                found.append(value)
        elif re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", body):
            found.append(value)
    return found


def test_no_mail_holds_answers_results_or_health_data(build, mailbox: Mailbox) -> None:  # type: ignore[no-untyped-def]
    app = build(**mailbox.settings)
    paths = [sent(app.test_client(), confirm_by_email="y")]
    client = app.test_client()
    urgent = urgent_screening(client)
    assert send(client, urgent, confirm_by_email="y").status_code == 303
    paths.append(urgent)
    chinese = app.test_client()
    chinese.post("/language", data={"lang": "zh_Hans"})
    paths.append(sent(chinese, confirm_by_email="y"))
    assert worker_pass(app).sent == 6
    assert len(mailbox.received) == 6

    every_code, texts = health_data(list(VERSIONS.values()))
    submissions = [submission_of(app, p) for p in paths]
    assert submissions[1].urgent and submissions[0].result["primary"]  # both kinds of result are covered
    # Codes are looked for when they are unmistakable identifiers (``dull_ache``), and all the ones these people's
    # answers and results hold (``worse`` is a code, and a word a mail may use, when nobody answered it).
    given = {code for s in submissions for code in codes_in(s.answers) | codes_in(s.result)}
    codes = {code for code in every_code if "_" in code} | (given & every_code)
    assert "no" in codes and "kidney_deficiency" in codes and "saddle_numbness" in codes
    scores = {str(v) for s in submissions for v in s.result.get("scores", {}).values()}
    assert scores
    for message in mailbox.received:
        body = message.subject + "\n" + message.body
        assert leaks(body, codes, texts) == [], message.subject
        # Take out what a mail may hold (references, links, the time received): no number is left, so no score,
        # pain rating or age.
        rest = re.sub(r"https://\S+|LBP-[A-Z0-9]{4}-[A-Z0-9]{4}|\d{4}-\d\d-\d\d \d\d:\d\d", "", body)
        assert not re.search(r"\d", rest), rest
        for personal in (NAME, "Lee", PHONE, "1980"):
            assert personal not in body


# Retention, erasure and keys


def test_withdrawing_deletes_the_confirmation_with_the_persons_address(mail_app: Flask) -> None:
    client = mail_app.test_client()
    path = sent(client, confirm_by_email="y")
    assert client.post(f"{path}/withdraw").status_code == 303
    assert [m.kind for m in queued(mail_app)] == [CLINIC_INBOX]  # holds no personal data
    assert PATIENT not in all_rows_as_text(mail_app)


def test_purge_deletes_old_sent_and_failed_mail_and_keeps_mail_still_to_send(build) -> None:  # type: ignore[no-untyped-def]
    app = build(OUTBOX_RETENTION_DAYS=30)
    with app.app_context():
        now = utcnow()
        for state, age in (("sent", 31), ("failed", 31), ("pending", 31), ("sent", 29)):
            mail = outbox.add(CLINIC_INBOX, INBOX, f"{state} {age}", "A test mail.", "en", submission_id=None)
            mail.state, mail.created_at = state, now - timedelta(days=age)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 sent or failed mails older than 30 days." in result.output
    assert sorted(m.subject for m in queued(app)) == ["pending 31", "sent 29"]
    [purged] = events(app, "purge")
    assert purged.detail["mails"] == 2


def test_mail_still_to_send_goes_with_its_intake_when_that_is_purged(build) -> None:  # type: ignore[no-untyped-def]
    app = build(INTAKE_RETENTION_DAYS=365)
    with time_machine.travel(utcnow() - timedelta(days=400), tick=False):
        sent(app.test_client(), confirm_by_email="y")
    assert len(queued(app)) == 2
    assert "1 intake submissions" in app.test_cli_runner().invoke(args=["purge"]).output
    assert queued(app) == []


# The admin page


@pytest.fixture
def away(build) -> Iterator[tuple[Flask, Mailbox]]:  # type: ignore[no-untyped-def]
    """An app whose two intake mails failed (one attempt allowed), and its mail server, away until started."""
    box = Mailbox(free_port())
    app = build(OUTBOX_MAX_ATTEMPTS=1, **box.settings)
    sent(app.test_client(), confirm_by_email="y")
    worker_pass(app)
    worker_pass(app)
    assert [m.state for m in queued(app)] == ["failed", "failed"]
    yield app, box
    box.stop()


@pytest.fixture
def failed(away: tuple[Flask, Mailbox]) -> Flask:
    return away[0]


def test_the_admin_outbox_lists_failed_mail_without_the_patients_address(failed: Flask) -> None:
    admin = signed_in(failed, add_user(failed, email="admin@clinic.test", role="admin"))
    page = admin.get("/admin/outbox")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    reference = queued(failed)[0].subject.split()[-1]
    assert f"Clinic inbox ({INBOX})" in text and "Patient confirmation" in text
    assert text.count("ConnectionRefusedError") == 2 and text.count(">Failed<") == 2
    assert reference in text
    assert PATIENT not in text
    assert 'href="/admin/outbox"' in text  # in the staff navigation
    [listed] = events(failed, "list", target="outbox")
    assert listed.detail == {"count": 2}


def test_send_again_makes_a_failed_mail_due_and_the_worker_sends_it(away: tuple[Flask, Mailbox]) -> None:
    failed, box = away
    admin = signed_in(failed, add_user(failed, email="admin@clinic.test", role="admin"))
    notice = queued(failed)[0]
    response = admin.post(f"/admin/outbox/{notice.id}/send-again")
    assert response.status_code == 303 and response.location.endswith("/admin/outbox")
    again = queued(failed)[0]
    assert (again.state, again.attempts) == ("pending", 0)
    [audited] = events(failed, "outbox_send_again")
    assert (audited.target, audited.actor_email, audited.detail) == (
        f"outbox:{notice.id}",
        "admin@clinic.test",
        {"kind": CLINIC_INBOX, "was": "failed"},
    )
    box.start()  # the mail server is back: the next pass sends the mail asked for, once, and only that one
    assert worker_pass(failed).sent == 1
    assert worker_pass(failed).sent == 0
    assert [r.subject for r in box.received] == [notice.subject]
    assert [m.state for m in queued(failed)] == ["sent", "failed"]


def test_send_again_on_sent_mail_changes_nothing(mail_app: Flask, mailbox: Mailbox) -> None:
    sent(mail_app.test_client())
    worker_pass(mail_app)
    admin = signed_in(mail_app, add_user(mail_app, email="admin@clinic.test", role="admin"))
    [mail] = queued(mail_app)
    assert admin.post(f"/admin/outbox/{mail.id}/send-again").status_code == 303
    assert queued(mail_app)[0].state == "sent"
    assert events(mail_app, "outbox_send_again") == []
    assert admin.post("/admin/outbox/99999/send-again").status_code == 404


def test_only_admins_see_the_outbox_or_send_again(failed: Flask) -> None:
    practitioner = signed_in(failed, add_user(failed, email="p@clinic.test", role="practitioner"))
    mail = queued(failed)[0]
    assert practitioner.get("/admin/outbox").status_code == 403
    assert practitioner.post(f"/admin/outbox/{mail.id}/send-again").status_code == 403
    assert queued(failed)[0].state == "failed"
    signed_out = failed.test_client().get("/admin/outbox")
    assert signed_out.status_code in (302, 303) and "/staff/sign-in" in signed_out.location
    denied = [e for e in events(failed, "access") if e.outcome == "denied"]
    assert len(denied) == 2


def test_send_again_needs_the_csrf_token(failed: Flask, app_factory: Callable[..., Flask]) -> None:
    guarded = app_factory(WTF_CSRF_ENABLED=True)
    admin = signed_in(guarded, add_user(guarded, email="admin@clinic.test", role="admin"))
    mail = queued(failed)[0]
    assert admin.post(f"/admin/outbox/{mail.id}/send-again").status_code == 400
    assert queued(failed)[0].state == "failed"
    page = admin.get("/admin/outbox").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = admin.post(f"/admin/outbox/{mail.id}/send-again", data={"csrf_token": token.group(1)})
    assert response.status_code == 303
    assert queued(failed)[0].state == "pending"
