"""Engine settings and transaction helpers for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import has_request_context, request
from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from app.web.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15_000


def engine_options(uri: str, pool_timeout: int) -> dict[str, Any]:
    """Options per engine: a restarted database server must not turn the next request into an error.

    A SQLite file has no server to restart, so its connections are not pinged (a query per checkout, for nothing).
    """
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "factory": SQLiteConnection}}
    return {"pool_pre_ping": True, "pool_timeout": pool_timeout, "pool_size": 5, "max_overflow": 5}


class WriteLock:
    """Writers to one SQLite file queue here: this process's threads on a lock, processes on a file lock beside it.

    Both hand over the moment the writer before finishes. Left to SQLite, waiting writers poll with sleeps of up
    to 100 ms, which made busy moments slow; SQLite's busy timeout now only covers writers outside the app.
    """

    def __init__(self, database: str) -> None:
        self._path = f"{database}-writer" if database and database != ":memory:" else None
        self._pid = os.getpid()
        self._thread = threading.Lock()
        self._fd: int | None = None

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self._thread.acquire(timeout=timeout):
            return False
        if self._path is None:
            return True
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        pause = 0.0002
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self._thread.release()
                    return False
                time.sleep(pause)
                pause = min(pause * 2, 0.002)

    def locked(self) -> bool:
        return self._thread.locked()

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread.release()


_write_locks: dict[str, WriteLock] = {}
_write_locks_guard = threading.Lock()


def _write_lock(database: str) -> WriteLock:
    """This process's lock for a database file (a forked worker makes its own: file locks are per open file)."""
    with _write_locks_guard:
        lock = _write_locks.get(database)
        if lock is None or lock._pid != os.getpid():
            lock = _write_locks[database] = WriteLock(database)
        return lock


class SQLiteConnection(sqlite3.Connection):
    """A driver connection that gives its process's write lock back when its transaction ends, however it ends."""

    write_lock: WriteLock | None = None

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()

    def _release(self) -> None:
        lock, self.write_lock = self.write_lock, None
        if lock is not None:
            lock.release()


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
    options = conn.get_execution_options()
    if options.get("single_read", False):
        return  # see single_read()
    immediate = options.get("sqlite_immediate", False) or (has_request_context() and request.method not in SAFE_METHODS)
    if not immediate:
        conn.exec_driver_sql("BEGIN")
        return
    driver = conn.connection.dbapi_connection
    if isinstance(driver, SQLiteConnection) and driver.write_lock is None:
        lock = _write_lock(conn.engine.url.database or "")
        if not lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
        driver.write_lock = lock
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except Exception:
        if isinstance(driver, SQLiteConnection):
            driver._release()
        raise


def single_read() -> Connection:
    """A connection of its own for one SELECT, outside the session's unit of work.

    On SQLite no ``BEGIN`` is sent: a single statement reads one consistent state of the file by itself, and the
    round trip was a tenth of the cost of reading a draft. Nothing may be written on this connection.
    """
    return db.engine.connect().execution_options(single_read=True)


def driver_scalar(statement: str) -> Any:
    """The first value of one constant SELECT, read on a pooled driver connection without a SQLAlchemy Connection.

    For the read every page makes (the clinic settings' version, ``app/clinic.py``): there a Connection, its events
    and its result cost five times the query (about 45 µs against 9). Like ``single_read`` nothing may be written.
    A driver error comes as SQLAlchemy's ``DBAPIError``, as from any other query; a lost connection is dropped.
    """
    engine = db.engine
    dbapi = engine.dialect.loaded_dbapi
    try:
        connection = engine.raw_connection()  # a refused connection raises the driver's own error here too
    except dbapi.Error as error:
        raise DBAPIError.instance(statement, None, error, dbapi.Error) from error
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(statement)
            row = cursor.fetchone()
        finally:
            cursor.close()
    except dbapi.Error as error:
        if engine.dialect.is_disconnect(error, connection.dbapi_connection, None):
            connection.invalidate(error)
        raise DBAPIError.instance(statement, None, error, dbapi.Error) from error
    finally:
        connection.close()  # back to the pool, which ends the driver's transaction (PostgreSQL) with a rollback
    return None if row is None else row[0]


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
