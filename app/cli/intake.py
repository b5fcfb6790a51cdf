"""``flask purge`` (retention) and ``flask keys`` (encryption keys for personal data at rest)."""

from __future__ import annotations

import secrets

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app import personal_data
from app.models import utcnow
from app.web import crypto
from app.web.extensions import db

keys = AppGroup("keys", help="Encryption and hash keys for personal data at rest.")


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete what is past its retention period: expired drafts, old self-checks, intake past retention, check-ins
    past the intake period, and sent or failed mail.

    Safe to run as often as you like (e.g. daily from cron or a systemd timer): a second run deletes nothing more.
    Periods come from DRAFT_LIFETIME, SCREEN_RETENTION_DAYS, INTAKE_RETENTION_DAYS and OUTBOX_RETENTION_DAYS. Each
    run leaves an audit entry with the counts only.
    """
    config = current_app.config
    counts = personal_data.purge(
        utcnow(),
        draft_lifetime=config["DRAFT_LIFETIME"],
        screen_days=config["SCREEN_RETENTION_DAYS"],
        intake_days=config["INTAKE_RETENTION_DAYS"],
        outbox_days=config["OUTBOX_RETENTION_DAYS"],
    )
    db.session.commit()
    click.echo(
        f"Deleted {counts['drafts']} expired drafts, {counts['screens']} self-checks older than "
        f"{config['SCREEN_RETENTION_DAYS']} days and {counts['intakes']} intake submissions past "
        f"{config['INTAKE_RETENTION_DAYS']} days."
    )
    click.echo(f"Deleted {counts['check_ins']} check-ins older than {config['INTAKE_RETENTION_DAYS']} days.")
    click.echo(f"Deleted {counts['mails']} sent or failed mails older than {config['OUTBOX_RETENTION_DAYS']} days.")


@keys.command("generate")
@click.option("--hash-key", is_flag=True, help="Print a key for HASH_KEY instead of one for ENCRYPTION_KEYS.")
def generate(hash_key: bool) -> None:
    """Print a new random key.

    To rotate encryption keys: put the new key first in ENCRYPTION_KEYS (comma-separated, newest first), restart,
    run `flask keys rotate`, then remove the old keys.
    """
    click.echo(secrets.token_urlsafe(48) if hash_key else crypto.generate_key())


@keys.command("rotate")
def rotate() -> None:
    """Re-encrypt every encrypted value with the newest key in ENCRYPTION_KEYS and re-hash with HASH_KEY.

    Run it after adding a new key at the front of ENCRYPTION_KEYS or changing HASH_KEY (keep the old encryption
    keys until it has finished); it is safe to run again.
    """
    counts = personal_data.rotate_keys()
    db.session.commit()
    click.echo(
        f"Re-encrypted {counts['contacts']} contact records, {counts['staff_secrets']} staff two-factor secrets "
        f"and {counts['mails']} mail recipients with the newest key. Older keys can now be removed from "
        "ENCRYPTION_KEYS."
    )


def register(app: Flask) -> None:
    app.cli.add_command(purge_command)
    app.cli.add_command(keys)
