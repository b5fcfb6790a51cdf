"""``flask outbox send``: deliver the mail waiting in the outbox (``app.web.outbox``), once or in a loop."""

from __future__ import annotations

import logging
import signal
import threading

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy.exc import DBAPIError

from app.web import outbox
from app.web.extensions import db

outbox_group = AppGroup("outbox", help="Mail written by the app, sent by a worker.")


@outbox_group.command("send")
@click.option("--loop", is_flag=True, help="Keep running: send what is due, wait, and again, until stopped.")
@click.option(
    "--interval", type=click.FloatRange(min=1), default=30.0, show_default=True, help="Seconds between passes."
)
def send(loop: bool, interval: float) -> None:
    """Send the mail that is due, with retries and backoff; stop (one pass) or keep going (--loop).

    One pass suits a systemd timer or cron; --loop suits a service, and stops cleanly on SIGTERM or Ctrl-C after
    the mail it is sending. Any number of workers may run at once: each mail is sent by one of them. SMTP settings
    are the MAIL_* ones (docs/operations.md); mail that fails OUTBOX_MAX_ATTEMPTS times is listed on /admin/outbox.
    """
    # What each attempt did, by mail id and kind (app.web.outbox logs nothing personal): what a journal or cron mail
    # shows.
    logging.getLogger(outbox.__name__).setLevel(logging.INFO)
    if not loop:
        try:
            done = outbox.send_due()
        except DBAPIError as error:
            db.session.rollback()
            raise click.ClickException(f"The database is unavailable ({type(error.orig).__name__}).") from None
        click.echo(str(done))
        return
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    click.echo(f"Sending due mail every {interval:g} seconds; stop with SIGTERM or Ctrl-C.")
    outbox.run(interval, stop)
    click.echo("Stopped.")


def register(app: Flask) -> None:
    app.cli.add_command(outbox_group)
