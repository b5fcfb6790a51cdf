"""Read a module's imports from its source (ast), lazy ones inside functions included, without importing it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_modules() -> list[Path]:
    return sorted(APP.rglob("*.py"))


# The rule engine and what it stands on: pure, on the standard library alone (tests/unit/test_import_boundary.py).
ENGINE = (
    "app.questionnaire",
    "app.questionnaires",
    "app.flag_rules",
    "app.point_rules",
    "app.rules",
    "app.answer_plan",
    "app.red_flags",
    "app.compact_record",
    "app.advice",
    "app.cautions",
    "app.input_values",
)
# The core: the engine and the other pure modules, which import no Flask, database or web code but may use a library
# (phone numbers, catalogues) (tests/unit/test_import_direction.py).
CORE = (*ENGINE, "app.contact_values", "app.clinical_findings", "app.catalogues", "app.fhir")


def module_paths(module: str) -> list[Path]:
    """The source files of a module, or of every module of a package."""
    path = ROOT.joinpath(*module.split("."))
    return sorted(path.glob("*.py")) if path.is_dir() else [path.with_suffix(".py")]


# Packages of the app: from a package each imported name may be a module ("from app import advice").
PACKAGES = frozenset(module_name(path.parent / "__init__.py") for path in APP.rglob("__init__.py"))


def imported_modules(
    source: str, module: str, is_package: bool = False, packages: frozenset[str] = PACKAGES
) -> set[str]:
    """Every module the source imports, anywhere in it (a lazy import inside a function counts too)."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{target}" if target else base
            # From a package each name may be a module ("from app import advice"); from a module it is not.
            if target in packages:
                found.update(f"{target}.{alias.name}" for alias in node.names)
            else:
                found.add(target)
    return found
