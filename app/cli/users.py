"""``flask users``: staff accounts from the command line (the first admin is created here; there is no sign-up)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from app.models import ROLES, User
from app.staff import accounts, passwords
from app.web.database import begin_write
from app.web.extensions import db

users = AppGroup("users", help="Create and manage staff accounts.")


def _find(email: str) -> User:
    try:
        email = accounts.normalise_email(email)  # an address with a NUL is never looked up
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    user = accounts.find(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    return user


def _read_password(email: str) -> str:
    """A password from a prompt (typed twice) or, when piped, the first line of standard input."""
    if sys.stdin.isatty():
        password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    problems = passwords.problems(password, email)
    if problems:
        raise click.ClickException(" ".join(problems))
    return password


def _show_one_time(password: str | None) -> None:
    if password is not None:
        click.echo(f"One-time password (to be changed at the next sign-in): {password}")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--one-time-password", is_flag=True, help="Print a one-time password to change at first sign-in.")
def create(email: str, role: str, one_time_password: bool) -> None:
    """Create a staff account; the password comes from a prompt or standard input unless it is one-time."""
    try:
        email = accounts.normalise_email(email)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if accounts.find(email) is not None:
        raise click.ClickException(f"{email} already has an account.")
    db.session.rollback()  # end the read: the write below starts a transaction of its own
    password = None if one_time_password else _read_password(email)
    # Take the write lock before looking again, as a web request does: two commands at once then queue instead of
    # one failing with "database is locked" (SQLite cannot wait for the lock once its transaction has read).
    begin_write()
    if accounts.find(email) is not None:
        raise click.ClickException(f"{email} already has an account.")
    user, one_time = accounts.create(email, role, password, via="cli")
    db.session.commit()
    click.echo(f"Created {role} {user.email}.")
    _show_one_time(one_time)


@users.command("set-password")
@click.argument("email")
@click.option("--one-time-password", is_flag=True, help="Print a one-time password to change at next sign-in.")
def set_password(email: str, one_time_password: bool) -> None:
    """Set a new password (from a prompt or standard input, or one-time); the account's sessions end."""
    user = _find(email)
    password = None if one_time_password else _read_password(user.email)
    one_time = accounts.set_password(user, password, via="cli")
    db.session.commit()
    click.echo(f"Password changed for {user.email}.")
    _show_one_time(one_time)


@users.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Stop an account signing in; its sessions end at once."""
    user = _find(email)
    accounts.set_active(user, False, via="cli")
    db.session.commit()
    click.echo(f"Deactivated {user.email}.")


@users.command("reactivate")
@click.argument("email")
def reactivate(email: str) -> None:
    """Let a deactivated account sign in again."""
    user = _find(email)
    accounts.set_active(user, True, via="cli")
    db.session.commit()
    click.echo(f"Reactivated {user.email}.")


def register(app: object) -> None:
    app.cli.add_command(users)  # type: ignore[attr-defined]
