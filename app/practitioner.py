"""Practitioners' workspace (blueprint ``practitioner``): every route needs a signed-in practitioner or admin."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from app import audit
from app.extensions import db
from app.guards import require_staff
from app.models import Submission

bp = Blueprint("practitioner", __name__, url_prefix="/staff")
require_staff(bp, "practitioner", "admin")


@bp.get("/")
def queue() -> ResponseReturnValue:
    """Submissions to review: urgent first, then newest."""
    rows = db.session.scalars(
        select(Submission)
        .order_by(Submission.urgent.desc(), Submission.created_at.desc(), Submission.id.desc())
        .limit(50)
    ).all()
    audit.record("list", target="queue", count=len(rows))
    db.session.commit()
    return render_template("practitioner/queue.html", submissions=rows)
