"""Anonymous self-screening: start, the questionnaire one section a step, and the result.

Every step is Post/Redirect/Get; what the person entered is saved on every post (valid or not, Next or Back),
so nothing they typed is lost. Drafts live server-side under an unguessable token in the URL.
"""

from __future__ import annotations

from collections.abc import Collection
from types import ModuleType
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext
from flask_wtf import FlaskForm
from sqlalchemy.exc import DBAPIError

from app import advice, clinic, compact_record, questionnaires, rules, services
from app.forms import step_form
from app.models import Draft
from app.patient import pain_map
from app.patient.fragments import render_page
from app.patient.step_markup import Choices, step_fields
from app.questionnaire import PATTERNS, FieldError, Question, Questionnaire, Section
from app.web.errors import RETRY_AFTER_SECONDS, worth_retrying
from app.web.extensions import db, limiter
from app.web.redirects import safe_next

bp = Blueprint("patient", __name__)


@bp.get("/")
def start() -> ResponseReturnValue:
    token = session.get("draft")
    draft = services.saved_draft(token, current_app.config["DRAFT_LIFETIME"]) if token else None
    if draft is None:
        return render_page("patient/start.html", (False,), {}, draft=False)
    links = {"continue_url": url_for(".resume", token=draft.token), "resume_url": _resume_url(draft.token)}
    return render_page("patient/start.html", (True,), links, draft=True)


@bp.post("/start")
@limiter.limit(lambda: str(current_app.config["SCREENING_START_LIMIT"]))
def begin() -> ResponseReturnValue:
    form = FlaskForm()
    if not form.validate():
        abort(400)
    draft = services.start_draft(questionnaires.current(), _language())
    db.session.commit()
    session["draft"] = draft.token
    return redirect(url_for(".step", token=draft.token, section=questionnaires.current().sections[0].key), 303)


@bp.post("/language")
def language() -> ResponseReturnValue:
    """Switch language; answers live in the draft, so nothing is lost."""
    form = FlaskForm()
    chosen = request.form.get("lang", "")
    if form.validate() and chosen in current_app.config["LANGUAGES"]:
        session["lang"] = chosen
        token = session.get("draft")
        draft = services.live_draft(token, current_app.config["DRAFT_LIFETIME"]) if token else None
        if draft is not None and draft.language != chosen:
            draft.language = chosen  # the submission records the language the person used
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for(".start"))


@bp.get("/check/<token>")
def resume(token: str) -> ResponseReturnValue:
    """A private link back into an unfinished questionnaire, at its first unanswered step."""
    draft, q = _saved_draft_or_404(token)
    section = q.first_incomplete(draft.answers) or q.sections[-1]
    return redirect(url_for(".step", token=token, section=section.key))


@bp.get("/check/<token>/<section>")
def step(token: str, section: str) -> ResponseReturnValue:
    draft, q = _saved_draft_or_404(token)
    current = q.section(section) or abort(404)
    if session.get("draft") != token:  # remember the draft for the start page's "continue" link
        session["draft"] = token
    return _render_step(q, token, draft.answers, current, values=draft.answers)


@bp.post("/check/<token>/<section>")
@limiter.limit(lambda: str(current_app.config["SCREENING_STEP_LIMIT"]))
def save_step(token: str, section: str) -> ResponseReturnValue:
    try:
        return _save_step(token, section)
    except DBAPIError as error:
        if not worth_retrying(error):
            raise  # neither an outage nor a race: the app's error handlers answer
        db.session.rollback()
        # The database is unreachable: keep the person's input on the page and ask them to retry shortly.
        q = questionnaires.current()
        current = q.section(section) or abort(404)
        form = step_form(q, current, {})
        page = _render_step(q, token, form.answers(), current, values=form.answers(), unavailable=True)
        return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _save_step(token: str, section: str) -> ResponseReturnValue:
    done = services.submission_for_token(token)
    if done is not None:  # a repeated final click, or a retry after the first one went through
        return redirect(url_for(".result", public_id=done.public_id), 303)
    draft, q = _draft_or_404(token)
    current = q.section(section) or abort(404)
    draft.language = _language()  # the language the person is answering in (their choice, or their browser's)
    form = step_form(q, current, {})
    going_back = request.form.get("action") == "back"
    clean = None if going_back else form.check(draft.answers)
    services.save_section(draft, current, clean or form.answers())
    index = q.section_index(current.key)
    if going_back:
        target: ResponseReturnValue | None = redirect(
            url_for(".step", token=token, section=q.sections[max(index - 1, 0)].key), 303
        )
    elif clean is None:
        target = None
    else:
        target = _advance(q, draft, index)
    db.session.commit()
    if target is None:
        return _render_step(q, token, draft.answers, current, form.answers(), form.question_errors()), 422
    return target


def _advance(q: Questionnaire, draft: Draft, index: int) -> ResponseReturnValue:
    """Go to the next step, or finish: at the end, or as soon as the safety check finds an urgent red flag."""
    answers, errors = q.validate(draft.answers)
    stale = next((s for s in q.sections[: index + 1] if any(x.link_id in errors for x in s.questions)), None)
    if stale is not None:  # an earlier step no longer validates (e.g. a changed answer enabled a question)
        return redirect(url_for(".step", token=draft.token, section=stale.key), 303)
    if index == len(q.sections) - 1 or rules.assess(answers, q).urgent:
        submission = services.finish_draft(draft, answers, q)
        session.pop("draft", None)
        return redirect(url_for(".result", public_id=submission.public_id), 303)
    return redirect(url_for(".step", token=draft.token, section=q.sections[index + 1].key), 303)


@bp.get("/result/<public_id>")
def result(public_id: str) -> ResponseReturnValue:
    submission = services.submission_by_public_id(public_id) or abort(404)
    if submission.status == "withdrawn":  # erased: only the stub is left (app/intake/views.py)
        return render_template("intake/withdrawn.html", submission=submission)
    q = questionnaires.by_version(submission.questionnaire_version) or abort(404)
    result = compact_record.expand(submission.result, q)
    template = "patient/urgent.html" if result["urgent"] else "patient/result.html"
    return render_template(
        template,
        submission=submission,
        result=result,
        therapies=advice.offered_therapies(result["therapies"], result["cautions"], clinic.current().therapies),
        q=q,
        advice=advice,
        patterns=PATTERNS,
    )


def _language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _draft_or_404(token: str) -> tuple[Draft, Questionnaire]:
    """The draft to change, and its questionnaire."""
    draft = services.live_draft(token, current_app.config["DRAFT_LIFETIME"]) or abort(404)
    return draft, _questionnaire_of(draft)


def _saved_draft_or_404(token: str) -> tuple[services.SavedDraft, Questionnaire]:
    """The draft to show, and its questionnaire."""
    draft = services.saved_draft(token, current_app.config["DRAFT_LIFETIME"]) or abort(404)
    return draft, _questionnaire_of(draft)


def _questionnaire_of(draft: Draft | services.SavedDraft) -> Questionnaire:
    return questionnaires.by_version(draft.questionnaire_version) or abort(404)


def _render_step(
    q: Questionnaire,
    token: str,
    answers: dict[str, Any],
    section: Section,
    values: dict[str, Any],
    errors: dict[str, FieldError] | None = None,
    unavailable: bool = False,
) -> str:
    """The step's page: ``answers`` decide which questions apply, ``values`` are what the fields show.

    A page without problems is kept per section and language (``app/patient/fragments.py``): only its links, its fields'
    answers and the CSRF token change between requests.
    """
    errors = errors or {}
    holes = {
        "action": url_for(".save_step", token=token, section=section.key),
        "fields": step_fields(q, section, answers, values, errors),
        "resume_url": _resume_url(token),
    }
    key = None if errors or unavailable else (q.version, section.key)
    return render_page("patient/step.html", key, holes, q=q, section=section, errors=errors, unavailable=unavailable)


def _resume_url(token: str) -> str:
    """The private link back into a draft, in full: the person copies it to keep."""
    return url_for(".resume", token=token, _external=True)


@bp.app_template_global()
def condition_text(q: Questionnaire, question: Question) -> str:
    """Say in words when a conditional question applies, for pages read without JavaScript."""
    # A condition on every answer of a long list but "none of these" reads better said once than listed.
    target = q.by_id[question.enable_when[0].question]
    named = {(c.question, c.answer) for c in question.enable_when}
    others = {(target.link_id, o.code) for o in target.options if not o.exclusive}
    if target.kind == "multi" and len(others) > 2 and named == others:
        return gettext("Only if you ticked any of the answers above.")
    answers = [
        "“" + gettext(option.text) + "”"
        for c in question.enable_when
        if (option := q.by_id[c.question].option(c.answer)) is not None
    ]
    return gettext("Only if you chose %(answers)s above.", answers=gettext(" or ").join(answers))


@bp.app_template_global()
def pain_map_data() -> ModuleType:
    """The pain map's shapes, for ``_macros/pain_map.html``."""
    return pain_map


@bp.app_template_global()
def pain_map_choices(codes: Collection[str]) -> Choices:
    """Regions to fill on a practitioner's copy of the map (``pain_map_figure``), as the patient's page marks them."""
    return Choices(frozenset(codes))
