"""The audit trail is append-only; application logs hold no personal data or secrets, one line per record."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime

import pyotp
import pytest
import time_machine
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from app.models import AuditEvent, Submission, User
from app.staff.sessions import SESSION_KEY
from app.web import crypto, logs
from app.web.extensions import db
from tests import intake
from tests.answers import typical_answers
from tests.conftest import PASSWORD
from tests.staff import add_user, events, sign_in, signed_in

# The audit trail is append-only


@pytest.fixture
def audit_row(app):
    with app.app_context():
        event = AuditEvent(action="view", target="submission:1")
        db.session.add(event)
        db.session.commit()
        return event.id


def test_the_orm_refuses_to_change_or_delete_an_audit_event(app, audit_row):
    with app.app_context():
        event = db.session.get(AuditEvent, audit_row)
        event.action = "nothing to see"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.flush()
        db.session.rollback()

        db.session.delete(db.session.get(AuditEvent, audit_row))
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.flush()
        db.session.rollback()


def test_the_orm_refuses_bulk_updates_and_deletes_of_audit_events(app, audit_row):
    with app.app_context():
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.execute(update(AuditEvent).values(action="nothing to see"))
        db.session.rollback()
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.execute(delete(AuditEvent))
        db.session.rollback()
    assert [e.action for e in events(app)] == ["view"]


def test_the_database_refuses_to_change_an_audit_event(app, audit_row):
    with app.app_context(), db.engine.connect() as conn:
        with pytest.raises(DatabaseError, match="append-only"):
            conn.execute(text("UPDATE audit_event SET action = 'nothing to see'"))
        conn.rollback()
    assert [e.action for e in events(app)] == ["view"]


def test_postgresql_refuses_to_delete_an_audit_event(app, audit_row):
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name != "postgresql":
            pytest.skip("SQLite's trigger guards updates only, so tests can empty the table")
        with pytest.raises(DatabaseError, match="append-only"):
            conn.execute(text("DELETE FROM audit_event"))
        conn.rollback()
    assert len(events(app)) == 1


# Application logs


SECRET = pyotp.random_base32()
PATIENT_EMAIL = "patient.person@example.org"


def test_logs_hold_no_password_token_secret_or_contact_detail(app, caplog):
    caplog.set_level(logging.DEBUG)
    # Statements as with echo=True, which someone may turn on to debug (DEBUG would print result rows on purpose).
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    user = add_user(app, email="staff.member@clinic.test")
    client = app.test_client()

    sign_in(client, user.email, "a wrong password typed by mistake")
    sign_in(client, "unknown.person@clinic.test", PASSWORD)
    sign_in(client, user.email)
    with client.session_transaction() as session:
        token = session[SESSION_KEY]
    client.get("/staff/")
    client.post("/staff/sign-out")

    # A practitioner's second factor.
    with app.app_context():
        row = db.session.get(User, user.id)
        row.totp_secret_enc, row.totp_enabled = crypto.encrypt(SECRET), True
        db.session.commit()
    with time_machine.travel(datetime(2030, 1, 1, 9, 0, 10, tzinfo=UTC), tick=False):
        sign_in(client, user.email)
        client.post("/staff/two-factor", data={"code": pyotp.TOTP(SECRET).now()})

    # A patient's self-check, then intake with contact details, then withdrawal (erasure).
    client.post("/api/v1/assessments", json={"answers": typical_answers(pain_worst=7)})
    patient = app.test_client()
    path = intake.sent(patient, email=PATIENT_EMAIL)
    reviewed = intake.sent(app.test_client())

    # A practitioner finds, reads, prints and exports it (contact details decrypted for the page).
    staff = signed_in(app, add_user(app, email="reviewer@clinic.test"))
    with app.app_context():
        submission_id = db.session.scalar(select(Submission.id).where(Submission.public_id == reviewed.split("/")[-1]))
    for query in (intake.NAME, intake.EMAIL, intake.PHONE):
        staff.post("/staff/search", data={"q": query})
    for page in (
        f"/staff/submissions/{submission_id}",
        f"/staff/submissions/{submission_id}/print",
        "/staff/export.csv",
    ):
        assert staff.get(page).status_code == 200, page
    patient.post(f"{path}/withdraw")

    logged = "\n".join(
        record.getMessage() + (record.exc_text or "") + repr(getattr(record, "args", "")) for record in caplog.records
    )
    assert logged, "nothing was logged at all: the capture is not working"
    for secret in (
        PASSWORD,
        "a wrong password typed by mistake",
        token,
        SECRET,
        PATIENT_EMAIL,
        intake.EMAIL,
        intake.EMAIL.lower(),
        intake.NAME,
        intake.PHONE,
        intake.PHONE_E164,
        intake.MESSAGE,
        user.email,
        "unknown.person@clinic.test",
    ):
        assert secret not in logged


def test_a_log_record_is_always_one_line(app_factory):
    app = app_factory()

    def fails() -> str:
        from flask import request

        raise ValueError(f"could not read {request.args['q']}")

    app.add_url_rule("/fails", view_func=fails)
    forged = "x\n2030-01-01 09:00:00,000 INFO app.staff.sessions: admin signed in\r\u2028more"
    stream = io.StringIO()
    response = app.test_client().get("/fails", query_string={"q": forged}, errors_stream=stream)
    assert response.status_code == 500
    written = stream.getvalue()
    assert written.count("\n") == 1 and written.endswith("\n")  # one record, one line, traceback included
    assert "\r" not in written and "\u2028" not in written
    assert "ERROR app.web.errors: unhandled error" in written
    assert "\\n2030-01-01 09:00:00,000 INFO app.staff.sessions" in written  # kept, but escaped


def test_the_formatter_escapes_every_kind_of_line_break():
    formatter = logs.OneLineFormatter("%(message)s")
    for brk in ("\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"):
        record = logging.LogRecord("app", logging.INFO, __file__, 1, f"a{brk}b", None, None)
        line = formatter.format(record)
        assert brk not in line
        assert line.startswith("a\\") and line.endswith("b")
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "a\\nb", None, None)
    assert formatter.format(record) == "a\\\\nb"  # a typed backslash-n stays distinguishable from a break


def test_the_app_logger_uses_the_one_line_handler_only(app):
    assert logs.handler in app.logger.handlers
    assert [h for h in app.logger.handlers if isinstance(h.formatter, logs.OneLineFormatter)] == [logs.handler]
