"""Check-ins for the person (blueprint ``check_in``, public): reached from their result's private link at any time.

The page says plainly where things stand (no check-in yet, not yet due, done, closed) and shows the open check-in
as one page that works without JavaScript. Post/Redirect/Get; an invalid post shows everything typed with the
messages beside the fields (422), a database outage keeps it too (503). An urgent red flag gives the first screen's
urgent advice at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy.exc import DBAPIError, IntegrityError

from app import advice, services
from app.input_values import Refused, parse_integer
from app.models import Course, Submission, utcnow
from app.outcomes import measures, service
from app.outcomes.forms import CheckInForm
from app.patient.step_markup import step_fields
from app.questionnaire import FieldError
from app.questionnaires.check_in import QUESTIONNAIRE as CHECK_IN
from app.web import i18n
from app.web.errors import RETRY_AFTER_SECONDS, worth_retrying
from app.web.extensions import db, limiter

bp = Blueprint("check_in", __name__)


def _submission(public_id: str) -> Submission:
    return services.submission_by_public_id(public_id) or abort(404)


@bp.get("/result/<public_id>/check-in")
def form(public_id: str) -> ResponseReturnValue:
    submission = _submission(public_id)
    course = service.course_for(submission.id) if submission.status != "withdrawn" else None
    slot = _open_slot(course)
    if course is None or slot is None:
        return _status(submission, course)
    return _render_form(public_id, slot.week, slot.closes, CheckInForm())


@bp.post("/result/<public_id>/check-in")
@limiter.limit(lambda: str(current_app.config["CHECK_IN_LIMIT"]))
def save(public_id: str) -> ResponseReturnValue:
    try:
        return _save(public_id)
    except IntegrityError:
        # Another post of this form stored the check-in at this very moment: show it.
        db.session.rollback()
        return redirect(url_for(".done", public_id=public_id, week=_posted_week()), 303)
    except DBAPIError as error:
        if not worth_retrying(error):
            raise
        db.session.rollback()
        # The database is unreachable: keep everything on the page and ask the person to send it again shortly.
        page = _render_form(public_id, _posted_week(), None, CheckInForm(), unavailable=True)
        return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _save(public_id: str) -> ResponseReturnValue:
    submission = _submission(public_id)
    course = service.course_for(submission.id, lock=True) if submission.status != "withdrawn" else None
    slot = _posted_slot(course)
    if course is None or slot is None:
        return _status(submission, course), 409
    done = next((c for c in course.check_ins if c.week == slot.week), None)
    if done is not None:  # a double click, or a retry after the first post went through
        return redirect(url_for(".done", public_id=public_id, week=slot.week), 303)
    posted = CheckInForm()
    answers = posted.check()
    if answers is None:
        db.session.rollback()
        return _render_form(public_id, slot.week, slot.closes, posted, errors=posted.errors()), 422
    check_in, _ = service.record_check_in(course, slot.week, answers, language=i18n.language(), now=utcnow())
    if check_in is None:
        db.session.rollback()
        return _status(submission, course), 409
    db.session.commit()
    return redirect(url_for(".done", public_id=public_id, week=slot.week), 303)


@bp.get("/result/<public_id>/check-in/<int:week>")
def done(public_id: str, week: int) -> ResponseReturnValue:
    """A check-in once sent: the urgent advice of the first screen for an urgent red flag, else thanks."""
    submission = _submission(public_id)
    course = service.course_for(submission.id) if submission.status != "withdrawn" else None
    check_in = next((c for c in course.check_ins if c.week == week), None) if course else None
    if course is None or check_in is None:
        abort(404)
    result = {"urgent": check_in.urgent, "red_flags": check_in.red_flags}
    template = "outcomes/urgent.html" if check_in.urgent else "outcomes/thanks.html"
    return render_template(
        template,
        submission=submission,
        course=course,
        check_in=check_in,
        result=result,
        next_slot=measures.next_slot(service.schedule(course, utcnow())),
        q=CHECK_IN,
        advice=advice,
    )


@bp.get("/result/<public_id>/check-ins/stop")
def confirm_stop(public_id: str) -> ResponseReturnValue:
    submission = _submission(public_id)
    course = service.course_for(submission.id) if submission.status != "withdrawn" else None
    if course is None or course.status != "active":
        return _status(submission, course)
    return render_template("outcomes/stop.html", submission=submission, form=FlaskForm())


@bp.post("/result/<public_id>/check-ins/stop")
@limiter.limit(lambda: str(current_app.config["CHECK_IN_LIMIT"]))
def stop(public_id: str) -> ResponseReturnValue:
    if not FlaskForm().validate():
        abort(400)
    submission = _submission(public_id)
    course = service.course_for(submission.id, lock=True) if submission.status != "withdrawn" else None
    if course is not None:
        service.stop_check_ins(course, now=utcnow())
        db.session.commit()
    return redirect(url_for(".form", public_id=public_id), 303)


def _open_slot(course: Course | None) -> measures.Slot | None:
    if course is None or not service.accepting(course):
        return None
    return measures.open_slot(service.schedule(course, utcnow()))


def _posted_slot(course: Course | None) -> measures.Slot | None:
    """The week the form was made for (a hidden field): taken while it can be answered, even if it closed meanwhile."""
    if course is None or not service.accepting(course):
        return None
    week = _posted_week()
    schedule = service.schedule(course, utcnow())
    return next((s for s in schedule if s.week == week and s.state != "upcoming"), None)


def _posted_week() -> int:
    try:
        return parse_integer(request.form.get("week", ""), 1, measures.MAX_WEEK)
    except Refused:
        abort(400)  # no page makes this form without a week


def _status(submission: Submission, course: Course | None) -> str:
    """Where the person's check-ins stand when there is none to answer now."""
    if submission.status == "withdrawn":
        return render_template("intake/withdrawn.html", submission=submission)
    now = utcnow()
    if course is None:
        state = "none"
    elif course.status != "active":
        state = course.status  # "finished" or "stopped"
    elif not service.accepting(course):
        state = "closed"
    else:
        state = "waiting"
    schedule = service.schedule(course, now) if course is not None else []
    return render_template(
        "outcomes/status.html",
        submission=submission,
        state=state,
        next_slot=measures.next_slot(schedule) if state == "waiting" else None,
        last=course.check_ins[-1] if course is not None and course.check_ins else None,
    )


def _render_form(
    public_id: str,
    week: int,
    closes: datetime | None,
    posted: CheckInForm,
    errors: dict[str, FieldError] | None = None,
    unavailable: bool = False,
) -> str:
    errors = errors or {}
    values = posted.answers() if request.method == "POST" else {}
    parts: list[tuple[Any, Any]] = [
        (section, step_fields(CHECK_IN, section, values, values, errors)) for section in CHECK_IN.sections
    ]
    return render_template(
        "outcomes/check_in.html",
        public_id=public_id,
        week=week,
        closes=closes,
        parts=parts,
        q=CHECK_IN,
        errors=errors,
        unavailable=unavailable,
    )


@bp.app_template_global()
def check_in_link(submission: Submission) -> dict[str, Any] | None:
    """For the result page: whether this intake has check-ins, and whether one is open now."""
    if submission.kind != "intake" or submission.status == "withdrawn":
        return None
    course = service.course_for(submission.id)
    if course is None:
        return None
    schedule = service.schedule(course, utcnow())
    return {
        "active": service.accepting(course),
        "open": measures.open_slot(schedule) if service.accepting(course) else None,
        "next": measures.next_slot(schedule) if service.accepting(course) else None,
    }
