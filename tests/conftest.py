"""Fixtures: a real database (SQLite file, or PostgreSQL with TEST_DATABASE_URL) built through Alembic once.

Each test then starts from empty tables. Rows are deleted after every test instead of rolled back, because the
app commits for real (and some tests write from several threads): what a test sees is what production does.
"""

from __future__ import annotations

import hashlib
import secrets
import smtplib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.models import StaffSession, User
from app.staff import passwords
from app.staff.sessions import SESSION_KEY
from app.web.extensions import db

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture(autouse=True)
def no_outbound_mail(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mail from a test reaches only an SMTP server on this machine (``tests/smtp.py``), never anyone's inbox."""
    connect = smtplib.SMTP.connect

    def local_only(self: smtplib.SMTP, host: str = "localhost", port: int = 0, source_address: Any = None) -> Any:
        assert host in LOOPBACK, f"a test tried to send mail through {host}"
        return connect(self, host, port, source_address)

    monkeypatch.setattr(smtplib.SMTP, "connect", local_only)


def _reset_schema(url: str) -> None:
    """Start every run from an empty database, whatever an earlier run left behind."""
    engine = create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    import os

    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    _reset_schema(url)
    app = create_app({"APP_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def empty_tables(app: Flask) -> None:
    """Remove every row a test wrote, then close the app's connections."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # TRUNCATE also passes the audit trail's append-only trigger, which guards row deletes.
                names = ", ".join(table.name for table in db.metadata.sorted_tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())
        db.engine.dispose()


def make_app(database_url: str, **overrides: object) -> Flask:
    return create_app({"APP_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": database_url, **overrides})


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(database_url)
    yield app
    empty_tables(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def app_factory(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build extra apps with other settings (CSRF on, an unreachable database …); their pools close afterwards."""
    made: list[Flask] = []

    def build(database: str | None = None, **overrides: object) -> Flask:
        made.append(make_app(database or database_url, **overrides))
        return made[-1]

    yield build
    for extra in made:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()
    if made:
        # A test may build only extra apps: what they wrote must not reach the next test (tests run in random order).
        empty_tables(make_app(database_url))


PASSWORD = "a long and unusual passphrase"


def make_user(email: str = "practitioner@clinic.test", role: str = "practitioner", **fields: Any) -> User:
    """Create a staff account (call inside an app context); the password is ``PASSWORD``."""
    user = User(email=email, role=role, password_hash=passwords.hash_password(PASSWORD), **fields)
    db.session.add(user)
    db.session.commit()
    return user


class StaffClient(FlaskClient):
    """A test client already signed in as ``user``, through a real server-side staff session.

    Like Flask-Login's ``FlaskLoginClient``, but the session row exists, so sign-out, timeouts and deactivation
    behave as in production.
    """

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is None:
            return
        token = secrets.token_urlsafe(32)
        with self.application.app_context():
            db.session.add(StaffSession(id=hashlib.sha256(token.encode()).hexdigest(), user_id=user.id))
            db.session.commit()
        with self.session_transaction() as session:
            session[SESSION_KEY] = token
            session["_user_id"] = str(user.id)
            session["_fresh"] = True


def _staff_client(app: Flask, role: str, email: str) -> FlaskClient:
    with app.app_context():
        user = make_user(email=email, role=role)
        db.session.refresh(user)
        db.session.expunge(user)
    app.test_client_class = StaffClient
    return app.test_client(user=user)


@pytest.fixture
def practitioner_client(app: Flask) -> FlaskClient:
    """A client signed in as a practitioner."""
    return _staff_client(app, "practitioner", "practitioner@clinic.test")


@pytest.fixture
def admin_client(app: Flask) -> FlaskClient:
    """A client signed in as an admin."""
    return _staff_client(app, "admin", "admin@clinic.test")
