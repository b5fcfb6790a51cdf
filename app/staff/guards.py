"""Deny by default: one guard per staff blueprint decides who may use any of its routes."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.web import audit
from app.web.extensions import db
from app.web.redirects import safe_next


def require_staff(bp: Blueprint, *roles: str) -> None:
    """Every route of ``bp`` needs a signed-in, active user with one of ``roles`` (others get 403)."""

    @bp.before_request
    def guard() -> ResponseReturnValue | None:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.sign_in", next=safe_next(request.full_path)))
        if current_user.role not in roles:
            audit.record("access", outcome="denied", target=request.endpoint, path=request.path)
            db.session.commit()
            abort(403)
        return _required_step()

    _ = guard


def _required_step() -> ResponseReturnValue | None:
    """Send the user to a step they must finish first (a new password, two-factor enrolment)."""
    allowed = {"auth.change_password", "auth.enrol_two_factor", "auth.sign_out"}
    if request.endpoint in allowed:
        return None
    if current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    if current_app.config["REQUIRE_TWO_FACTOR"] and not current_user.totp_enabled:
        return redirect(url_for("auth.enrol_two_factor"))
    return None
