"""The outbox: mail is added in the transaction that calls for it and sent by a worker, never in a request.

``flask outbox send`` runs one pass (for a timer), ``--loop`` keeps polling. A pass claims due mail one at a time:
one UPDATE moves a pending, due row to this worker's claim token and its next attempt past a lease, and only the
worker whose UPDATE changed the row sends it, so two workers (threads, processes or hosts, on SQLite or PostgreSQL)
never send one mail twice. The attempt is then recorded under the same token: sent (recipient and body blanked),
or retried after a backoff that doubles up to a cap, or ``failed`` after the last attempt, for an admin to send
again. A worker that dies mid-send leaves its claim to run out, and the mail is due again: at worst, a mail the
server took just before the worker died is sent twice; none is lost.

Logs name mails by id and kind, never by recipient, subject or body.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_mailman import EmailMessage
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from app.models import OutboxMail, utcnow
from app.models.outbox import MAX_ERROR_LENGTH
from app.web import crypto
from app.web.database import begin_write
from app.web.extensions import db, mail

log = logging.getLogger(__name__)

# The server refused one message: the pass goes on. Any other OSError (no connection, a timeout, a server that will
# not talk) is the server itself, and ends the pass; any other error is the mail's own (see _deliver).
MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def add(kind: str, recipient: str, subject: str, body: str, language: str, *, submission_id: int | None) -> OutboxMail:
    """Add a mail to the session, due now: the caller's commit is what makes it exist."""
    queued = OutboxMail(
        kind=kind,
        submission_id=submission_id,
        recipient_enc=crypto.encrypt(recipient),
        subject=subject,
        body=body,
        language=language,
        state="pending",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(queued)
    return queued


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: the first wait, doubled each time, up to the cap."""
    config = current_app.config
    first, cap = config["OUTBOX_RETRY_SECONDS"], config["OUTBOX_RETRY_CAP_SECONDS"]
    return timedelta(seconds=min(cap, first * 2 ** min(max(attempts - 1, 0), 32)))


@dataclass(frozen=True)
class Claimed:
    """A mail this worker has claimed, read out of the database, so no transaction is open while it is sent."""

    id: int
    kind: str
    token: str
    attempt: int
    recipient_enc: bytes | None
    subject: str
    body: str


@dataclass
class Pass:
    """What one pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    server_away: bool = False

    def __str__(self) -> str:
        away = " The mail server could not be reached: the rest waits for the next pass." if self.server_away else ""
        return f"Sent: {self.sent}. To try again later: {self.retrying}. Failed: {self.failed}.{away}"


def claim(now: datetime) -> Claimed | None:
    """Claim the oldest due mail for this worker; None when nothing is due."""
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    due = (OutboxMail.state == "pending", OutboxMail.next_attempt_at <= now)
    while True:
        begin_write()
        # PostgreSQL: a row another worker is claiming is skipped rather than waited for. SQLite has one writer.
        candidate = db.session.scalar(
            select(OutboxMail.id)
            .where(*due)
            .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if candidate is None:
            db.session.rollback()
            return None
        token = secrets.token_hex(16)
        taken = db.session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == candidate, *due)
            .values(
                claim_token=token,
                next_attempt_at=now + lease,
                attempts=OutboxMail.attempts + 1,
                last_attempt_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(taken, "rowcount", 0) != 1:  # another worker's claim came first: look again
            db.session.rollback()
            continue
        row = db.session.execute(
            select(
                OutboxMail.kind, OutboxMail.attempts, OutboxMail.recipient_enc, OutboxMail.subject, OutboxMail.body
            ).where(OutboxMail.id == candidate)
        ).one()
        db.session.commit()
        return Claimed(candidate, row.kind, token, row.attempts, row.recipient_enc, row.subject, row.body)


def send_due(now: datetime | None = None) -> Pass:
    """One pass: send what is due at ``now`` (default: the time of each claim), until nothing is.

    A mail the server refuses is retried later on its own; a server that cannot be reached (or will not talk) ends
    the pass, so the mails behind it are not tried, nor their attempts used up, against a server that is away.
    """
    done = Pass()
    connection = mail.get_connection()
    try:
        while (found := claim(now or utcnow())) is not None:
            error = _deliver(connection, found)
            state = _record(found, now or utcnow(), error)
            done.sent += state == "sent"
            done.retrying += state == "pending"
            done.failed += state == "failed"
            if isinstance(error, OSError) and not isinstance(error, MESSAGE_REFUSED):
                done.server_away = True
                break
    finally:
        connection.close()
    return done


def _deliver(connection: object, found: Claimed) -> Exception | None:
    """Send one claimed mail on ``connection`` (opened on first use); the failure, if any, is returned.

    Anything that goes wrong is this mail's failure, recorded and retried like a refusal: a recipient the keys cannot
    read (``ENCRYPTION_KEYS`` changed without ``flask keys rotate``) ends up failed, not in a worker that crashes on it.
    """
    try:
        if found.recipient_enc is None:
            raise ValueError("no recipient")
        message = EmailMessage(
            subject=found.subject,
            body=found.body,
            to=[crypto.decrypt(found.recipient_enc)],
            headers={"Auto-Submitted": "auto-generated"},
            connection=connection,
        )
        message.send()
    except Exception as error:
        return error
    return None


def _record(found: Claimed, now: datetime, error: Exception | None) -> str | None:
    """Record how the attempt went, under this worker's claim; the mail's new state (None: the claim was lost)."""
    config = current_app.config
    claimed = (OutboxMail.id == found.id, OutboxMail.claim_token == found.token)
    if error is None:
        values: dict[str, object] = {
            "state": "sent",
            "sent_at": now,
            "recipient_enc": None,
            "body": "",
            "last_error": None,
        }
        state = "sent"
    else:
        last = found.attempt >= config["OUTBOX_MAX_ATTEMPTS"]
        state = "failed" if last else "pending"
        values = {"state": state, "last_error": describe(error)}
        if not last:
            values["next_attempt_at"] = now + backoff(found.attempt)
    begin_write()
    changed = db.session.execute(
        update(OutboxMail)
        .where(*claimed)
        .values(claim_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if getattr(changed, "rowcount", 0) != 1:
        # The lease ran out and another worker claimed it (or an admin acted): that worker records its own attempt.
        log.warning("outbox: mail %s (%s): the claim ran out before its attempt was recorded", found.id, found.kind)
        return None
    if error is None:
        log.info("outbox: sent mail %s (%s) on attempt %s", found.id, found.kind, found.attempt)
    elif state == "failed":
        log.error(
            "outbox: mail %s (%s) failed after %s attempts: %s",
            found.id,
            found.kind,
            found.attempt,
            values["last_error"],
        )
    else:
        log.warning(
            "outbox: mail %s (%s), attempt %s: %s; next try in %s",
            found.id,
            found.kind,
            found.attempt,
            values["last_error"],
            backoff(found.attempt),
        )
    return state


def describe(error: Exception) -> str:
    """The kind of failure and any SMTP reply codes: never the reply's text, which can quote the address."""
    codes: list[int] = []
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
    elif isinstance(error, smtplib.SMTPResponseException):
        codes = [error.smtp_code]
    return " ".join([type(error).__name__, *map(str, codes)])[:MAX_ERROR_LENGTH]


def send_again(queued: OutboxMail, now: datetime | None = None) -> bool:
    """Make a failed mail (or one waiting for its next try) due now, with its attempts counted afresh if it had
    failed. A mail being sent right now or already sent is left alone: False."""
    if queued.state == "sent" or (queued.state == "pending" and queued.claim_token is not None):
        return False
    if queued.state == "failed":
        queued.attempts = 0
    queued.state = "pending"
    queued.next_attempt_at = now or utcnow()
    db.session.flush()
    return True


def run(interval: float, stop: threading.Event) -> None:
    """Send what is due every ``interval`` seconds until ``stop`` is set; a database outage waits for the next pass."""
    while not stop.is_set():
        try:
            done = send_due()
        except DBAPIError as error:
            db.session.rollback()
            log.warning("outbox: database unavailable (%s); trying again in %ss", type(error.orig).__name__, interval)
        else:
            if done.sent or done.retrying or done.failed:
                log.info("outbox: %s", done)
        db.session.remove()
        stop.wait(interval)
