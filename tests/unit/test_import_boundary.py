"""The pure modules import only the standard library and each other, so the engine runs without the web app."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.imports import ENGINE, ROOT, imported_modules, module_name, module_paths

# A pure module inside an audience package is held to the same rule.
ALLOWED_APP = (*ENGINE, "app.outcomes.measures")
PURE = [path for module in ALLOWED_APP for path in module_paths(module)]


def allowed(module: str) -> bool:
    top = module.partition(".")[0]
    if top == "app":
        return any(module == a or module.startswith(f"{a}.") for a in ALLOWED_APP)
    return top in sys.stdlib_module_names or top == "__future__"


@pytest.mark.parametrize("path", PURE, ids=[str(p.relative_to(ROOT)) for p in PURE])
def test_pure_modules_import_only_the_standard_library_and_each_other(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    modules = imported_modules(source, module_name(path), is_package=path.name == "__init__.py")
    assert sorted(m for m in modules if not allowed(m)) == []


def test_the_check_catches_web_and_database_imports() -> None:
    source = (
        "from __future__ import annotations\n"
        "import json\n"
        "from flask import request\n"
        "import sqlalchemy.orm\n"
        "import flask_babel\n"
        "from wtforms import Form\n"
        "from app import advice, models\n"
        "from app.web.extensions import db\n"
        "from . import v1\n"
        "from ..questionnaire import Option\n"
        "def late():\n"
        "    from app.api.views import bp\n"
    )
    modules = imported_modules(source, "app.questionnaires.probe")
    assert {m for m in modules if not allowed(m)} == {
        "flask",
        "sqlalchemy.orm",
        "flask_babel",
        "wtforms",
        "app.models",
        "app.web.extensions",
        "app.api.views",
    }
    assert {"app.advice", "app.questionnaires.v1", "app.questionnaire", "json"} <= modules


# Modules without the web app that may use a library of their own (Babel's catalogues, phone and email rules), but
# nothing from Flask, the database or the app's web modules: the FHIR view, API input parsing, charts, code lists.
FRAMEWORK_FREE = sorted(
    ROOT / "app" / name
    for name in (
        "fhir.py",
        "api/input.py",
        "catalogues.py",
        "review/charts.py",
        "clinical_findings.py",
        "contact_values.py",
        "patient/pain_map.py",
    )
)
WEB = ("flask", "flask_", "werkzeug", "jinja2", "wtforms", "sqlalchemy", "alembic", "psycopg")
PURE_APP = (
    *ALLOWED_APP,
    "app.fhir",
    "app.catalogues",
    "app.review.charts",
    "app.clinical_findings",
    "app.patient.pain_map",
)


@pytest.mark.parametrize("path", FRAMEWORK_FREE, ids=[p.name for p in FRAMEWORK_FREE])
def test_framework_free_modules_import_nothing_from_the_web_or_the_database(path: Path) -> None:
    modules = imported_modules(path.read_text(encoding="utf-8"), module_name(path))
    web = [m for m in modules if m.startswith(WEB)]
    app_modules = [m for m in modules if m.partition(".")[0] == "app" and not m.startswith(PURE_APP)]
    assert web == [] and app_modules == []
