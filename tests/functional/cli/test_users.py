"""``flask users``: the first admin and every later account can be made and managed from the command line."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models import User
from app.staff import passwords
from app.web.extensions import db
from tests.conftest import PASSWORD
from tests.staff import QUEUE, add_user, events, is_sign_in_redirect, live_sessions, reload, sign_in, signed_in

NEW_PASSWORD = "another long passphrase"


def account(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
    return user


def printed_one_time_password(output: str) -> str:
    match = re.search(r"One-time password \(to be changed at the next sign-in\): (\S+)", output)
    assert match, output
    return match.group(1)


def test_the_first_admin_is_created_with_a_password_from_standard_input(app, runner, client):
    result = runner.invoke(args=["users", "create", "Head@Clinic.test", "--role", "admin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Created admin head@clinic.test." in result.output
    assert PASSWORD not in result.output

    user = account(app, "head@clinic.test")
    assert (user.role, user.active, user.must_change_password) == ("admin", True, False)
    assert passwords.verify(user.password_hash, PASSWORD)
    [created] = events(app, "user_created")
    assert (created.target, created.actor_id, created.ip, created.detail) == (
        f"user:{user.id}",
        None,
        None,
        {"role": "admin", "via": "cli"},
    )
    assert sign_in(client, "head@clinic.test").status_code == 302
    assert client.get("/admin/users").status_code == 200


def test_a_one_time_password_is_printed_and_must_be_changed(app, runner, client):
    result = runner.invoke(args=["users", "create", "new@clinic.test", "--role", "practitioner", "--one-time-password"])
    assert result.exit_code == 0, result.output
    password = printed_one_time_password(result.output)
    assert account(app, "new@clinic.test").must_change_password
    assert sign_in(client, "new@clinic.test", password).status_code == 302
    assert client.get(QUEUE).location == "/staff/password"


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "at least 8"), ("password1", "too common"), ("x" * 129, "at most 128"), ("", "at least 8")],
)
def test_a_weak_password_is_refused_and_nothing_is_created(app, runner, password, message):
    result = runner.invoke(args=["users", "create", "new@clinic.test", "--role", "admin"], input=password + "\n")
    assert result.exit_code == 1
    assert message in result.output
    assert account(app, "new@clinic.test") is None


@pytest.mark.parametrize(
    "email", ["not-an-address", "two@@clinic.test", "no-domain@", "@clinic.test", "a b@clinic.test"]
)
def test_an_invalid_address_is_refused(app, runner, email):
    result = runner.invoke(args=["users", "create", email, "--role", "admin", "--one-time-password"])
    assert result.exit_code == 1
    assert "valid email address" in result.output


def test_an_address_that_already_has_an_account_is_refused(app, runner):
    add_user(app, email="taken@clinic.test")
    result = runner.invoke(args=["users", "create", "TAKEN@clinic.test", "--role", "admin", "--one-time-password"])
    assert result.exit_code == 1
    assert "already has an account" in result.output


def test_an_unknown_role_is_refused(app, runner):
    result = runner.invoke(args=["users", "create", "a@clinic.test", "--role", "owner", "--one-time-password"])
    assert result.exit_code == 2
    assert account(app, "a@clinic.test") is None


def test_set_password_replaces_it_and_ends_every_session(app, runner):
    user = add_user(app)
    session = signed_in(app, user)
    result = runner.invoke(args=["users", "set-password", user.email.upper()], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert is_sign_in_redirect(session.get(QUEUE))
    fresh = reload(app, user)
    assert passwords.verify(fresh.password_hash, NEW_PASSWORD)
    assert not fresh.must_change_password
    [reset] = events(app, "password_reset")
    assert reset.detail == {"one_time": False, "via": "cli"}


def test_set_password_with_a_one_time_password(app, runner, client):
    user = add_user(app)
    result = runner.invoke(args=["users", "set-password", user.email, "--one-time-password"])
    assert result.exit_code == 0, result.output
    password = printed_one_time_password(result.output)
    assert sign_in(client, user.email, password).status_code == 302
    assert client.get(QUEUE).location == "/staff/password"


def test_deactivate_ends_sessions_and_reactivate_lets_the_account_back(app, runner, client):
    user = add_user(app)
    session = signed_in(app, user)
    result = runner.invoke(args=["users", "deactivate", user.email])
    assert result.exit_code == 0, result.output
    assert not reload(app, user).active
    assert live_sessions(app, user) == 0
    assert is_sign_in_redirect(session.get(QUEUE))
    assert sign_in(client, user.email).status_code == 401

    result = runner.invoke(args=["users", "reactivate", user.email])
    assert result.exit_code == 0, result.output
    assert sign_in(client, user.email).status_code == 302
    actions = [e.action for e in events(app) if e.detail.get("via") == "cli"]
    assert actions == ["user_deactivated", "user_reactivated"]


@pytest.mark.parametrize("command", ["set-password", "deactivate", "reactivate"])
def test_an_unknown_account_is_reported(app, runner, command):
    result = runner.invoke(args=["users", command, "nobody@clinic.test"], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 1
    assert "No account for nobody@clinic.test." in result.output


@pytest.mark.parametrize("command", ["create", "set-password", "deactivate", "reactivate"])
@pytest.mark.parametrize("email", ["nobody\x00@clinic.test", "nobody@clinic.test\x1b[2J"])
def test_an_address_with_control_characters_is_refused_before_any_look_up(app, runner, command, email):
    extra = ["--role", "admin", "--one-time-password"] if command == "create" else []
    result = runner.invoke(args=["users", command, email, *extra])
    assert result.exit_code == 1
    assert "Give a valid email address." in result.output


def test_concurrent_creates_on_sqlite_queue_on_the_write_lock(tmp_path):
    """Several `flask users create` at once (separate processes, as from a provisioning script) all succeed."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from flask_migrate import upgrade
    from sqlalchemy import func

    from tests.conftest import make_app

    url = f"sqlite:///{tmp_path / 'screening.db'}"
    migrated = make_app(url)
    with migrated.app_context():
        upgrade()
        db.engine.dispose()
    env = {**os.environ, "APP_CONFIG": "testing", "TEST_DATABASE_URL": url}
    root = Path(__file__).resolve().parents[3]
    command = [sys.executable, "-m", "flask", "--app", "app", "users", "create"]
    processes = [
        subprocess.Popen(
            [*command, f"user{n}@clinic.test", "--role", "practitioner", "--one-time-password"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    assert [code for code, _, _ in results] == [0] * 4, [err for _, _, err in results]
    assert all("database is locked" not in err for _, _, err in results)
    with migrated.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 4
        db.engine.dispose()
