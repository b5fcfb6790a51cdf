"""Migrations: up from nothing, down to nothing, up again, and the models agree with the result.

Runs on its own database (a fresh SQLite file, or a PostgreSQL database created beside the suite's), so the schema
the other tests share is never touched.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app.web.extensions import db
from tests.conftest import make_app

SCRATCH_SUFFIX = "_migrations"


@pytest.fixture
def empty_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    scratch = f"{url.database}{SCRATCH_SUFFIX}_{os.getpid()}"  # suites run side by side do not collide
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{scratch}"'))
    try:
        yield url.set(database=scratch).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def scratch_app(empty_database_url: str) -> Iterator[Flask]:
    app = make_app(empty_database_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def tables(app: Flask) -> set[str]:
    with app.app_context(), db.engine.connect() as conn:
        return set(inspect(conn).get_table_names()) - {"alembic_version"}


def model_diff(app: Flask) -> list[object]:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return list(compare_metadata(context, db.metadata))


def test_upgrade_downgrade_upgrade(scratch_app: Flask) -> None:
    models = set(db.metadata.tables)
    assert tables(scratch_app) == set()

    with scratch_app.app_context():
        upgrade()
    assert tables(scratch_app) == models

    with scratch_app.app_context():
        downgrade(revision="base")
    assert tables(scratch_app) == set()

    with scratch_app.app_context():
        upgrade()
    assert tables(scratch_app) == models


def test_models_match_migrations(scratch_app: Flask) -> None:
    with scratch_app.app_context():
        upgrade()
    assert model_diff(scratch_app) == []


def test_flask_db_check_agrees(scratch_app: Flask) -> None:
    with scratch_app.app_context():
        upgrade()
    result = scratch_app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
