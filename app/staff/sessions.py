"""Staff sessions that the server can end.

Flask's session is a signed cookie, so on its own a copied cookie would outlive sign-out. Each sign-in therefore
creates a ``StaffSession`` row; the cookie carries a random token whose digest names the row, and every request
checks the row: ended, idle too long, too old, or its user deactivated means signed out.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from flask import Response, after_this_request, current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.attributes import set_committed_value

from app.models import StaffSession, User, utcnow
from app.web.database import write_apart
from app.web.extensions import db, login_manager

log = logging.getLogger(__name__)
SESSION_KEY = "staff_session"
# Record activity at most this often, so reading pages does not write on every request.
TOUCH_EVERY = timedelta(seconds=30)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, second_factor_pending: bool) -> StaffSession:
    """Begin a fresh session for ``user`` (a new token; nothing from before sign-in carries over)."""
    previous = session.get(SESSION_KEY)
    if isinstance(previous, str):
        # Signing in again (e.g. restarting an unfinished second factor) leaves no older session usable.
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.id == _digest(previous), StaffSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
    token = secrets.token_urlsafe(32)
    row = StaffSession(id=_digest(token), user_id=user.id, second_factor_pending=second_factor_pending)
    db.session.add(row)
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session[SESSION_KEY] = token
    session.permanent = True
    if not second_factor_pending:
        login_user(user, remember=False)
    return row


def complete_second_factor(row: StaffSession, user: User) -> None:
    row.second_factor_pending = False
    login_user(user, remember=False)


def current_session(now: datetime | None = None) -> StaffSession | None:
    """The live session behind this request's cookie, or None (ending it if it has timed out)."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    row = db.session.get(StaffSession, _digest(token))
    if row is None or row.ended_at is not None:
        return None
    now = now or utcnow()
    config = current_app.config
    if now - row.last_seen_at > config["STAFF_IDLE_TIMEOUT"] or now - row.created_at > config["STAFF_SESSION_LIFETIME"]:
        row.ended_at = now
        db.session.commit()
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        _record_activity_after_request(row, now)
    return row


def _record_activity_after_request(row: StaffSession, now: datetime) -> None:
    """Save the session's activity time once the view is done, in a write transaction of its own.

    Not through the request's session: a GET's session only reads, and a POST's may never commit (a form shown
    again with its errors), which must still count as activity.
    """
    session_id = row.id
    set_committed_value(row, "last_seen_at", now)

    @after_this_request
    def touch(response: Response) -> Response:
        db.session.rollback()  # the view has finished; whatever it did not commit is not kept anyway
        try:
            with write_apart() as apart:
                apart.execute(update(StaffSession).where(StaffSession.id == session_id).values(last_seen_at=now))
        except DBAPIError:
            log.warning("could not record staff session activity")
        return response


def end_session() -> None:
    """Sign out: end the session row so a copied cookie stops working, and clear the cookie."""
    row = current_session()
    if row is not None:
        row.ended_at = utcnow()
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def end_all_sessions(user: User, keep: StaffSession | None = None) -> None:
    """End every session of a user (deactivation, a password reset), or every one but ``keep``."""
    query = update(StaffSession).where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(StaffSession.id != keep.id)
    db.session.execute(query.values(ended_at=utcnow()))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    row = current_session()
    if row is None or row.second_factor_pending or str(row.user_id) != user_id:
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        # Deactivated since: this session is over for good, even if the account is reactivated later.
        row.ended_at = utcnow()
        db.session.commit()
        return None
    return user
