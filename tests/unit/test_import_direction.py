"""Imports run one way: audiences -> shared services -> the core, the models and app.web; never back up.

Read from every module's source, so a lazy import inside a function counts as much as one at the top. The layers
and what each may import are the ones the packages' docstrings state:

- the core (the questionnaire model and its versions, the rules, the advice and the other pure modules) imports
  only the core: no Flask, database, model or web code;
- ``app.questionnaire`` (the model) imports no version: ``app.questionnaires`` imports it, not back;
- ``app.models`` imports the core, the models and ``app.web.extensions``;
- ``app.web`` imports the core, the models and itself: no service and no audience package;
- the shared services (``app.services``, ``app.clinic``, ``app.personal_data``, ``app.forms``) import the core, the
  models, ``app.web`` and each other: no audience package;
- an audience package (patient, intake, review, outcomes, staff, api, cli) imports those and itself; of another audience
  only what ``ACROSS`` lists, and never another package's views (a module that makes a blueprint), which only
  ``create_app`` (``app/__init__.py``) puts together.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.imports import CORE, ROOT, app_modules, imported_modules, module_name

MODULES = frozenset(module_name(path) for path in app_modules())
SERVICES = ("app.services", "app.clinic", "app.personal_data", "app.forms")
AUDIENCES = ("app.patient", "app.intake", "app.review", "app.outcomes", "app.staff", "app.api", "app.cli")
WEB_LIBRARIES = ("flask", "flask_", "werkzeug", "jinja2", "wtforms", "sqlalchemy", "alembic", "psycopg", "itsdangerous")
# Modules that make a blueprint: only create_app and their own package import them.
VIEWS = frozenset(
    module_name(path) for path in app_modules() if re.search(r"\bBlueprint\(", path.read_text(encoding="utf-8"))
)
# What an audience may use of another one. The practitioners' workspace is a staff area: its blueprints stand on the
# staff guard and on who may see contact details; a submission's page shows its course of treatment and the queue
# filters by check-ins through the outcomes use cases and pure measures. Outcomes extend the workspace and the
# person's private link: their staff blueprint stands on the staff guard and loads and locks a submission as the
# workspace does, the course form offers the assessment form's pattern choices, the CSV guards its cells as the
# workspace's exports do; the check-in page draws its questions as the screening steps do, and its mail is written
# as an intake's (the clinic's name and inbox, links on PUBLIC_BASE_URL). The commands are the operator's console
# onto every audience's use cases (never its views).
ACROSS: dict[str, tuple[str, ...]] = {
    "app.review": ("app.staff.guards", "app.staff.permissions", "app.outcomes.service", "app.outcomes.measures"),
    "app.outcomes": (
        "app.staff.guards",
        "app.review.workflow",
        "app.review.forms",
        "app.review.exports",
        "app.patient.step_markup",
        "app.intake.notifications",
    ),
    "app.cli": AUDIENCES,
}


def within(module: str, prefixes: tuple[str, ...] | str) -> bool:
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    return any(module == p or module.startswith(f"{p}.") for p in prefixes)


def resolve(name: str) -> str:
    """The app module an import names: ``app.create_app`` is ``app``, ``app.models.Submission`` is ``app.models``."""
    while name not in MODULES and "." in name:
        name = name.rpartition(".")[0]
    return name


def audience(module: str) -> str | None:
    return next((a for a in AUDIENCES if within(module, a)), None)


def wrong_way(importer: str, imported: str) -> str | None:
    """Why ``importer`` may not import ``imported`` (None when it may)."""
    top = imported.partition(".")[0]
    if top != "app":
        if within(importer, CORE) and imported.startswith(WEB_LIBRARIES):
            return "the core imports no Flask, database or web library"
        return None
    target = resolve(imported)
    if importer == "app":
        return None  # create_app: the table of contents
    if importer == "app.questionnaire" and within(target, "app.questionnaires"):
        return "the questionnaire model imports no version"
    if within(importer, CORE):
        return None if within(target, CORE) else "the core imports only the core"
    if within(importer, "app.models"):
        return None if within(target, (*CORE, "app.models", "app.web.extensions")) else "models import no app layer"
    if within(importer, "app.web"):
        return None if within(target, (*CORE, "app.models", "app.web")) else "app.web imports no service or audience"
    if within(importer, SERVICES):
        return None if within(target, (*CORE, "app.models", "app.web", *SERVICES)) else "services import no audience"
    own = audience(importer)
    if own is None:
        return f"{importer} is in no layer: add it to one"
    other = audience(target)
    if other is None or other == own:
        return None
    if target in VIEWS:
        return f"{own} imports another package's views"
    if not within(target, ACROSS.get(own, ())):
        return f"{own} imports {other}, which it may not"
    return None


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    return sorted(
        {
            f"{module} -> {resolve(imported) if imported.startswith('app.') else imported}: {reason}"
            for imported in imported_modules(source, module, is_package)
            if (reason := wrong_way(module, imported)) is not None
        }
    )


@pytest.mark.parametrize("path", app_modules(), ids=[str(p.relative_to(ROOT)) for p in app_modules()])
def test_every_import_runs_the_one_way(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert violations(source, module_name(path), is_package=path.name == "__init__.py") == []


def test_every_package_says_in_one_docstring_what_lives_there_and_what_it_may_import() -> None:
    for init in sorted((ROOT / "app").glob("*/__init__.py")):
        text = init.read_text(encoding="utf-8")
        assert text.startswith('"""'), init
        assert "import" in text.partition('"""')[2].partition('"""')[0], init


@pytest.mark.parametrize(
    ("module", "source", "reported"),
    [
        # The web layer reaching up into an audience, also lazily inside a function.
        ("app.web.errors", "from app.review import queue\n", ["app.review.queue"]),
        ("app.web.audit", "def late():\n    from app.staff.sessions import current_session\n", ["app.staff.sessions"]),
        # One audience importing another's views, or another audience at all.
        ("app.intake.service", "def f():\n    from app.patient.views import bp\n", ["app.patient.views"]),
        ("app.patient.views", "from app.intake import privacy\n", ["app.intake.privacy"]),
        ("app.review.views", "from app.staff.signin import bp\n", ["app.staff.signin"]),
        ("app.cli.users", "from app.staff import admin\n", ["app.staff.admin"]),
        # Outcomes and the workspace use each other's listed modules only, and never each other's views.
        ("app.outcomes.service", "from app.review import queue\n", ["app.review.queue"]),
        ("app.outcomes.staff", "from app.review.views import bp\n", ["app.review.views"]),
        ("app.review.views", "from app.outcomes.patient import bp\n", ["app.outcomes.patient"]),
        ("app.review.queue", "from app.outcomes import report\n", ["app.outcomes.report"]),
        # The model importing a version, and the core importing Flask, the database or the models.
        ("app.questionnaire", "from app.questionnaires import CURRENT\n", ["app.questionnaires"]),
        ("app.rules", "from flask import g\nfrom app.models import Submission\n", ["app.models", "flask"]),
        ("app.advice", "import sqlalchemy.orm\nfrom app import clinic\n", ["app.clinic", "sqlalchemy.orm"]),
        # A shared service importing an audience.
        ("app.services", "from app.intake import service\n", ["app.intake.service"]),
        ("app.clinic", "from . import review\n", ["app.review"]),
    ],
)
def test_the_check_reports_a_wrong_way_import(module: str, source: str, reported: list[str]) -> None:
    found = violations(source, module)
    assert [line.split(" -> ")[1].split(":")[0] for line in found] == reported


def test_the_check_lets_the_right_way_through() -> None:
    allowed = {
        "app.review.views": "from app.staff.guards import require_staff\nfrom app.review import queue\n",
        "app.cli.users": "from app.staff import accounts, passwords\nfrom app.intake.service import CONTACT_TIMES\n",
        "app.review.queue": "from app.outcomes import service\n",
        "app.outcomes.staff": "from app.review import workflow\nfrom app.staff.guards import require_staff\n",
        "app.patient.views": "from app import clinic, services\nfrom app.web.redirects import safe_next\n",
        "app.web.outbox": "from app.models import OutboxMail\nfrom app.web import crypto\n",
        "app.questionnaires": "from app.questionnaire import Questionnaire\nfrom app.questionnaires import v1\n",
        "app": "from app.patient.views import bp\nfrom app.staff import sessions\n",
    }
    for module, source in allowed.items():
        assert violations(source, module, is_package=module in ("app", "app.questionnaires")) == [], module
