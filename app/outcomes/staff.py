"""Outcomes for practitioners (blueprint ``outcomes``, under /staff behind the staff guard): a submission's course of
treatment, its check-ins and trend, the clinic's outcomes overview, the de-identified CSV, FHIR per check-in.

Views parse, make one service call, commit once and redirect (Post/Redirect/Get). A change made from an older
version of the course answers 409 with the newer values beside the user's input, as the review does.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from app import advice
from app.models import Course, Submission, utcnow
from app.outcomes import measures, report, service
from app.outcomes.forms import CourseForm, VersionForm, course_form
from app.review import workflow
from app.staff.guards import require_staff
from app.web import audit
from app.web.extensions import db

bp = Blueprint("outcomes", __name__, url_prefix="/staff")
require_staff(bp, "practitioner", "admin")
FHIR_JSON = "application/fhir+json"


@bp.get("/submissions/<id:submission_id>/course")
def course_page(submission_id: int) -> ResponseReturnValue:
    found = workflow.load(submission_id) or abort(404)
    audit.record("view", target=service.target(submission_id), what="course")
    page = _render(found, service.course_for(submission_id))
    db.session.commit()
    return page


@bp.post("/submissions/<id:submission_id>/course")
def save_course(submission_id: int) -> ResponseReturnValue:
    found = workflow.lock(submission_id) or abort(404)
    course = service.course_for(submission_id, lock=True)
    form = CourseForm()
    if not form.validate_on_submit():
        return _refused(submission_id, "invalid", 422, form)
    try:
        if course is None:
            service.start_course(found, form.details(), actor=current_user, now=utcnow())
        else:
            service.update_course(
                course, form.details(), expected_version=form.row_version.data, actor=current_user, now=utcnow()
            )
    except service.Conflict:
        return _refused(submission_id, "conflict", 409, form)
    except service.NotAllowed:
        return _refused(submission_id, "refused", 409, form)
    db.session.commit()
    flash("The course of treatment is saved." if course else "The course of treatment has started.")
    return redirect(url_for("practitioner.submission", submission_id=submission_id, _anchor="course"), 303)


@bp.post("/submissions/<id:submission_id>/course/finish")
def finish_course(submission_id: int) -> ResponseReturnValue:
    course = service.course_for(submission_id, lock=True) or abort(404)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.finish_course(course, expected_version=form.row_version.data, actor=current_user, now=utcnow())
    except (service.Conflict, service.NotAllowed):
        db.session.rollback()
        flash("The course changed since you opened the page; nothing was changed. Check it and choose again.")
        return redirect(url_for(".course_page", submission_id=submission_id), 303)
    db.session.commit()
    flash("The course of treatment has finished: no more check-ins fall due.")
    return redirect(url_for("practitioner.submission", submission_id=submission_id, _anchor="course"), 303)


@bp.post("/submissions/<id:submission_id>/check-ins/<int:week>/handled")
def red_flag_handled(submission_id: int, week: int) -> ResponseReturnValue:
    course = service.course_for(submission_id, lock=True) or abort(404)
    if not FlaskForm().validate():
        abort(400)
    try:
        service.mark_handled(course, week, actor=current_user, now=utcnow())
    except service.NotAllowed:
        abort(404)
    db.session.commit()
    flash(f"The red flag of the week {week} check-in is recorded as dealt with.")
    return redirect(url_for("practitioner.submission", submission_id=submission_id, _anchor="course"), 303)


@bp.get("/submissions/<id:submission_id>/check-ins/<int:week>/fhir.json")
def export_fhir(submission_id: int, week: int) -> ResponseReturnValue:
    """A check-in as a FHIR R4 QuestionnaireResponse of the check-in questionnaire."""
    course = service.course_for(submission_id) or abort(404)
    check_in = next((c for c in course.check_ins if c.week == week), None) or abort(404)
    body = json.dumps(report.fhir_response(course.submission, check_in), ensure_ascii=False, indent=2)
    audit.record("export", target=service.target(submission_id), format="fhir", what="check_in", week=week)
    db.session.commit()
    name = f"{course.submission.reference}-week-{week}.fhir.json"
    return Response(body, mimetype=FHIR_JSON, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/outcomes")
def overview_page() -> ResponseReturnValue:
    """PEG change at each check-in week, by the practitioner's pattern and by therapy, small groups hidden."""
    minimum = current_app.config["OUTCOME_MIN_GROUP"]
    summary = report.build(report.outcome_rows(), minimum, advice.THERAPY_CODES)
    audit.record("view", target="outcomes")
    db.session.commit()
    return render_template("outcomes/staff/overview.html", ov=summary, advice=advice, measures=measures)


@bp.get("/outcomes.csv")
def export_csv() -> ResponseReturnValue:
    """Every check-in's outcome row, de-identified (``report.csv_lines``)."""
    rows = report.outcome_rows()
    audit.record("export", target="outcomes", format="csv", count=len(rows))
    db.session.commit()
    name = f"outcomes-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        "".join(report.csv_lines(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _refused(submission_id: int, outcome: str, code: int, form: CourseForm) -> ResponseReturnValue:
    """Show the course page again with the user's input and the reasons; the attempt is recorded."""
    db.session.rollback()
    found = workflow.load(submission_id) or abort(404)
    course = service.course_for(submission_id)
    audit.record("change", target=service.target(submission_id), outcome=outcome, what="course")
    if outcome == "conflict" and course is not None:
        form.rebase(course.row_version)
    page = _render(found, course, form=form, conflict=outcome == "conflict")
    db.session.commit()
    return page, code


def _render(found: Submission, course: Course | None, form: CourseForm | None = None, conflict: bool = False) -> str:
    default = found.review.primary_pattern if found.review else found.primary_pattern
    return render_template(
        "outcomes/staff/course.html",
        s=found,
        course=course,
        form=form or course_form(course, default, formdata=None),
        finish_form=VersionForm(formdata=None, data={"row_version": course.row_version if course else 0}),
        may_start=service.may_start(found),
        has_email=found.contact is not None and found.contact.email_enc is not None,
        conflict=conflict,
        advice=advice,
        measures=measures,
        schedule=service.schedule(course, utcnow()) if course else [],
    )
