"""Staff sign-in and sign-out, the second factor, and password changes (blueprint ``auth``).

Sign-in and the code page are public; enrolment and the password change need a signed-in user.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_limiter import RequestLimit
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from app.models import StaffSession, User, utcnow
from app.staff import passwords, sessions, two_factor
from app.staff.forms import SignInForm
from app.web import audit, crypto
from app.web.extensions import db, limiter
from app.web.redirects import safe_next

bp = Blueprint("auth", __name__, url_prefix="/staff")

GENERIC_FAILURE = "The email or password is not right."


def _account_key() -> str:
    """Limit guesses per account too, whichever address they come from."""
    return "account:" + request.form.get("email", "").strip().lower()


def _pending_account_key() -> str:
    """Limit second-factor guesses per account, whichever address or sign-in they come from."""
    row = _pending_session()
    return f"two-factor:{row.user_id}" if row else "two-factor:none"


def _per_ip() -> str:
    return str(current_app.config["SIGN_IN_LIMIT_PER_IP"])


def _per_account() -> str:
    return str(current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"])


def _limited(limit: RequestLimit) -> Response:
    """Record the refusal and say so on the page itself (Flask-Limiter answers 429 with Retry-After)."""
    audit.record("sign_in", outcome="denied", reason="rate_limited", limit=str(limit.limit), step=request.endpoint)
    db.session.commit()
    if request.endpoint == "auth.second_factor":
        page = render_template("auth/two_factor.html", form=CodeForm(), limited=True)
    else:
        page = render_template("auth/sign_in.html", form=SignInForm(), limited=True)
    return make_response(page, 429)


def _home() -> str:
    return url_for("practitioner.queue")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_per_ip, methods=["POST"], on_breach=_limited)
@limiter.limit(_per_account, methods=["POST"], key_func=_account_key, on_breach=_limited)
def sign_in() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(_home())
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("auth/sign_in.html", form=form), 400 if request.method == "POST" else 200
    email = form.email.data.strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    # Verify against a dummy hash for unknown accounts: the same answer in about the same time.
    valid = passwords.verify(user.password_hash if user else passwords.dummy_hash(), form.password.data)
    if user is None or not valid or not user.active:
        # What was typed for an unknown account is not kept: it is often a password typed into the wrong field.
        reason = "unknown_account" if user is None else "wrong_password" if not valid else "inactive"
        audit.record("sign_in", outcome="failure", target=f"user:{user.id}" if user else None, reason=reason)
        db.session.commit()
        form.password.errors = [GENERIC_FAILURE]
        return render_template("auth/sign_in.html", form=form), 401
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(form.password.data)
    pending = user.totp_enabled
    sessions.start_session(user, second_factor_pending=pending)
    session["next"] = safe_next(request.args.get("next"))
    if pending:
        db.session.commit()
        return redirect(url_for(".second_factor"))
    return _signed_in(user)


def _signed_in(user: User) -> ResponseReturnValue:
    user.last_sign_in_at = utcnow()
    audit.record("sign_in", target=f"user:{user.id}", actor=user)
    db.session.commit()
    return redirect(session.pop("next", None) or _home())


class CodeForm(FlaskForm):
    code = StringField("Code", validators=[InputRequired(), Length(max=12)])


@bp.route("/two-factor", methods=["GET", "POST"])
@limiter.limit(_per_ip, methods=["POST"], on_breach=_limited)
@limiter.limit(_per_account, methods=["POST"], key_func=_pending_account_key, on_breach=_limited)
def second_factor() -> ResponseReturnValue:
    """The code from the authenticator app, after a correct password."""
    row = _pending_session()
    if row is None:
        return redirect(url_for(".sign_in"))
    user = db.session.get(User, row.user_id)
    if user is None or not user.active or user.totp_secret_enc is None:
        return redirect(url_for(".sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        if two_factor.accept(user, crypto.decrypt(user.totp_secret_enc), form.code.data, utcnow()):
            sessions.complete_second_factor(row, user)
            return _signed_in(user)
        audit.record("sign_in", outcome="failure", target=f"user:{user.id}", reason="wrong_code", step="two_factor")
        db.session.commit()
        form.code.errors = ["That code is not right, or was already used. Try the next one."]
        return render_template("auth/two_factor.html", form=form), 401
    return render_template("auth/two_factor.html", form=form)


def _pending_session() -> StaffSession | None:
    """The session of a correct password whose second factor is still to come (timeouts apply here too)."""
    row = sessions.current_session()
    if row is None or not row.second_factor_pending:
        return None
    return row


@bp.route("/two-factor/enrol", methods=["GET", "POST"])
@login_required
def enrol_two_factor() -> ResponseReturnValue:
    """Set up an authenticator app: scan the code, then confirm with one code from it.

    The secret waits, encrypted, on the account until a code confirms it: it is never kept in the cookie.
    """
    user: User = current_user  # type: ignore[assignment]
    if user.totp_enabled:
        flash("Two-factor sign-in is already on. An administrator can reset it if you have lost your phone.")
        return redirect(_home())
    if user.totp_secret_enc is None:
        user.totp_secret_enc = crypto.encrypt(two_factor.new_secret())
        db.session.commit()
    secret = crypto.decrypt(user.totp_secret_enc)
    form = CodeForm()
    if form.validate_on_submit():
        if two_factor.accept(user, secret, form.code.data, utcnow()):
            user.totp_enabled = True
            audit.record("two_factor_enrolled", target=f"user:{user.id}")
            db.session.commit()
            flash("Two-factor sign-in is on.")
            return redirect(_home())
        audit.record("two_factor_enrolled", outcome="failure", target=f"user:{user.id}", reason="wrong_code")
        db.session.commit()
        form.code.errors = ["That code is not right. Check the time on your phone and try the next one."]
    uri = two_factor.provisioning_uri(secret, user.email)
    return render_template(
        "auth/enrol_two_factor.html", form=form, secret=secret, qr=two_factor.qr_data_uri(uri)
    ), 200 if request.method == "GET" else 422


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[InputRequired(), Length(max=1024)])
    new = PasswordField("New password", validators=[InputRequired(), Length(max=1024)])
    confirm = PasswordField("New password again", validators=[InputRequired(), Length(max=1024)])


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    user: User = current_user  # type: ignore[assignment]
    form = PasswordForm()
    if form.validate_on_submit():
        problems = passwords.problems(form.new.data, user.email)
        if not passwords.verify(user.password_hash, form.current.data):
            form.current.errors = ["That is not your current password."]
        elif problems:
            form.new.errors = problems
        elif form.new.data != form.confirm.data:
            form.confirm.errors = ["The two new passwords are not the same."]
        else:
            user.password_hash = passwords.hash_password(form.new.data)
            user.must_change_password = False
            # Anyone else signed in with the old password is signed out; this session carries on.
            sessions.end_all_sessions(user, keep=sessions.current_session())
            audit.record("password_changed", target=f"user:{user.id}")
            db.session.commit()
            flash("Your password has been changed.")
            return redirect(_home())
        return render_template("auth/change_password.html", form=form), 422
    return render_template("auth/change_password.html", form=form)


@bp.post("/sign-out")
def sign_out() -> ResponseReturnValue:
    """End the session on the server (CSRF-checked like every post), then forget the cookie."""
    if current_user.is_authenticated:
        audit.record("sign_out", target=f"user:{current_user.id}")
    sessions.end_session()
    db.session.commit()
    return redirect(url_for(".sign_in"))
