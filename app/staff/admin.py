"""Administration (blueprint ``admin``): staff accounts, the clinic's settings, the audit trail and the mail outbox.
Admins only.

Every change to an account is audited as user administration (``app.staff.accounts``); an admin cannot lock themselves
out, so there is always an active admin. One-time passwords are shown once, in the answer to the post that made
them, and never stored anywhere but as a hash.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Select, case, func, select
from wtforms import EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Optional

from app import clinic
from app.models import ROLES, AuditEvent, OutboxMail, Submission, User
from app.models.outbox import CLINIC_INBOX
from app.staff import accounts
from app.staff.clinic_form import ClinicForm
from app.staff.guards import require_staff
from app.web import audit, crypto, outbox
from app.web.extensions import db
from app.web.field_checks import CleanText, DayField, WholeNumberField

bp = Blueprint("admin", __name__, url_prefix="/admin")
require_staff(bp, "admin")

ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in ROLES]
OUTCOMES = ("success", "failure", "denied")
AUDIT_PAGE_SIZE = 50
OUTBOX_PAGE_SIZE = 200


class NewUserForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), CleanText(254)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="practitioner")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class AuditFilterForm(FlaskForm):
    """Filters read from the query string (a search changes nothing, so it carries no CSRF token)."""

    class Meta:
        csrf = False

    action = SelectField("Action", choices=[SelectChoice("", "Any")], default="")
    actor = StringField("Actor email contains", validators=[Optional(), CleanText(254)])
    outcome = SelectField(
        "Outcome", choices=[SelectChoice("", "Any"), *(SelectChoice(o, o.capitalize()) for o in OUTCOMES)], default=""
    )
    target = StringField("Target (e.g. user:3, submission:42)", validators=[Optional(), CleanText(80)])
    since = DayField("From (UTC)", validators=[Optional()])
    until = DayField("To (UTC, inclusive)", validators=[Optional()])
    page = WholeNumberField("Page", default=1, minimum=1, validators=[Optional()])


@bp.get("/")
def index() -> ResponseReturnValue:
    return redirect(url_for(".users"))


@bp.get("/users")
def users() -> ResponseReturnValue:
    rows = db.session.scalars(select(User).order_by(User.active.desc(), func.lower(User.email))).all()
    audit.record("list", target="users", count=len(rows))
    db.session.commit()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> ResponseReturnValue:
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            email = accounts.normalise_email(form.email.data)
        except ValueError as error:
            form.email.errors = [str(error)]
        else:
            if accounts.find(email) is not None:
                form.email.errors = ["This address already has an account."]
            else:
                user, one_time = accounts.create(email, form.role.data, None)
                db.session.commit()
                return render_template("admin/one_time.html", user=user, password=one_time, created=True), 201
    status = 422 if request.method == "POST" else 200
    return render_template("admin/new_user.html", form=form), status


@bp.get("/users/<id:user_id>")
def user(user_id: int) -> ResponseReturnValue:
    account = _account(user_id)
    audit.record("view", target=f"user:{account.id}")
    db.session.commit()
    return render_template(
        "admin/user.html", user=account, role_form=RoleForm(role=account.role), form=FlaskForm(), own=_is_self(account)
    )


@bp.post("/users/<id:user_id>/role")
def change_role(user_id: int) -> ResponseReturnValue:
    account = _other_account(user_id, "change_role")
    form = RoleForm()
    if form.validate_on_submit() and form.role.data != account.role:
        accounts.set_role(account, form.role.data)
        db.session.commit()
        flash(f"{account.email} is now {form.role.data}.")
    return _back_to(account)


@bp.post("/users/<id:user_id>/password")
def reset_password(user_id: int) -> ResponseReturnValue:
    account = _other_account(user_id, "reset_password")
    one_time = accounts.set_password(account, None)
    db.session.commit()
    return render_template("admin/one_time.html", user=account, password=one_time, created=False)


@bp.post("/users/<id:user_id>/two-factor")
def reset_two_factor(user_id: int) -> ResponseReturnValue:
    account = _other_account(user_id, "reset_two_factor")
    accounts.reset_two_factor(account)
    db.session.commit()
    flash(f"Two-factor sign-in is reset for {account.email}: they set it up again at their next sign-in.")
    return _back_to(account)


@bp.post("/users/<id:user_id>/deactivate")
def deactivate(user_id: int) -> ResponseReturnValue:
    account = _other_account(user_id, "deactivate")
    accounts.set_active(account, False)
    db.session.commit()
    flash(f"{account.email} is deactivated and signed out.")
    return _back_to(account)


@bp.post("/users/<id:user_id>/reactivate")
def reactivate(user_id: int) -> ResponseReturnValue:
    account = _other_account(user_id, "reactivate")
    accounts.set_active(account, True)
    db.session.commit()
    flash(f"{account.email} can sign in again.")
    return _back_to(account)


def _account(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _is_self(account: User) -> bool:
    return bool(account.id == current_user.id)


def _other_account(user_id: int, action: str) -> User:
    """The account to change; an admin's own account is refused (no locking oneself out), with a 409."""
    account = _account(user_id)
    if _is_self(account):
        audit.record(action, outcome="denied", target=f"user:{account.id}", reason="own_account")
        db.session.commit()
        abort(409, "Administrators cannot change their own role, password or status here.")
    return account


def _back_to(account: User) -> ResponseReturnValue:
    return redirect(url_for(".user", user_id=account.id), 303)


@bp.get("/clinic")
def clinic_settings() -> ResponseReturnValue:
    return _clinic_page(ClinicForm.showing(clinic.current()))


@bp.post("/clinic")
def save_clinic_settings() -> ResponseReturnValue:
    form = ClinicForm()
    preset = clinic.PRESETS.get(request.form.get("preset", ""))
    if preset is not None:  # fill in a country's numbers and show the page again; nothing is stored yet
        form.emergency_number.data = preset.emergency_number
        form.urgent_number.data = preset.urgent_number
        return _clinic_page(form, filled=preset)
    if not form.validate_on_submit():
        return _clinic_page(form), 422
    changed = clinic.update(form.values())
    db.session.commit()
    names = ", ".join(str(form[name].label.text) for name in changed)
    flash(f"Clinic settings saved. Changed: {names}." if changed else "Nothing changed: the settings were already so.")
    return redirect(url_for(".clinic_settings"), 303)


def _clinic_page(form: ClinicForm, filled: clinic.Preset | None = None) -> str:
    return render_template("admin/clinic.html", form=form, presets=clinic.PRESETS, filled=filled)


@bp.get("/audit")
def audit_log() -> ResponseReturnValue:
    """The audit trail, newest first, filtered and paginated; reading it is itself audited."""
    form = AuditFilterForm(request.args)
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    form.action.choices = [SelectChoice("", "Any"), *(SelectChoice(action) for action in actions)]
    if not form.validate():
        return render_template("admin/audit.html", form=form, page=None), 400
    filters = {name: value for name, value in form.data.items() if name != "page" and value}
    page = db.paginate(_audit_query(filters), page=form.page.data or 1, per_page=AUDIT_PAGE_SIZE, error_out=False)
    audit.record("list", target="audit", page=page.page, filters={k: str(v) for k, v in filters.items()})
    db.session.commit()
    arguments = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("admin/audit.html", form=form, page=page, arguments=arguments)


def _audit_query(filters: dict[str, Any]) -> Select[tuple[AuditEvent]]:
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if "action" in filters:
        query = query.where(AuditEvent.action == filters["action"])
    if "actor" in filters:
        query = query.where(func.lower(AuditEvent.actor_email).contains(filters["actor"].lower(), autoescape=True))
    if "outcome" in filters:
        query = query.where(AuditEvent.outcome == filters["outcome"])
    if "target" in filters:
        query = query.where(AuditEvent.target == filters["target"].strip())
    if "since" in filters:
        query = query.where(AuditEvent.at >= datetime.combine(filters["since"], time(), UTC))
    if "until" in filters:
        query = query.where(AuditEvent.at < datetime.combine(filters["until"] + timedelta(days=1), time(), UTC))
    return query


@bp.get("/outbox")
def outbox_page() -> ResponseReturnValue:
    """Mail not sent yet and mail that failed, failed first, oldest first; reading the list is audited.

    A patient's address is not shown (the intake's own page has it, for those allowed): a mail is named by whom it is
    for and its intake's reference. The clinic's inbox address is shown, since a wrong one is a reason mail fails.
    """
    waiting = OutboxMail.state.in_(("pending", "failed"))
    total = db.session.scalar(select(func.count()).select_from(OutboxMail).where(waiting)) or 0
    rows = db.session.execute(
        select(OutboxMail, Submission.reference)
        .outerjoin(Submission, Submission.id == OutboxMail.submission_id)
        .where(waiting)
        .order_by(case((OutboxMail.state == "failed", 0), else_=1), OutboxMail.created_at, OutboxMail.id)
        .limit(OUTBOX_PAGE_SIZE)
    ).all()
    inboxes = {
        queued.id: crypto.decrypt(queued.recipient_enc)
        for queued, _ in rows
        if queued.kind == CLINIC_INBOX and queued.recipient_enc is not None
    }
    audit.record("list", target="outbox", count=len(rows))
    db.session.commit()
    return render_template("admin/outbox.html", rows=rows, total=total, inboxes=inboxes)


@bp.post("/outbox/<id:mail_id>/send-again")
def send_mail_again(mail_id: int) -> ResponseReturnValue:
    """Make a failed mail (or one waiting for its next try) due now, for the next pass of the worker."""
    queued = db.session.get(OutboxMail, mail_id) or abort(404)
    was = queued.state
    if outbox.send_again(queued):
        audit.record("outbox_send_again", target=f"outbox:{queued.id}", kind=queued.kind, was=was)
        db.session.commit()
        flash(f"Mail {queued.id} will be sent at the worker's next pass.")
    else:
        flash(f"Mail {queued.id} is already sent or being sent: nothing to do.")
    return redirect(url_for(".outbox_page"), 303)
