"""Reliability of the database layer: SQLite tuning, concurrent writers, outages, and a factory without I/O."""

from __future__ import annotations

import base64
import fcntl
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Engine, event, func, select, text

import config
from app import create_app
from app.models import Submission
from app.questionnaires import current
from app.services import record_assessment
from app.web.database import SQLiteConnection, single_read
from app.web.extensions import db
from tests.answers import typical_answers
from tests.conftest import make_app

ROOT = Path(__file__).resolve().parents[3]
CLOSED_PORT_URL = "postgresql+psycopg://postgres@127.0.0.1:1/none"
GOOD_KEY = "k" * 48
# Other keys production insists on (personal data at rest), so these tests see only the SECRET_KEY check.
OTHER_PRODUCTION_KEYS = {"ENCRYPTION_KEYS": base64.urlsafe_b64encode(b"e" * 32).decode(), "HASH_KEY": "h" * 48}


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    """A fresh SQLite file migrated through Alembic, whatever database the rest of the suite runs on."""
    path = tmp_path / "screening.db"
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def sqlite_app(sqlite_path: Path) -> Iterator[Flask]:
    app = make_app(f"sqlite:///{sqlite_path}")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def add_probe(app: Flask, path: str) -> None:
    """A page that needs the database and, unlike /health, lets a failure reach the app's error handlers."""

    def probe() -> str:
        return str(db.session.scalar(select(func.count()).select_from(Submission)))

    app.add_url_rule(path, endpoint=f"probe{path.replace('/', '_')}", view_func=probe)


def assert_no_stack_trace(body: str) -> None:
    for leak in ("Traceback", "sqlalchemy", "psycopg", "OperationalError", 'File "'):
        assert leak not in body


# SQLite tuning


def test_sqlite_runs_in_wal_with_busy_timeout_and_foreign_keys(sqlite_app: Flask) -> None:
    with sqlite_app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_writing_request_holds_sqlite_write_lock_from_its_first_read(sqlite_app: Flask, sqlite_path: Path) -> None:
    """Views read before they write; a deferred read would fail at once when it turns into a write."""
    other = sqlite3.connect(sqlite_path, timeout=0, isolation_level=None)
    try:
        with sqlite_app.test_request_context("/anything", method="POST"):
            db.session.scalar(select(func.count()).select_from(Submission))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            db.session.rollback()
        with sqlite_app.test_request_context("/anything", method="GET"):
            db.session.scalar(select(func.count()).select_from(Submission))
            other.execute("BEGIN IMMEDIATE")  # a page that only reads leaves the write lock free
            other.execute("ROLLBACK")
            db.session.rollback()
    finally:
        other.close()


def test_a_single_read_sends_its_select_alone_and_sees_committed_rows(sqlite_app: Flask) -> None:
    sent: list[str] = []
    with sqlite_app.test_request_context("/anything", method="POST"):
        record_assessment(typical_answers(), current(), source="api")
        db.session.commit()
        event.listen(db.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
        with single_read() as connection:
            assert connection.scalar(select(func.count()).select_from(Submission)) == 1
        with db.engine.connect() as connection:
            connection.scalar(select(func.count()).select_from(Submission))
    assert [statement.split()[0] for statement in sent] == ["SELECT", "BEGIN", "SELECT"]


def test_a_process_write_lock_queues_writers_and_is_given_back_however_the_transaction_ends(
    sqlite_app: Flask,
) -> None:
    with sqlite_app.app_context():
        for end in ("commit", "rollback", "close"):
            with sqlite_app.test_request_context("/anything", method="POST"):
                db.session.scalar(select(func.count()).select_from(Submission))
                driver = db.session.connection().connection.dbapi_connection
                assert isinstance(driver, SQLiteConnection)
                lock = driver.write_lock
                assert lock is not None and lock.locked()
                if end == "close":
                    db.session.connection().invalidate()
                else:
                    getattr(db.session, end)()
                assert not lock.locked()
                db.session.remove()


def test_other_processes_wait_for_the_write_lock_on_a_file_beside_the_database(
    sqlite_app: Flask, sqlite_path: Path
) -> None:
    other_process = os.open(f"{sqlite_path}-writer", os.O_RDWR | os.O_CREAT)  # a lock of its own, as another process
    try:
        with sqlite_app.test_request_context("/anything", method="POST"):
            db.session.scalar(select(func.count()).select_from(Submission))
            with pytest.raises(BlockingIOError):
                fcntl.flock(other_process, fcntl.LOCK_EX | fcntl.LOCK_NB)
            db.session.commit()
            fcntl.flock(other_process, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free once the transaction ends
            fcntl.flock(other_process, fcntl.LOCK_UN)
            db.session.remove()
    finally:
        os.close(other_process)


# Concurrent writers (on the suite's database: SQLite, or PostgreSQL with TEST_DATABASE_URL)


def test_concurrent_writers_all_succeed(app: Flask) -> None:
    writers = 8
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                record_assessment(typical_answers(), current(), source="api")
                db.session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with app.app_context():
        references = db.session.scalars(select(Submission.reference)).all()
    assert len(set(references)) == writers


# Outages


@pytest.mark.parametrize(
    "url",
    [CLOSED_PORT_URL, "sqlite:////nonexistent-directory/screening.db"],
    ids=["postgresql-down", "sqlite-unreachable"],
)
def test_app_boots_while_database_is_down_and_health_says_so(url: str) -> None:
    app = make_app(url)
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.json == {"status": "degraded", "database": "unavailable"}
    assert int(response.headers["Retry-After"]) > 0
    assert_no_stack_trace(response.get_data(as_text=True))


def test_health_ok(client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_outage_on_an_api_page_answers_json_503(caplog: pytest.LogCaptureFixture) -> None:
    app = make_app(CLOSED_PORT_URL)
    add_probe(app, "/api/v1/_probe")
    response = app.test_client().get("/api/v1/_probe")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.json["status"] == 503
    assert_no_stack_trace(response.get_data(as_text=True))
    assert "Traceback" not in caplog.text  # expected, so logged as a warning without a stack trace


def test_outage_on_a_page_answers_html_503() -> None:
    app = make_app(CLOSED_PORT_URL)
    add_probe(app, "/_probe")
    response = app.test_client().get("/_probe")
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert int(response.headers["Retry-After"]) > 0
    assert "Content-Security-Policy" in response.headers
    assert_no_stack_trace(response.get_data(as_text=True))


def test_app_recovers_when_the_database_returns_without_restart(tmp_path: Path) -> None:
    folder = tmp_path / "not-yet"
    app = make_app(f"sqlite:///{folder / 'screening.db'}")
    client = app.test_client()
    assert client.get("/health").status_code == 503

    folder.mkdir()  # the database comes back (here: its folder is mounted again)
    with app.app_context():
        upgrade()
    assert client.get("/health").status_code == 200
    with app.app_context():
        db.engine.dispose()


# Engine settings and the factory


def test_pool_pre_ping_is_on_for_a_database_server() -> None:
    """A restarted database server must not turn the next request into an error."""
    app = make_app(CLOSED_PORT_URL)
    with app.app_context():
        assert db.engine.pool._pre_ping is True


def test_postgresql_pool_timeout_is_short() -> None:
    """Overload becomes a fast 503 instead of requests queueing behind an exhausted pool."""
    app = make_app(CLOSED_PORT_URL)
    with app.app_context():
        assert db.engine.pool.timeout() <= 10


def test_create_app_does_no_database_io(database_url: str, tmp_path: Path) -> None:
    connects: list[object] = []

    def count(*_args: object) -> None:
        connects.append(_args)

    event.listen(Engine, "connect", count)
    try:
        make_app(database_url)
        make_app(CLOSED_PORT_URL)  # would raise if the factory touched the database
        make_app(f"sqlite:///{tmp_path / 'never.db'}")
    finally:
        event.remove(Engine, "connect", count)
    assert connects == []
    assert not (tmp_path / "never.db").exists()


def test_migrations_are_not_run_by_the_factory(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'empty.db'}")
    with app.app_context():
        tables = db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'table'")).all()
        db.session.remove()
        db.engine.dispose()
    assert tables == []


# Production configuration


@pytest.mark.parametrize("key", [None, "", "short", config.DEVELOPMENT_SECRET_KEY])
def test_production_refuses_to_start_without_a_real_secret_key(key: str | None) -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            {
                "APP_CONFIG": "production",
                "SECRET_KEY": key,
                "SQLALCHEMY_DATABASE_URI": CLOSED_PORT_URL,
                **OTHER_PRODUCTION_KEYS,
            }
        )


def test_production_starts_with_a_real_secret_key() -> None:
    app = create_app(
        {
            "APP_CONFIG": "production",
            "SECRET_KEY": GOOD_KEY,
            "SQLALCHEMY_DATABASE_URI": CLOSED_PORT_URL,
            **OTHER_PRODUCTION_KEYS,
        }
    )
    assert app.debug is False
    assert app.config["SESSION_COOKIE_SECURE"] is True


def boot_from_environment(**variables: str) -> subprocess.CompletedProcess[str]:
    """Start the app as gunicorn would: configuration from the environment only."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "APP_CONFIG", "DATABASE_URL"}}
    env.update(APP_CONFIG="production", DATABASE_URL=CLOSED_PORT_URL, **OTHER_PRODUCTION_KEYS, **variables)
    return subprocess.run(
        [sys.executable, "-c", "from app import create_app; create_app()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_from_the_environment_needs_secret_key() -> None:
    refused = boot_from_environment()
    assert refused.returncode != 0
    assert "Set SECRET_KEY" in refused.stderr

    started = boot_from_environment(SECRET_KEY=GOOD_KEY)
    assert started.returncode == 0, started.stderr
