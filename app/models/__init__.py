"""Typed SQLAlchemy 2 models, one module per area. Nothing here commits: services flush, the view or command commits.

May import the core and ``app.web.extensions`` (the ``db`` they are declared on); nothing above them.
"""

from app.models.audit import AuditEvent
from app.models.base import REFERENCE_ALPHABET, UTCDateTime, new_reference, new_token, utcnow
from app.models.clinic import SETTINGS_ROW, ClinicSettings
from app.models.outbox import MAIL_KINDS, OUTBOX_STATES, OutboxMail
from app.models.outcomes import COURSE_STATUSES, CheckIn, CheckInReminder, Course
from app.models.screening import DONE_STATUSES, STATUSES, Contact, Draft, Review, StatusChange, Submission
from app.models.staff import ROLES, StaffSession, User

__all__ = [
    "COURSE_STATUSES",
    "DONE_STATUSES",
    "MAIL_KINDS",
    "OUTBOX_STATES",
    "REFERENCE_ALPHABET",
    "ROLES",
    "SETTINGS_ROW",
    "STATUSES",
    "AuditEvent",
    "CheckIn",
    "CheckInReminder",
    "ClinicSettings",
    "Contact",
    "Course",
    "Draft",
    "OutboxMail",
    "Review",
    "StaffSession",
    "StatusChange",
    "Submission",
    "UTCDateTime",
    "User",
    "new_reference",
    "new_token",
    "utcnow",
]
