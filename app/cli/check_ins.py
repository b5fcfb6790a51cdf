"""``flask check-ins remind``: mail the reminders of check-ins that have fallen due (``app.outcomes.reminders``)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy.exc import DBAPIError

from app.models import utcnow
from app.outcomes import reminders
from app.web.extensions import db

check_ins = AppGroup("check-ins", help="Check-ins of courses of treatment.")


@check_ins.command("remind")
def remind() -> None:
    """Add a reminder to the outbox for every check-in that is open and not yet reminded of.

    Safe to run as often as you like (a systemd timer, e.g. hourly): each due date is mailed once, and only to a
    person who gave an email address and agreed to reminders. `flask outbox send` delivers them.
    """
    try:
        added = reminders.remind(utcnow())
        db.session.commit()
    except DBAPIError as error:
        db.session.rollback()
        raise click.ClickException(f"The database is unavailable ({type(error.orig).__name__}).") from None
    click.echo(f"Added {added} check-in reminders to the outbox.")


def register(app: Flask) -> None:
    app.cli.add_command(check_ins)
