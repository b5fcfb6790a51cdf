"""Mail for check-ins, through the outbox (``app.web.outbox``): a reminder to the person when a check-in falls due, and
a notice to the clinic's inbox when a check-in raises an urgent red flag.

``flask check-ins remind`` (a timer runs it, e.g. hourly) mails each open check-in's reminder once: a reminder row
per course and week is unique, and each course is locked while it is decided, so however often or concurrently the
command runs, one mail goes per due date. Only a person who gave an email address and agreed to reminders gets one,
and only while the check-in is open (a timer that was down for weeks does not mail about check-ins long closed).
Like the intake mail, neither carries health data or answers.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale, format_date, gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.intake.notifications import clinic, public_url
from app.models import DONE_STATUSES, CheckIn, CheckInReminder, Course, Submission
from app.models.outbox import CHECK_IN_REMINDER, CLINIC_INBOX
from app.outcomes import measures
from app.web import crypto, outbox
from app.web.database import begin_write
from app.web.extensions import db


def remind(now: datetime) -> int:
    """Add a reminder to the outbox for every check-in open at ``now`` not yet reminded of; returns how many."""
    begin_write()
    candidates = db.session.scalars(
        select(Course.id)
        .join(Course.submission)
        .where(Course.status == "active", Course.reminders.is_(True), Submission.status.not_in(DONE_STATUSES))
        .order_by(Course.id)
    ).all()
    added = 0
    for course_id in candidates:
        course = db.session.scalar(
            select(Course)
            .where(Course.id == course_id)
            .options(selectinload(Course.check_ins), selectinload(Course.submission).selectinload(Submission.contact))
            .with_for_update(of=Course)
            .execution_options(populate_existing=True)
        )
        if course is not None and _remind_one(course, now):
            added += 1
    db.session.flush()
    return added


def _remind_one(course: Course, now: datetime) -> bool:
    contact = course.submission.contact
    if contact is None or contact.email_enc is None:
        return False
    answered = {c.week for c in course.check_ins}
    slot = measures.open_slot(measures.slots(course.started_at, course.weeks, answered, now))
    if slot is None:
        return False
    done = db.session.scalar(
        select(CheckInReminder.id).where(CheckInReminder.course_id == course.id, CheckInReminder.week == slot.week)
    )
    if done is not None:
        return False
    db.session.add(CheckInReminder(course_id=course.id, week=slot.week, created_at=now))
    _reminder(course, slot, crypto.decrypt(contact.email_enc), course.submission.language)
    return True


def _reminder(course: Course, slot: measures.Slot, address: str, language: str) -> None:
    submission = course.submission
    link = public_url("check_in.form", public_id=submission.public_id)
    stop = public_url("check_in.confirm_stop", public_id=submission.public_id)
    with force_locale(language):
        subject = gettext("Your back pain check-in is ready")
        paragraphs = [
            gettext(
                "It is week %(week)s of your treatment. Please tell us how your back is: a few short questions, "
                "about 3 minutes.",
                week=slot.week,
            ),
            gettext("Your check-in:") + "\n" + link,
            gettext("It is open until %(date)s.", date=format_date(slot.closes, "long")),
            gettext("Anyone with the link can see your answers, so keep this email to yourself."),
            gettext("To stop check-ins and these emails:") + "\n" + stop,
            gettext(
                "This email is not medical advice. If you feel worse, do not wait for your check-in: get medical help."
            ),
            clinic(language).name,
        ]
    outbox.add(CHECK_IN_REMINDER, address, subject, "\n\n".join(paragraphs), language, submission_id=submission.id)


def urgent_notice(course: Course, check_in: CheckIn) -> None:
    """Tell the clinic's inbox (if it has one) that a check-in raised an urgent red flag: which intake, no more."""
    inbox = clinic("en").inbox
    if not inbox:
        return
    reference = course.submission.reference
    lines = [
        f"A check-in raised an URGENT red flag: week {check_in.week} of the course for intake {reference}.",
        "",
        f"Reference: {reference}",
        f"Answered: {check_in.created_at:%Y-%m-%d %H:%M} UTC",
        "",
        "Open it (staff sign-in needed):",
        public_url("practitioner.submission", submission_id=course.submission_id),
        "",
        "Health and contact details are kept out of mail: they are on the staff page.",
    ]
    subject = f"URGENT check-in {reference}: please look at it today"
    outbox.add(CLINIC_INBOX, inbox, subject, "\n".join(lines), "en", submission_id=course.submission_id)
