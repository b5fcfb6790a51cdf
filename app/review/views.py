"""Practitioners' workspace (blueprint ``practitioner``): the review queue, a submission's page with the
practitioner's own assessment and the status workflow, and erasure on request (exports: ``app.review.reports``).

Every route needs a signed-in practitioner or admin (one guard for the blueprint, ``app.staff.guards``). Views parse,
make one service call, commit once and redirect (Post/Redirect/Get); the services write the audit trail.
"""

from __future__ import annotations

from typing import Any, get_args

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app import advice
from app.flag_rules import Level
from app.models import Submission
from app.personal_data import erase_submission
from app.questionnaire import PATTERNS
from app.review import queue as queue_service
from app.review import workflow
from app.review.course_panel import panel as course_panel
from app.review.filters import SearchProblem, parse_filters, search_args
from app.review.forms import AssessmentForm, EraseForm, SearchForm, StatusForm, assessment_form, field_name
from app.review.reports import bp as reports_bp
from app.staff.guards import require_staff
from app.staff.permissions import may_see_contact
from app.web.extensions import db

bp = Blueprint("practitioner", __name__, url_prefix="/staff")
require_staff(bp, "practitioner", "admin")
# Exports and the overview, under the same guard (a nested blueprint runs its parent's before_request).
bp.register_blueprint(reports_bp)

FLAG_LEVELS = get_args(Level)  # most serious first, as declared
STATUS_PREFIX = "status"
ERASE_PREFIX = "erase"


@bp.app_template_filter("flag_levels")
def flag_levels(red_flags: list[dict[str, Any]]) -> list[str]:
    """The levels of a result's red flags, most serious first, each once."""
    levels = {flag.get("level") for flag in red_flags}
    return [level for level in FLAG_LEVELS if level in levels]


@bp.get("/")
def queue() -> ResponseReturnValue:
    """Submissions to review: open work first (urgent, then newest), then closed and withdrawn cases; filtered,
    searched and paged by the query string."""
    filters, problems = parse_filters(request.args)
    after = queue_service.Cursor.decode(request.args.get("after"))
    with_contact = may_see_contact(current_user)
    listing = queue_service.listing(filters, after, with_contact=with_contact)
    return _committed(
        render_template(
            "practitioner/queue.html",
            with_contact=with_contact,
            filters=filters,
            problems=problems,
            listing=listing,
            first_page=after is None,
            count_label=queue_service.count_label,
            is_open=queue_service.is_open,
            search_form=SearchForm(formdata=None),
            patterns=PATTERNS,
            advice=advice,
        )
    )


@bp.post("/search")
def search() -> ResponseReturnValue:
    """Turn the search text into a reference code or a keyed hash, so no name or number ends up in a URL."""
    form = SearchForm()
    filters, _ = parse_filters(MultiDict(request.form))
    kept = filters.args(reference=None, contact=None)
    if not form.validate_on_submit():
        flash("Type a reference code, or a full name, email address or phone number.")
        return redirect(url_for(".queue", **kept), 303)
    try:
        found = search_args(form.q.data, current_app.config["PHONE_REGION"])
    except SearchProblem:
        flash("That is not an email address or phone number that could be stored; check it and try again.")
        return redirect(url_for(".queue", **kept), 303)
    return redirect(url_for(".queue", **kept, **found), 303)


@bp.get("/submissions/<id:submission_id>")
def submission(submission_id: int) -> ResponseReturnValue:
    found = workflow.open_submission(submission_id) or abort(404)
    return _committed(_render(found))


@bp.post("/submissions/<id:submission_id>/assessment")
def save_assessment(submission_id: int) -> ResponseReturnValue:
    found = workflow.lock(submission_id) or abort(404)
    form = AssessmentForm()
    if not form.validate_on_submit():
        return _refused(found, "assessment", 422, assessment=form)
    try:
        workflow.save_assessment(found, form.assessment(), expected_version=form.row_version.data, actor=current_user)
    except workflow.Conflict:
        return _conflict(submission_id, "assessment", assessment=form)
    except workflow.NotAllowed:
        return _refused(found, "assessment", 409, assessment=form)
    db.session.commit()
    flash("Your assessment is saved.")
    return redirect(url_for(".submission", submission_id=submission_id, _anchor="assessment"), 303)


@bp.post("/submissions/<id:submission_id>/status")
def change_status(submission_id: int) -> ResponseReturnValue:
    found = workflow.lock(submission_id) or abort(404)
    form = StatusForm(prefix=STATUS_PREFIX)
    if not form.validate_on_submit():
        return _refused(found, "status", 422, status=form)
    try:
        workflow.change_status(found, form.to_status.data, expected_version=form.row_version.data, actor=current_user)
    except workflow.Conflict:
        return _conflict(submission_id, "status", status=form)
    except workflow.NotAllowed:
        form.to_status.errors = [f"A submission that is {found.status} cannot move to {form.to_status.data}."]
        return _refused(found, "status", 422, status=form)
    db.session.commit()
    flash(f"Moved to {form.to_status.data}.")
    return redirect(url_for(".submission", submission_id=submission_id, _anchor="workflow"), 303)


@bp.post("/submissions/<id:submission_id>/erase")
def erase(submission_id: int) -> ResponseReturnValue:
    """Erase on the person's request: contact details, answers, result and assessment go; a stub stays."""
    found = workflow.lock(submission_id) or abort(404)
    form = EraseForm(prefix=ERASE_PREFIX)
    if not form.validate_on_submit():
        return _refused(found, "erase", 422, erase=form)
    if found.status != "withdrawn":
        erase_submission(found, current_user)
        db.session.commit()
        flash("The submission is erased. Only its reference and dates remain.")
    return redirect(url_for(".submission", submission_id=submission_id), 303)


def _refused(found: Submission, what: str, code: int, **forms: Any) -> ResponseReturnValue:
    """Show the page again with the user's input and the reasons; the attempt is recorded, nothing is changed."""
    db.session.rollback()
    found = workflow.load(found.id) or abort(404)
    workflow.record_refusal(found, what, "invalid" if code == 422 else "refused")
    return _committed(_render(found, **forms)), code


def _conflict(submission_id: int, what: str, **forms: Any) -> ResponseReturnValue:
    """Someone saved first: show what they saved beside the user's own input, which is kept (409)."""
    db.session.rollback()
    found = workflow.load(submission_id) or abort(404)
    workflow.record_refusal(found, what, "conflict")
    if "assessment" in forms:
        forms["assessment"].rebase(workflow.review_version(found))
    if "status" in forms:
        forms["status"].rebase(found.row_version)
    return _committed(_render(found, conflict=what, **forms)), 409


def _render(found: Submission, conflict: str | None = None, **forms: Any) -> str:
    """The submission's page; forms not being posted are built from the saved values."""
    return render_template(
        "practitioner/submission.html",
        **workflow.page_data(found, current_user),
        assessment_form=forms.get("assessment")
        or assessment_form(found.review, workflow.review_version(found), formdata=None),
        status_form=forms.get("status")
        or StatusForm(formdata=None, prefix=STATUS_PREFIX, data={"row_version": found.row_version}),
        erase_form=forms.get("erase") or EraseForm(formdata=None, prefix=ERASE_PREFIX),
        transitions=workflow.TRANSITIONS.get(found.status, ()) if found.kind == "intake" else (),
        conflict=conflict,
        field_name=field_name,
        course=course_panel(found),  # the course of treatment and its check-ins (app/review/course_panel.py)
    )


def _committed(page: str) -> str:
    """Commit the audit event of a page once it is rendered: the page reads its rows as loaded (a commit expires
    them), and no page goes out unless its audit event is stored."""
    db.session.commit()
    return page
