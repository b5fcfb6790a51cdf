"""Engine settings and transaction helpers for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import has_request_context, request
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session

from app.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15_000


def engine_options(uri: str, pool_timeout: int) -> dict[str, Any]:
    """Options per engine: a restarted database must not turn the next request into an error."""
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, "pool_pre_ping": True}
    return {"pool_pre_ping": True, "pool_timeout": pool_timeout, "pool_size": 5, "max_overflow": 5}


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers work beside one writer; the busy timeout makes writers queue instead of failing."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _begin below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Erased personal data is overwritten in the file, not left in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "begin")
def _begin(conn: Connection) -> None:
    """Writes take SQLite's write lock up front, so two writers queue instead of deadlocking.

    A deferred transaction that reads and then writes cannot wait for the lock (SQLite answers "database is
    locked" at once), so every transaction of a POST request, and any marked by ``begin_write``, is immediate.
    """
    if conn.dialect.name != "sqlite":
        return
    immediate = conn.get_execution_options().get("sqlite_immediate", False) or (
        has_request_context() and request.method not in SAFE_METHODS
    )
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write() -> None:
    """Start the session's next transaction as a write transaction (outside requests: CLI, scripts, threads)."""
    if not db.session().in_transaction():
        db.session.connection(execution_options={"sqlite_immediate": True})


def reading_request() -> bool:
    """True inside a GET (or other safe) request, whose session must only read."""
    return has_request_context() and request.method in SAFE_METHODS


@contextmanager
def write_apart() -> Iterator[Session]:
    """A short write transaction of its own, for the few writes a page view makes (audit, session activity).

    A GET's session reads from a snapshot; on SQLite a write from it fails at once if anyone wrote since. Only for
    reading requests: a POST's transaction already holds the write lock, so its writes go through its session.
    """
    with Session(db.engine) as session, session.begin():
        session.connection(execution_options={"sqlite_immediate": True})
        yield session
