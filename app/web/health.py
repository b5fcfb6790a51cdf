"""Health check for load balancers and deploy scripts: is the app up, and can it reach its database?"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.web.errors import RETRY_AFTER_SECONDS
from app.web.extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/health")
def health() -> tuple[Response, int] | tuple[Response, int, dict[str, str]]:
    # The app boots while the database is down; this is where that shows.
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("health check: database unavailable: %s", type(error).__name__)
        body = jsonify({"status": "degraded", "database": "unavailable"})
        return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return jsonify({"status": "ok", "database": "ok"}), 200
