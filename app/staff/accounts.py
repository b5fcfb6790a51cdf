"""Staff account administration, shared by ``flask users`` and the admin pages.

Each change is audited as user administration and flushed; the command or view commits once.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select

from app.models import ROLES, User
from app.staff import passwords, sessions
from app.web import audit
from app.web.extensions import db


def normalise_email(email: str) -> str:
    """The address as stored (lower case), if it has the shape of one.

    Staff addresses are sign-in names and are never mailed, so an internal domain (``clinic.local``) is fine.
    """
    address = email.strip().lower()
    local, _, domain = address.rpartition("@")
    labels = domain.split(".")
    shaped = bool(local) and "@" not in local and len(labels) >= 2 and all(labels) and len(address) <= 254
    if not shaped or any(char.isspace() or not char.isprintable() for char in address):
        raise ValueError("Give a valid email address.")
    return address


def find(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def _chosen_or_one_time(password: str | None) -> tuple[str, str | None]:
    """The password to hash, and the one-time password to show once (None when one was chosen)."""
    if password is not None:
        return password, None
    one_time = secrets.token_urlsafe(12)  # 16 characters, to be replaced at the next sign-in
    return one_time, one_time


def create(email: str, role: str, password: str | None, **detail: Any) -> tuple[User, str | None]:
    """A new account; without ``password`` it gets a one-time one, returned to be shown once."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}.")
    password, one_time = _chosen_or_one_time(password)
    user = User(
        email=email,
        role=role,
        password_hash=passwords.hash_password(password),
        must_change_password=one_time is not None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user_created", target=f"user:{user.id}", role=role, **detail)
    return user, one_time


def set_password(user: User, password: str | None, **detail: Any) -> str | None:
    """Replace the password (one-time when none is given) and end the account's sessions."""
    password, one_time = _chosen_or_one_time(password)
    user.password_hash = passwords.hash_password(password)
    user.must_change_password = one_time is not None
    sessions.end_all_sessions(user)
    audit.record("password_reset", target=f"user:{user.id}", one_time=one_time is not None, **detail)
    return one_time


def set_active(user: User, active: bool, **detail: Any) -> None:
    """Deactivate (its sessions end at once) or reactivate an account."""
    user.active = active
    if not active:
        sessions.end_all_sessions(user)
    audit.record("user_reactivated" if active else "user_deactivated", target=f"user:{user.id}", **detail)


def set_role(user: User, role: str, **detail: Any) -> None:
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}.")
    previous, user.role = user.role, role
    audit.record("role_changed", target=f"user:{user.id}", role_before=previous, role=role, **detail)


def reset_two_factor(user: User, **detail: Any) -> None:
    """Forget the authenticator (a lost phone): the next sign-in enrols a new one. Sessions end."""
    user.totp_enabled = False
    user.totp_secret_enc = None
    user.totp_last_step = None
    sessions.end_all_sessions(user)
    audit.record("two_factor_reset", target=f"user:{user.id}", **detail)
