"""Helpers for the staff sign-in, session and administration tests: small functions, not fixtures."""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from app.models import AuditEvent, StaffSession, User
from app.staff import passwords
from app.web.extensions import db
from tests.conftest import PASSWORD, StaffClient

SIGN_IN = "/staff/sign-in"
QUEUE = "/staff/"


@cache
def password_hash() -> str:
    """``PASSWORD`` hashed once per run: Argon2id at full cost is the slow part of making accounts."""
    return passwords.hash_password(PASSWORD)


def add_user(app: Flask, email: str = "practitioner@clinic.test", role: str = "practitioner", **fields: Any) -> User:
    """A staff account (password ``PASSWORD``), detached so it can be used after the app context closes."""
    with app.app_context():
        user = User(email=email, role=role, password_hash=password_hash(), **fields)
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
    return user


def signed_in(app: Flask, user: User) -> FlaskClient:
    """A client with a real server-side session for ``user``, as after a completed sign-in."""
    app.test_client_class = StaffClient
    return app.test_client(user=user)


def sign_in(
    client: FlaskClient, email: str, password: str = PASSWORD, next: str | None = None, **kwargs: Any
) -> TestResponse:
    """Post the sign-in form (add ``csrf_token`` in ``data`` when CSRF is on)."""
    data = {"email": email, "password": password, **kwargs.pop("data", {})}
    return client.post(SIGN_IN, query_string={"next": next} if next else None, data=data, **kwargs)


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return html.unescape(match.group(1))


def is_sign_in_redirect(response: TestResponse) -> bool:
    return response.status_code in (302, 303) and response.location.split("?")[0].endswith(SIGN_IN)


def events(app: Flask, action: str | None = None, **where: Any) -> list[AuditEvent]:
    """Audit events, oldest first, optionally of one action and with column values as given."""
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action is not None:
            query = query.where(AuditEvent.action == action)
        for column, value in where.items():
            query = query.where(getattr(AuditEvent, column) == value)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
    return rows


def live_sessions(app: Flask, user: User) -> int:
    with app.app_context():
        rows = db.session.scalars(
            select(StaffSession).where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        )
        return len(list(rows))


def reload(app: Flask, user: User) -> User:
    with app.app_context():
        fresh = db.session.get(User, user.id)
        assert fresh is not None
        db.session.expunge(fresh)
    return fresh
