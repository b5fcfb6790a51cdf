"""``flask users``: staff accounts from the command line (the first admin is created here; there is no sign-up)."""

from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app import audit, auth, passwords
from app.extensions import db
from app.models import ROLES, User

users = AppGroup("users", help="Create and manage staff accounts.")


def _find(email: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    return user


def _new_password(email: str, one_time: bool) -> tuple[str, bool]:
    """A password read from standard input or a prompt, or a one-time one that must be changed at sign-in."""
    if one_time:
        return secrets.token_urlsafe(12), True
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problems = passwords.problems(password, email)
    if problems:
        raise click.ClickException(" ".join(problems))
    return password, False


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--one-time-password", is_flag=True, help="Print a one-time password to change at first sign-in.")
def create(email: str, role: str, one_time_password: bool) -> None:
    """Create a staff account."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.ClickException("Give a valid email address.")
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise click.ClickException(f"{email} already has an account.")
    password, must_change = _new_password(email, one_time_password)
    user = User(
        email=email, role=role, password_hash=passwords.hash_password(password), must_change_password=must_change
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user_created", target=f"user:{user.id}", role=role, via="cli")
    db.session.commit()
    click.echo(f"Created {role} {email}.")
    if must_change:
        click.echo(f"One-time password (to be changed at first sign-in): {password}")


@users.command("set-password")
@click.argument("email")
@click.option("--one-time-password", is_flag=True, help="Print a one-time password to change at next sign-in.")
def set_password(email: str, one_time_password: bool) -> None:
    """Set a new password; the account's sessions end."""
    user = _find(email)
    password, must_change = _new_password(user.email, one_time_password)
    user.password_hash = passwords.hash_password(password)
    user.must_change_password = must_change
    auth.end_all_sessions(user)
    audit.record("password_reset", target=f"user:{user.id}", via="cli")
    db.session.commit()
    click.echo(f"Password changed for {user.email}.")
    if must_change:
        click.echo(f"One-time password (to be changed at next sign-in): {password}")


@users.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Stop an account signing in; its sessions end at once."""
    user = _find(email)
    user.active = False
    auth.end_all_sessions(user)
    audit.record("user_deactivated", target=f"user:{user.id}", via="cli")
    db.session.commit()
    click.echo(f"Deactivated {user.email}.")


def register(app: object) -> None:
    app.cli.add_command(users)  # type: ignore[attr-defined]
