"""Intake before a first visit (blueprint ``intake``): send a result to the clinic, withdraw it, the privacy notice.

Everything hangs off the result's private link (``/result/<public_id>``), so no URL carries anything personal.
Thin views: parse, one service call, one commit, then Post/Redirect/Get. A refused post (invalid details, an
automated look, too many posts, the database away) shows the form again with everything the person typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import TooManyRequests

from app import advice, clinic, services
from app.intake import privacy, service
from app.intake.contact_form import ANCHORS, ContactForm
from app.intake.service import CONTACT_METHODS, CONTACT_TIMES, NotWithdrawable
from app.models import Submission, utcnow
from app.web import i18n
from app.web.errors import RETRY_AFTER_SECONDS, worth_retrying
from app.web.extensions import db, limiter

bp = Blueprint("intake", __name__)


def _limit(setting: str) -> Callable[[], str]:
    """A rate limit read from configuration at request time, so each app (and test) can set its own."""
    return lambda: str(current_app.config[setting])


def _submission(public_id: str) -> Submission:
    return services.submission_by_public_id(public_id) or abort(404)


def _result(public_id: str, anchor: str | None = None) -> ResponseReturnValue:
    return redirect(url_for("patient.result", public_id=public_id, _anchor=anchor), 303)


@bp.get("/result/<public_id>/send")
def send_form(public_id: str) -> ResponseReturnValue:
    submission = _submission(public_id)
    if submission.kind != "screen" or submission.status == "withdrawn":
        return _result(public_id, "status")
    return _render_form(public_id, submission, ContactForm())


@bp.post("/result/<public_id>/send")
@limiter.limit(_limit("INTAKE_SEND_LIMIT"))
def send(public_id: str) -> ResponseReturnValue:
    try:
        return _send(public_id)
    except DBAPIError as error:
        if not worth_retrying(error):
            raise  # neither an outage nor a race: the app's error handlers answer
        db.session.rollback()
        # The database is unreachable: keep everything on the page and ask the person to retry shortly.
        page = _render_form(public_id, None, ContactForm(), unavailable=True)
        return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _send(public_id: str) -> ResponseReturnValue:
    submission = _submission(public_id)
    form = ContactForm()
    issued = form.issued()
    state = service.intake_state(submission, issued[0] if issued else None)
    if state == "already_sent":
        return render_template("intake/already_sent.html", submission=submission)
    if state is not None:  # this very form went through before (a double click, a retry), or it was withdrawn
        return _result(public_id, "status")
    config = current_app.config
    checked = form.check(region=config["PHONE_REGION"], now=utcnow(), min_seconds=config["INTAKE_MIN_SECONDS"])
    if checked is None or issued is None:
        return _render_form(public_id, submission, form), 422
    outcome = service.send_to_clinic(submission, *checked, form_token=issued[0], language=i18n.language())
    db.session.commit()
    if outcome == "already_sent":
        return render_template("intake/already_sent.html", submission=submission)
    return _result(public_id, "status")


@bp.errorhandler(TooManyRequests)
def too_many_posts(error: TooManyRequests) -> ResponseReturnValue:
    """Too many posts from one address: say so calmly, and keep what was typed on the intake form."""
    public_id = (request.view_args or {}).get("public_id", "")
    if request.endpoint == "intake.send":
        form = ContactForm()
        form.notice = _l(
            "We have received a lot of forms from your connection in a short time. Your details are still here: "
            "please wait a few minutes, then press Send again."
        )
        return _render_form(public_id, services.submission_by_public_id(public_id), form), 429
    return render_template("intake/busy.html", public_id=public_id), 429


def _render_form(public_id: str, submission: Submission | None, form: ContactForm, unavailable: bool = False) -> str:
    form.website.data = ""  # never echo the honeypot back
    result = submission.result if submission is not None else {}
    flags = result.get("red_flags") or []
    level = flags[0]["level"] if result.get("urgent") and flags else None
    settings = clinic.current()
    return render_template(
        "intake/send.html",
        public_id=public_id,
        submission=submission,
        form=form,
        urgent=advice.LEVEL_ADVICE[level] if level else None,
        urgent_action=advice.what_to_do(level, settings.emergency_number, settings.urgent_number) if level else None,
        anchors=ANCHORS,
        methods=CONTACT_METHODS,
        times=CONTACT_TIMES,
        unavailable=unavailable,
        **_notice(),
    )


@bp.get("/result/<public_id>/withdraw")
def confirm_withdraw(public_id: str) -> ResponseReturnValue:
    submission = _submission(public_id)
    if submission.kind != "intake" or submission.status == "withdrawn":
        return _result(public_id)
    return render_template("intake/withdraw.html", submission=submission, form=FlaskForm())


@bp.post("/result/<public_id>/withdraw")
@limiter.limit(_limit("INTAKE_WITHDRAW_LIMIT"))
def withdraw(public_id: str) -> ResponseReturnValue:
    if not FlaskForm().validate():
        abort(400)
    submission = _submission(public_id)
    if submission.status != "withdrawn":  # a repeated click finds it done already
        try:
            service.withdraw(submission)
        except NotWithdrawable:
            return render_template("intake/withdraw.html", submission=submission, form=FlaskForm()), 409
        db.session.commit()
    return _result(public_id)


@bp.get("/privacy")
def privacy_notice() -> ResponseReturnValue:
    return render_template("intake/privacy.html", **_notice())


def _notice() -> dict[str, Any]:
    """What ``intake/_notice.html`` shows: the notice's parts, with the settings and clinic details it quotes."""
    settings = clinic.current()
    return {
        "notice": privacy,
        "notice_parts": privacy.parts(settings),
        "notice_params": privacy.parameters(current_app.config, settings),
    }


@bp.app_template_global()
def can_withdraw(submission: Submission) -> bool:
    return service.can_withdraw(submission)
