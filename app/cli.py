"""``flask`` commands."""

from __future__ import annotations

import json
from typing import IO, Any

import click
from flask import Flask

from app import rules
from app.api_input import InputError, clean_answers, load_json
from app.questionnaire import PATTERNS, SIGNALS, Questionnaire, current


def register(app: Flask) -> None:
    from app import cli_intake, cli_records, cli_seed, cli_users

    app.cli.add_command(assess_command)
    app.cli.add_command(rules_command)
    cli_users.register(app)
    cli_intake.register(app)
    cli_seed.register(app)
    cli_records.register(app)


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


@click.command("assess")
@click.argument("source", metavar="FILE", type=click.File("rb"))
def assess_command(source: IO[bytes]) -> None:
    """Print the assessment for answers in FILE (- for standard input); nothing is stored.

    FILE holds what POST /api/v1/assessments takes: {"answers": {linkId: value}} or a QuestionnaireResponse.
    Invalid answers print their errors to standard error and exit with status 1.
    """
    questionnaire = current()
    try:
        answers = clean_answers(load_json(source.read()), questionnaire)
    except InputError as error:
        click.echo(_dump({"errors": error.errors}), err=True)
        raise SystemExit(1) from None
    click.echo(_dump(rules.assess(answers, questionnaire).to_json()))


@click.command("rules")
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
def rules_command(as_json: bool) -> None:
    """Print the rules table: points per answer, red flags, sub-type and caution answers, thresholds."""
    table = rules_table(current())
    click.echo(_dump(table) if as_json else format_rules_table(table))


def rules_table(questionnaire: Questionnaire) -> dict[str, Any]:
    """Everything the engine decides with, read from the questionnaire data and the rules module."""
    points = []
    subtypes: dict[str, list[str]] = {"yang": [], "yin": []}
    cautions: dict[str, list[str]] = {}
    flags: dict[str, dict[str, Any]] = {}
    for question in questionnaire.questions:
        for option in question.options:
            answer = f"{question.link_id}.{option.code}"
            if option.points:
                points.append(
                    {"answer": answer, "points": {s: option.points[s] for s in SIGNALS if s in option.points}}
                )
            if option.subtype:
                subtypes.setdefault(option.subtype, []).append(answer)
            if option.caution:
                cautions.setdefault(option.caution, []).append(answer)
            if option.red_flag:
                flag = option.red_flag
                entry = flags.setdefault(flag.code, {"code": flag.code, "level": flag.level, "label": flag.label})
                entry.setdefault("answers", []).append(answer)
        if question.flag_at_least:
            count, flag = question.flag_at_least
            entry = flags.setdefault(flag.code, {"code": flag.code, "level": flag.level, "label": flag.label})
            signs = [f"{question.link_id}.{o.code}" for o in question.options if not o.exclusive]
            entry.setdefault("combinations", []).append({"at_least": count, "of": signs})
    order = {"emergency": 0, "urgent": 1, "refer": 2}
    return {
        "rules_version": rules.RULES_VERSION,
        "questionnaire": {"url": questionnaire.url, "version": questionnaire.version},
        "patterns": list(PATTERNS),
        "thresholds": {"likely": rules.LIKELY, "possible": rules.POSSIBLE, "secondary_gap": rules.SECONDARY_GAP},
        "urgent_levels": sorted(rules.URGENT_LEVELS, key=order.__getitem__),
        "reachable": rules.max_points(questionnaire),
        "points": points,
        "red_flags": sorted(flags.values(), key=lambda f: (order[f["level"]], f["code"])),
        "kidney_subtypes": subtypes,
        "cautions": cautions,
    }


def format_rules_table(table: dict[str, Any]) -> str:
    """The rules table as plain text for a terminal."""
    thresholds = table["thresholds"]
    questionnaire = table["questionnaire"]
    lines = [
        f"Rules {table['rules_version']} for questionnaire {questionnaire['url']} version {questionnaire['version']}",
        "",
        f"Score = points as a share of the most reachable, 0-100. Likely >= {thresholds['likely']}, "
        f"possible >= {thresholds['possible']}; a second likely pattern within {thresholds['secondary_gap']} "
        "of the primary is secondary.",
        f"Red flags of level {' or '.join(table['urgent_levels'])} make the result urgent; no pattern is offered.",
        "",
        "Points per answer",
    ]
    width = max(len(row["answer"]) for row in table["points"]) + 2
    columns = list(SIGNALS)
    lines.append("answer".ljust(width) + "  ".join(columns))
    for row in table["points"]:
        cells = [str(row["points"].get(s, "")).rjust(len(s)) for s in columns]
        lines.append((row["answer"].ljust(width) + "  ".join(cells)).rstrip())
    reachable = [str(table["reachable"][s]).rjust(len(s)) for s in columns]
    lines += ["most reachable".ljust(width) + "  ".join(reachable), "", "Red flags"]
    for flag in table["red_flags"]:
        lines.append(f"{flag['level']:<10} {flag['code']}: {flag['label']}")
        lines += [f"           {answer}" for answer in flag.get("answers", [])]
        lines += [f"           at least {c['at_least']} of: {', '.join(c['of'])}" for c in flag.get("combinations", [])]
    lines += ["", "Kidney deficiency sub-type (picks yang or yin; never decides presence)"]
    lines += [f"{subtype:<10} {', '.join(answers)}" for subtype, answers in table["kidney_subtypes"].items()]
    lines += ["", "Cautions (shape the therapies; never change scores)"]
    lines += [f"{caution:<18} {', '.join(answers)}" for caution, answers in table["cautions"].items()]
    return "\n".join(lines)
