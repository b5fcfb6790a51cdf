"""Exports and the overview (blueprint ``reports``, nested in ``practitioner`` under /staff, so its guard applies).

Each export is written to the audit trail before anything is sent.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.input_values import MAX_ID, Refused, parse_integer
from app.models import utcnow
from app.review import exports, overview, workflow
from app.review.filters import parse_filters
from app.staff.permissions import may_see_contact
from app.web import audit
from app.web.extensions import db

bp = Blueprint("reports", __name__)

FHIR_JSON = "application/fhir+json"


@bp.get("/export.csv")
def export_csv() -> ResponseReturnValue:
    """The filtered queue as CSV, streamed in queue order."""
    filters, _ = parse_filters(request.args)
    with_contact = may_see_contact(current_user)
    audit.record("export", target="queue", format="csv", contact=with_contact, **filters.summary())
    db.session.commit()
    name = f"submissions-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(exports.csv_lines(filters, with_contact)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/submissions/<id:submission_id>/fhir.json")
def export_fhir(submission_id: int) -> ResponseReturnValue:
    """The answers as a FHIR R4 QuestionnaireResponse (nothing of an erased submission is left to export)."""
    found = workflow.load(submission_id) or abort(404)
    if found.status == "withdrawn":
        abort(410)
    body = json.dumps(exports.fhir_response(found), ensure_ascii=False, indent=2)
    audit.record("export", target=workflow.target(found), format="fhir")
    db.session.commit()
    return Response(
        body,
        mimetype=FHIR_JSON,
        headers={"Content-Disposition": f'attachment; filename="{found.reference}.fhir.json"'},
    )


@bp.get("/submissions/<id:submission_id>/print")
def print_summary(submission_id: int) -> ResponseReturnValue:
    """A printable intake summary (print CSS: no navigation, no forms)."""
    found = workflow.open_submission(submission_id, "export", format="print") or abort(404)
    page = render_template("practitioner/print.html", **workflow.page_data(found, current_user), printed_at=utcnow())
    db.session.commit()  # after rendering: a commit would expire the rows the page reads
    return page


@bp.get("/overview")
def overview_page() -> ResponseReturnValue:
    """Submissions per pattern per week, the share of urgent screens, and agreement with the engine."""
    try:
        weeks = parse_integer(request.args.get("weeks") or overview.DEFAULT_WEEKS, 1, MAX_ID)  # build() caps it
    except Refused:
        weeks = overview.DEFAULT_WEEKS
    summary = overview.build(utcnow(), weeks)
    audit.record("view", target="overview", weeks=len(summary.weeks))
    db.session.commit()
    return render_template(
        "practitioner/overview.html",
        ov=summary,
        charts=overview.charts(summary),
        labels=overview.labels(),
        matrix_labels=overview.MATRIX_LABELS,
    )
