"""Error pages: JSON under /api, calm HTML elsewhere; never a stack trace."""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import BadRequest, Conflict, HTTPException, InternalServerError, SecurityError

from app.web.extensions import db

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
# What SQLite says when its file is busy or cannot be reached (its other OperationalErrors are bugs).
SQLITE_UNAVAILABLE = ("locked", "busy", "unable to open", "disk i/o", "out of memory")


def wants_json() -> bool:
    return request.path.startswith("/api/")


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(DBAPIError, handle_database)
    app.register_error_handler(PoolTimeout, handle_database)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(IntegrityError, handle_conflict)
    app.register_error_handler(Exception, handle_unexpected)


def handle_http(error: HTTPException) -> Response | tuple[Response | str, int, list[tuple[str, str]]]:
    if error.response is not None:  # the page was made where the error arose (abort(response), a limit's page)
        return error.response  # type: ignore[return-value]
    code = error.code or 500
    # Keep what the error says beyond its body (Allow on a 405, Retry-After on a 429 or 503).
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    if wants_json():
        return jsonify({"errors": {"_": error.description}, "status": code}), code, headers
    if isinstance(error, SecurityError):
        # A Host header outside TRUSTED_HOSTS: no URL can be built for it, so the page template cannot render.
        return Response(error.name, code, mimetype="text/plain"), code, headers
    return render_template("errors/error.html", code=code, title=error.name), code, headers


def database_unavailable(error: Exception) -> bool:
    """Whether a database error means the database cannot be reached (or is busy), rather than a refused value.

    Only these are "unavailable" (503, retry): a value the database refuses is the request's fault (400), two
    requests storing the same thing at once is a conflict (409), and anything else is a bug (500).
    """
    if isinstance(error, DBAPIError) and isinstance(error.orig, sqlite3.OperationalError):
        # SQLite reports a missing table or a syntax error as an OperationalError too: those are bugs.
        return any(sign in str(error.orig).lower() for sign in SQLITE_UNAVAILABLE)
    if isinstance(error, PoolTimeout | OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def worth_retrying(error: Exception) -> bool:
    """Whether the same post can simply be sent again: the database was away, or another request stored the same
    thing at the same moment (a unique key; the retry then finds it)."""
    return database_unavailable(error) or isinstance(error, IntegrityError)


def handle_conflict(error: IntegrityError) -> ResponseReturnValue:
    """Two requests stored the same thing at once (a unique key): nothing is half-done, and a retry finds the
    first one."""
    return _refused(
        error, "a duplicate", Conflict("This was stored by another request at the same moment. Please try again.")
    )


def handle_data_error(error: DataError) -> ResponseReturnValue:
    """A value the database refused (out of range, not storable): a 400."""
    return _refused(
        error, "a value", BadRequest("Part of the request could not be stored or searched for as it was sent.")
    )


def _refused(error: DBAPIError, what: str, answer: HTTPException) -> ResponseReturnValue:
    """What the database refused because of the request: logged at info without the values, answered as ``answer``
    (unless the database is in fact unreachable)."""
    if database_unavailable(error):
        return handle_database(error)
    db.session.rollback()
    log.info("database refused %s: %s", what, type(error.orig).__name__)
    return handle_http(answer)


def handle_database(error: Exception) -> ResponseReturnValue:
    """The database is down or overloaded: say so, ask to retry, keep nothing half-done."""
    if not database_unavailable(error):
        return handle_unexpected(error)
    db.session.rollback()
    log.warning("database unavailable: %s", type(error).__name__)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if wants_json():
        body = {
            "errors": {"_": "The service is temporarily unavailable. Please retry shortly."},
            "status": 503,
        }
        return jsonify(body), 503, headers
    return render_template("errors/unavailable.html"), 503, headers


def handle_unexpected(error: Exception) -> tuple[Response | str, int, list[tuple[str, str]]]:
    db.session.rollback()
    log.exception("unhandled error")
    return handle_http(InternalServerError())
