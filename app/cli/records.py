"""``flask export`` and ``flask rescore``: the clinic's records from the command line."""

from __future__ import annotations

from typing import IO

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app import rules
from app.cli import repair
from app.models import Submission
from app.questionnaires import by_version
from app.review import exports
from app.review.filters import parse_filters
from app.web import audit
from app.web.database import begin_write
from app.web.extensions import db

BATCH = 500


@click.command("export")
@with_appcontext
@click.option("--include-screens", is_flag=True, help="Plain self-screens too, not only intake.")
@click.option("--status", help="Only this status.")
@click.option("--pattern", help="Only this engine pattern code.")
@click.option("--from", "date_from", help="From this day (YYYY-MM-DD, UTC).")
@click.option("--to", "date_to", help="To this day, inclusive.")
@click.option("--with-contact", is_flag=True, help="Add the decrypted contact details and consent.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="File (default: stdout).")
def export_command(
    include_screens: bool,
    status: str | None,
    pattern: str | None,
    date_from: str | None,
    date_to: str | None,
    with_contact: bool,
    output: IO[str],
) -> None:
    """Write the review queue as CSV, with the same columns and filters as the practitioners' export."""
    args = {"screens": "1" if include_screens else "", "status": status, "pattern": pattern}
    args |= {"from": date_from, "to": date_to}
    filters, problems = parse_filters({k: v for k, v in args.items() if v})
    if problems:
        raise click.ClickException("; ".join(problems))
    for chunk in exports.csv_lines(filters, with_contact):
        output.write(chunk)
    audit.record("export", target="queue", format="csv", via="cli", with_contact=with_contact, **filters.summary())
    db.session.commit()


@click.command("rescore")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Count what would change; store nothing.")
def rescore_command(dry_run: bool) -> None:
    """Assess every stored submission again with the current rules, recording the new rules version.

    Each submission is scored against the questionnaire version it was answered in: its own questions, points and red
    flags (version 1 has no follow-up questions, so its combination rules are none). Practitioners' assessments keep
    the engine result they were made against, so agreement stays per version. Erased submissions (no answers left)
    are skipped.
    """
    seen = changed = 0
    per_version: dict[str, list[int]] = {}
    last_id = 0
    while True:
        begin_write()
        batch = db.session.scalars(
            select(Submission).where(Submission.id > last_id).order_by(Submission.id).limit(BATCH)
        ).all()
        if not batch:
            break
        for submission in batch:
            last_id = submission.id
            questionnaire = by_version(submission.questionnaire_version)
            if not submission.answers or questionnaire is None:
                continue
            seen += 1
            counts = per_version.setdefault(questionnaire.version, [0, 0])
            counts[0] += 1
            assessment = rules.assess(submission.answers, questionnaire)
            if assessment.primary != submission.primary_pattern or assessment.urgent != submission.urgent:
                changed += 1
                counts[1] += 1
            if not dry_run:
                submission.result = assessment.to_record()
                submission.rules_version = assessment.rules_version
                submission.urgent = assessment.urgent
                submission.primary_pattern = assessment.primary
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    if not dry_run:
        audit.record("rescore", target="submissions", via="cli", rules_version=rules.RULES_VERSION, count=seen)
        db.session.commit()
    total = db.session.scalar(select(func.count()).select_from(Submission))
    verb = "would change" if dry_run else "changed"
    click.echo(f"Assessed {seen} of {total} submissions with rules {rules.RULES_VERSION}; {changed} {verb} result.")
    for version, (count, moved) in sorted(per_version.items()):
        click.echo(
            f"  questionnaire version {version}: {count} scored with its own questions and red flags; {moved} {verb}."
        )


@click.command("clean-text")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Count what would change; store nothing.")
def clean_text_command(dry_run: bool) -> None:
    """Repair stored text from before the input checks: answers, drafts, practitioners' notes, contact details.

    Lone surrogates and control characters (which no page or export can show) become U+FFFD; safe to run again.
    """
    counts = repair.repair_stored_text()
    if dry_run:
        db.session.rollback()
    else:
        audit.record("clean_text", target="submissions", via="cli", **counts)
        db.session.commit()
    verb = "Would repair" if dry_run else "Repaired"
    click.echo(
        f"{verb} text in {counts['submissions']} submissions, {counts['drafts']} drafts, {counts['reviews']} "
        f"assessments and {counts['contacts']} contact records."
    )


def register(app: Flask) -> None:
    app.cli.add_command(export_command)
    app.cli.add_command(rescore_command)
    app.cli.add_command(clean_text_command)
