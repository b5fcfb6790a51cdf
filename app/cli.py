"""``flask`` commands."""

from __future__ import annotations

import json
from typing import IO, Any

import click
from flask import Flask
from flask.cli import with_appcontext

from app import clinic, rules
from app.api_input import InputError, clean_answers, load_json
from app.questionnaire import PATTERNS, SIGNALS, Questionnaire, current


def register(app: Flask) -> None:
    from app import cli_clinic, cli_intake, cli_outbox, cli_records, cli_seed, cli_users
    from app.outcomes import cli as cli_outcomes

    app.cli.add_command(assess_command)
    app.cli.add_command(rules_command)
    cli_users.register(app)
    cli_intake.register(app)
    cli_seed.register(app)
    cli_records.register(app)
    cli_clinic.register(app)
    cli_outbox.register(app)
    cli_outcomes.register(app)


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


@click.command("assess")
@with_appcontext
@click.argument("source", metavar="FILE", type=click.File("rb"))
def assess_command(source: IO[bytes]) -> None:
    """Print the assessment for answers in FILE (- for standard input); nothing is stored.

    FILE holds what POST /api/v1/assessments takes: {"answers": {linkId: value}} or a QuestionnaireResponse, and
    what is printed is what it answers (therapies as the clinic offers them). Invalid answers print their errors to
    standard error and exit with status 1.
    """
    questionnaire = current()
    try:
        answers = clean_answers(load_json(source.read()), questionnaire)
    except InputError as error:
        click.echo(_dump({"errors": error.errors}), err=True)
        raise SystemExit(1) from None
    click.echo(_dump(clinic.as_offered(rules.assess(answers, questionnaire).to_json())))


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
    for rule in questionnaire.flag_rules:
        flag = rule.flag
        entry = flags.setdefault(flag.code, {"code": flag.code, "level": flag.level, "label": flag.label})
        entry.setdefault("combinations", []).append(
            {
                "rule": rule.code,
                "because": rule.reason,
                "all_of": [[f"{a.question}.{c}" for c in a.answers] for a in rule.all_of],
                "at_least": rule.at_least if rule.any_of else 0,
                "of": [[f"{a.question}.{c}" for c in a.answers] for a in rule.any_of],
            }
        )
    order = rules.LEVEL_ORDER
    return {
        "rules_version": rules.RULES_VERSION,
        "questionnaire": {"url": questionnaire.url, "version": questionnaire.version},
        "patterns": list(PATTERNS),
        "thresholds": rules.THRESHOLDS,
        "urgent_levels": sorted(rules.URGENT_LEVELS, key=order.__getitem__),
        "reachable": rules.max_points(questionnaire),
        "points": points,
        "red_flags": sorted(flags.values(), key=lambda f: (order[f["level"]], f["code"])),
        "kidney_subtypes": subtypes,
        "cautions": cautions,
    }


def _combination(combination: dict[str, Any]) -> str:
    """One combination rule in words: ``a.x + (b.y or b.z) + at least 3 of: ...``."""
    if "rule" not in combination:  # version 1's count of one question's signs
        return f"at least {combination['at_least']} of: {', '.join(combination['of'])}"
    parts = [_alternatives(answers) for answers in combination["all_of"]]
    if combination["of"]:
        parts.append(
            f"at least {combination['at_least']} of: " + ", ".join(_alternatives(a) for a in combination["of"])
        )
    return f"{combination['rule']}: " + " + ".join(parts)


def _alternatives(answers: list[str]) -> str:
    return answers[0] if len(answers) == 1 else "(" + " or ".join(answers) + ")"


def format_rules_table(table: dict[str, Any]) -> str:
    """The rules table as plain text for a terminal."""
    thresholds = table["thresholds"]
    questionnaire = table["questionnaire"]
    lines = [
        f"Rules {table['rules_version']} for questionnaire {questionnaire['url']} version {questionnaire['version']}",
        "",
        f"Score = points as a share of the most reachable, 0-100. Likely >= {thresholds['likely']}, "
        f"possible >= {thresholds['possible']}. A pattern is named with at least {thresholds['own_signs']} signs of "
        "its own: the primary is the highest likely one, any other likely or possible one is secondary.",
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
        for combination in flag.get("combinations", []):
            lines.append(f"           {_combination(combination)}")
    lines += ["", "Kidney deficiency sub-type (picks yang or yin; never decides presence)"]
    lines += [f"{subtype:<10} {', '.join(answers)}" for subtype, answers in table["kidney_subtypes"].items()]
    lines += ["", "Cautions (shape the therapies; never change scores)"]
    lines += [f"{caution:<18} {', '.join(answers)}" for caution, answers in table["cautions"].items()]
    return "\n".join(lines)
