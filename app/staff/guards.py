"""Deny by default: one guard per staff blueprint decides who may use any of its routes."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.web import audit
from app.web.extensions import db


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


def safe_next(target: str | None, default: Callable[[], str] | None = None) -> str | None:
    """Only a path on this site: never another host, a scheme-relative //host, or /\\host.

    Browsers read a backslash as a slash and drop tabs and line breaks inside URLs, so ``/\\evil`` and
    ``/<tab>/evil`` would both lead to another site: any backslash, space or control character is refused.
    """
    if target:
        parts = urlsplit(target)
        plain = all(char.isprintable() and not char.isspace() and char != "\\" for char in target)
        local = plain and target.startswith("/") and not target.startswith("//")
        if local and not parts.scheme and not parts.netloc:
            return target.rstrip("?") or "/"
    return default() if default else None
