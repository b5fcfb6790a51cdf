"""``flask clinic``: the clinic's settings from the command line, checked by the admin page's form."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup
from werkzeug.datastructures import MultiDict

from app import clinic
from app.staff.clinic_form import ClinicForm
from app.web.extensions import db

group = AppGroup("clinic", help="Show and change the clinic's own details (as on the admin page /admin/clinic).")


@group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
def show(as_json: bool) -> None:
    """Print the clinic's settings, whether it is set up, and their version."""
    settings = clinic.current()
    values = {**settings.values(), "therapies": list(settings.therapies)}
    if as_json:
        click.echo(json.dumps({**values, "configured": settings.configured, "version": settings.version}, indent=2))
        return
    state = f"version {settings.version}" if settings.configured else "not set up yet: patients see neutral wording"
    click.echo(f"Clinic settings ({state})")
    width = max(map(len, clinic.FIELDS))
    for name, value in values.items():
        text = ",".join(value) if name == "therapies" else value
        lines = str(text).split("\n") or [""]
        click.echo(f"{name.ljust(width)} = {lines[0]}".rstrip())
        for line in lines[1:]:
            click.echo(f"{' ' * width}   {line}".rstrip())


@group.command("set")
@click.argument("assignments", nargs=-1, metavar="KEY=VALUE...")
@click.option("--preset", type=click.Choice(sorted(clinic.PRESETS)), help="Fill in a country's emergency numbers.")
def set_(assignments: tuple[str, ...], preset: str | None) -> None:
    """Change settings: KEY=VALUE for each (KEY as `flask clinic show` lists them; therapies=code,code).

    The other settings keep their values. Everything is checked as the admin page checks it; a refused value changes
    nothing and exits with status 1. Each change is audited.
    """
    if not assignments and preset is None:
        raise click.UsageError("Give at least one KEY=VALUE (or --preset).")
    settings = clinic.current()
    data = MultiDict({name: value for name, value in settings.values().items() if name != "therapies"})
    data.setlist("therapies", list(settings.therapies))
    if preset is not None:
        data["emergency_number"] = clinic.PRESETS[preset].emergency_number
        data["urgent_number"] = clinic.PRESETS[preset].urgent_number
    for assignment in assignments:
        name, equals, value = assignment.partition("=")
        if not equals or name not in clinic.FIELDS:
            raise click.UsageError(f"{assignment!r} is not KEY=VALUE with a KEY of: {', '.join(clinic.FIELDS)}.")
        if name == "therapies":
            data.setlist(name, [code.strip() for code in value.split(",") if code.strip()])
        else:
            data[name] = value
    form = ClinicForm(formdata=data, meta={"csrf": False})
    if not form.validate():
        problems = "\n".join(f"  {name}: {message}" for name, message in form.problems().items())
        raise click.ClickException(f"Nothing was changed:\n{problems}")
    changed = clinic.update(form.values(), via="cli")
    db.session.commit()
    if changed:
        click.echo(f"Saved (version {clinic.current().version}); changed: {', '.join(changed)}.")
    else:
        click.echo("Nothing changed: the settings were already so.")


def register(app: Flask) -> None:
    app.cli.add_command(group)
