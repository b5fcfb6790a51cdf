"""Mail waiting to be sent: written in the transaction that calls for it, delivered later by ``app.web.outbox``.

A request never talks to a mail server, so an SMTP outage cannot fail it, and a mail exists exactly when the
change it tells about was committed. The recipient can be a patient's address, so it is encrypted like the contact
details (``app.web.crypto``); once a mail is sent its recipient and body are blanked (a patient's confirmation carries
their private link), leaving what the admin page and the retention purge need.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import UTCDateTime, utcnow
from app.web.extensions import db

OUTBOX_STATES = ("pending", "sent", "failed")
# Who a mail is for, which is all the admin page shows of its recipient.
CLINIC_INBOX = "clinic_inbox"
PATIENT_CONFIRMATION = "patient_confirmation"
CHECK_IN_REMINDER = "check_in_reminder"
MAIL_KINDS = (CLINIC_INBOX, PATIENT_CONFIRMATION, CHECK_IN_REMINDER)
# Mail to the person themselves: it carries their private link, so it goes when they are erased.
PATIENT_KINDS = (PATIENT_CONFIRMATION, CHECK_IN_REMINDER)
MAX_ERROR_LENGTH = 200


class OutboxMail(db.Model):  # type: ignore[name-defined,misc]
    """One mail to one recipient, and how its delivery is going."""

    __tablename__ = "outbox_mail"
    __table_args__ = (
        # What the worker claims next (pending and due, oldest first) and what the admin page lists.
        Index("ix_outbox_mail_due", "state", "next_attempt_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    # The intake it tells about: its mail goes when the intake is purged, the patient's when it is erased.
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    recipient_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    # When it may next be tried. A worker's claim moves it past the claim's lease, so a mail whose worker died is
    # due again once the lease is over.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The claim of the worker sending it now: only that worker may record how the attempt went.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The kind of failure and the server's reply code, never the reply's text (it can quote the address).
    last_error: Mapped[str | None] = mapped_column(String(MAX_ERROR_LENGTH))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
