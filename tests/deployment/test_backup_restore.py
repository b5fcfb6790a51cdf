"""``deploy/backup.sh`` and ``deploy/restore.sh``: a backup of a live database restores into a fresh one, whole.

Runs on the suite's database: a SQLite file, or PostgreSQL when TEST_DATABASE_URL names one (restored into a database
of its own beside it, ``<name>_restore``, made and dropped here).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from app import personal_data
from app.models import Submission, User
from app.questionnaires import current
from app.services import record_assessment
from app.staff import passwords
from app.web.extensions import db
from tests.answers import typical_answers
from tests.conftest import PASSWORD
from tests.intake import EMAIL, MESSAGE, NAME, PHONE_E164, sent
from tests.staff import add_user, sign_in

ROOT = Path(__file__).resolve().parents[2]
BACKUP = ROOT / "deploy" / "backup.sh"
RESTORE = ROOT / "deploy" / "restore.sh"


def run(script: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The script as an operator runs it: the app's DATABASE_URL in the environment, nothing else of the suite's."""
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": database_url, "PYTHON": sys.executable}
    return subprocess.run(
        ["bash", str(script), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def fresh_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Where the backup is restored: a SQLite file not yet there, or an empty PostgreSQL database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'screening.db'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_restore"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def counts(app: Flask) -> dict[str, int]:
    """Rows per table, the migration version included."""
    with app.app_context():
        found = {
            table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
            for table in db.metadata.sorted_tables
        }
        found["alembic_version"] = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        db.session.rollback()
    return found


def test_a_backup_of_a_live_database_restores_into_a_fresh_one_with_everything_readable(
    app, client, app_factory, database_url, fresh_database, tmp_path
):
    # A little of everything: intake with encrypted contact details, plain checks, a staff account, its audit trail.
    result_path = sent(client)
    with app.app_context():
        for pain in (2, 5, 8):
            record_assessment(typical_answers(pain_worst=pain), current(), source="api")
        db.session.commit()
    admin = add_user(app, email="admin@clinic.test", role="admin")
    assert sign_in(client, admin.email).status_code == 302
    before = counts(app)
    assert before["contact"] == 1 and before["submission"] == 4 and before["audit_event"] >= 1

    # The app still holds its connections (and on SQLite, writes may still sit in the write-ahead log).
    backup = tmp_path / "backups" / "screening.backup"
    backup.parent.mkdir()
    made = run(BACKUP, database_url, str(backup))
    assert made.returncode == 0, made.stderr
    assert backup.stat().st_size > 0 and backup.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert not list(backup.parent.glob("*.partial"))

    if fresh_database.startswith("sqlite"):
        Path(fresh_database.removeprefix("sqlite:///")).parent.mkdir()
    restored_run = run(RESTORE, fresh_database, str(backup))
    assert restored_run.returncode == 0, restored_run.stderr
    assert "flask --app app db upgrade" in restored_run.stdout

    # Same keys (the suite's configuration): every row is back, and the contact details decrypt and are found.
    restored = app_factory(database=fresh_database)
    with restored.app_context():
        upgrade()  # what the operator runs next: nothing to do, the schema is this release's
    assert counts(restored) == before
    with restored.app_context():
        [found] = personal_data.find_by_contact(EMAIL)
        assert found.public_id == result_path.rsplit("/", 1)[-1]
        found_id = found.id
        assert personal_data.find_by_name(NAME) == [found]
        details = personal_data.contact_details(found)
        assert details is not None
        assert (details["name"], details["phone"], details["email"], details["message"]) == (
            NAME,
            PHONE_E164,
            EMAIL.lower(),
            MESSAGE,
        )
        account = db.session.scalar(select(User).where(User.email == admin.email))
        assert account is not None and passwords.verify(account.password_hash, PASSWORD)
        # It takes new writes (PostgreSQL's sequences came along) …
        record_assessment(typical_answers(), current(), source="api")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Submission)) == before["submission"] + 1
        # … and the audit trail is still append-only.
        with pytest.raises(DatabaseError):
            db.session.execute(text("UPDATE audit_event SET action = 'changed'"))
            db.session.flush()
        db.session.rollback()

    # The backup holds ciphertext only: without the keys it was made with, the details stay unreadable.
    stranger = app_factory(database=fresh_database, ENCRYPTION_KEYS=Fernet.generate_key().decode())
    with stranger.app_context():
        submission = db.session.get(Submission, found_id)
        with pytest.raises(InvalidToken):
            personal_data.contact_details(submission)

    # A database with data in it is never restored over.
    again = run(RESTORE, fresh_database, str(backup))
    assert again.returncode == 1
    assert "already" in again.stderr
    assert counts(restored)["submission"] == before["submission"] + 1


def test_the_scripts_refuse_to_guess_what_to_back_up(tmp_path):
    for script in (BACKUP, RESTORE):
        assert run(script, "", str(tmp_path / "file")).returncode == 2
        assert run(script, "mysql://somewhere/db", str(tmp_path / "file")).returncode in (1, 2)
    assert "no SQLite database" in run(BACKUP, f"sqlite:///{tmp_path / 'none.db'}", str(tmp_path / "b")).stderr
    assert "no backup" in run(RESTORE, f"sqlite:///{tmp_path / 'new.db'}", str(tmp_path / "missing")).stderr
