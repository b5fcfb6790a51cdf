"""``flask seed``: synthetic submissions for load tests and demonstrations (``app.cli.synthetic``)."""

from __future__ import annotations

import os
import random
import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.cli import synthetic
from app.models import utcnow
from app.questionnaires import current
from app.web.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(seed_command)


@click.command("seed")
@with_appcontext
@click.option("--count", type=click.IntRange(min=1), required=True, help="How many submissions to add.")
@click.option("--seed", "seed_value", type=int, default=1, show_default=True, help="Random seed (repeatable data).")
@click.option("--batch", type=click.IntRange(min=1, max=20_000), default=2000, show_default=True)
def seed_command(count: int, seed_value: int, batch: int) -> None:
    """Add COUNT realistic synthetic submissions, assessed by the real rules, with intake contacts and reviews.

    For load tests and demonstrations only: refused in production.
    """
    if "production" in (current_app.config.get("APP_CONFIG"), os.environ.get("APP_CONFIG")):
        raise click.UsageError("flask seed adds synthetic patients: it is not for a production database.")
    started = time.perf_counter()

    def progress(made: synthetic.Counts) -> None:
        if made.submissions % (batch * 25) == 0 or made.submissions == count:
            rate = made.submissions / (time.perf_counter() - started)
            click.echo(f"{made.submissions:>10,} submissions ({rate:,.0f}/s)", err=True)

    with db.engine.connect() as conn:
        made = synthetic.seed(
            conn,
            current(),
            utcnow(),
            count,
            rng=random.Random(seed_value),  # noqa: S311 - synthetic data, repeatable on purpose batch=batch, progress=progress
        )
    seconds = time.perf_counter() - started
    click.echo(
        f"Added {made.submissions:,} submissions ({made.intakes:,} intake with contact details, "
        f"{made.urgent:,} urgent, {made.reviews:,} assessed) in {seconds:.1f} s."
    )
