"""Staff sign-in: accounts, Argon2id passwords, the same answer for every failure, rate limits, audit."""

from __future__ import annotations

import argon2
import pytest
from sqlalchemy import func, select

from app.models import User
from app.staff import passwords
from app.web.extensions import db
from tests.conftest import PASSWORD
from tests.staff import QUEUE, SIGN_IN, add_user, csrf_token, events, reload, sign_in, signed_in

# Accounts


def test_a_fresh_database_has_no_accounts_and_there_is_no_sign_up(app, client):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
    rules = [rule.rule for rule in app.url_map.iter_rules()]
    assert not [rule for rule in rules if "sign-up" in rule or "register" in rule]
    page = client.get(SIGN_IN).get_data(as_text=True)
    assert "administrator" in page  # accounts come from an admin, and the page says so


# Through the real form, with CSRF on


def test_sign_in_through_the_real_form_with_csrf_on(app, app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    user = add_user(app)
    client = app.test_client()

    page = client.get(SIGN_IN)
    assert page.status_code == 200
    refused = sign_in(client, user.email)
    assert refused.status_code == 400  # no token

    response = sign_in(client, user.email, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert response.location == QUEUE
    assert client.get(QUEUE).status_code == 200

    sign_out_form = csrf_token(client.get(QUEUE).get_data(as_text=True))
    assert client.post("/staff/sign-out", data={"csrf_token": sign_out_form}).status_code == 302
    assert client.get(QUEUE).status_code == 302


# The same answer for every failure


def test_unknown_account_and_wrong_password_get_the_same_answer(app, client):
    user = add_user(app)
    unknown = sign_in(client, "nobody@clinic.test", "a wrong but plausible password")
    wrong = sign_in(client, user.email, "a wrong but plausible password")
    assert unknown.status_code == wrong.status_code == 401
    # The form keeps the address typed; apart from it the pages are identical.
    assert unknown.get_data(as_text=True).replace("nobody@clinic.test", "EMAIL") == wrong.get_data(
        as_text=True
    ).replace(user.email, "EMAIL")
    assert "The email or password is not right." in wrong.get_data(as_text=True)


def test_a_deactivated_account_gets_the_same_answer_even_with_its_password(app, client):
    user = add_user(app, active=False)
    response = sign_in(client, user.email)
    assert response.status_code == 401
    assert "The email or password is not right." in response.get_data(as_text=True)
    assert client.get(QUEUE).status_code == 302


def test_the_address_is_matched_whatever_its_case_and_spaces(app, client):
    user = add_user(app)
    response = sign_in(client, f"  {user.email.upper()} ")
    assert response.status_code == 302
    assert client.get(QUEUE).status_code == 200


def test_failed_and_successful_sign_ins_are_audited_with_who_what_and_where(app, client):
    user = add_user(app)
    sign_in(client, "nobody@clinic.test", "typed into the wrong field", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    sign_in(client, user.email, "a wrong password", environ_base={"REMOTE_ADDR": "192.0.2.8"})
    sign_in(client, user.email, environ_base={"REMOTE_ADDR": "192.0.2.9"})

    unknown, wrong, success = events(app, "sign_in")
    assert (unknown.outcome, unknown.target, unknown.actor_id, unknown.ip) == ("failure", None, None, "192.0.2.7")
    assert unknown.detail == {"reason": "unknown_account"}  # nothing typed is kept
    assert (wrong.outcome, wrong.target, wrong.ip, wrong.detail) == (
        "failure",
        f"user:{user.id}",
        "192.0.2.8",
        {"reason": "wrong_password"},
    )
    assert (success.outcome, success.actor_id, success.actor_email, success.target, success.ip) == (
        "success",
        user.id,
        user.email,
        f"user:{user.id}",
        "192.0.2.9",
    )
    assert success.at.tzinfo is not None and success.at.utcoffset().total_seconds() == 0
    assert reload(app, user).last_sign_in_at is not None


def test_sign_out_is_audited(app, client):
    user = add_user(app)
    sign_in(client, user.email)
    client.post("/staff/sign-out")
    [event] = events(app, "sign_out")
    assert (event.actor_id, event.target, event.outcome) == (user.id, f"user:{user.id}", "success")


# Passwords


def test_passwords_are_hashed_with_argon2id_at_owasp_parameters_or_above():
    stored = passwords.hash_password(PASSWORD)
    parameters = argon2.extract_parameters(stored)
    assert parameters.type is argon2.Type.ID
    assert parameters.memory_cost >= 19 * 1024
    assert parameters.time_cost >= 2
    assert parameters.parallelism >= 1
    assert PASSWORD not in stored


def test_a_hash_made_with_weaker_parameters_is_replaced_at_sign_in(app, client):
    weak = argon2.PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    user = add_user(app)
    with app.app_context():
        db.session.get(User, user.id).password_hash = weak
        db.session.commit()

    assert sign_in(client, user.email).status_code == 302
    stored = reload(app, user).password_hash
    assert stored != weak
    assert not passwords.needs_rehash(stored)
    assert passwords.verify(stored, PASSWORD)


def test_long_passwords_are_not_truncated():
    long = "x" * 127 + "a"
    stored = passwords.hash_password(long)
    assert passwords.verify(stored, long)
    assert not passwords.verify(stored, "x" * 127 + "b")
    assert not passwords.verify(stored, "x" * 127)


@pytest.mark.parametrize(
    "password",
    [
        "eight ch",  # exactly 8
        "x" * 128,  # exactly 128
        "lowercase words only and long",  # no composition rules
        "短いけど八文字以上のパスワード",  # any characters
        "correct horse battery staple!",
    ],
)
def test_any_password_of_8_to_128_characters_that_is_not_common_is_accepted(password):
    assert passwords.problems(password, "someone@clinic.test") == []


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("seven c", "at least 8"),
        ("x" * 129, "at most 128"),
        ("password", "too common"),
        ("Password1", "too common"),
        ("qwertyuiop", "too common"),
        ("12345678", "too common"),
        ("someone@clinic.test", "too common"),  # the account's own address
    ],
)
def test_short_long_and_common_passwords_are_refused(password, problem):
    found = passwords.problems(password, "someone@clinic.test")
    assert any(problem in message for message in found), found


def test_the_shipped_list_of_common_passwords_is_loaded():
    assert len(passwords.common_passwords()) >= 10_000


# Changing one's password


def test_a_password_change_needs_the_current_password_and_a_good_new_one(app):
    user = add_user(app)
    client = signed_in(app, user)
    other = signed_in(app, user)  # the same account signed in elsewhere

    def change(current, new, confirm=None):
        return client.post(
            "/staff/password", data={"current": current, "new": new, "confirm": new if confirm is None else confirm}
        )

    assert change("not my password", "a brand new passphrase").status_code == 422
    assert change(PASSWORD, "password1").status_code == 422
    assert change(PASSWORD, "a brand new passphrase", "something else").status_code == 422
    assert reload(app, user).password_hash and passwords.verify(reload(app, user).password_hash, PASSWORD)

    assert change(PASSWORD, "a brand new passphrase").status_code == 302
    assert passwords.verify(reload(app, user).password_hash, "a brand new passphrase")
    assert client.get(QUEUE).status_code == 200  # this session carries on
    assert other.get(QUEUE).status_code == 302  # the other one is signed out
    [event] = events(app, "password_changed")
    assert (event.actor_id, event.target) == (user.id, f"user:{user.id}")


def test_a_one_time_password_must_be_changed_before_anything_else(app, client):
    user = add_user(app, must_change_password=True)
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert client.get(QUEUE).location == "/staff/password"

    changed = client.post(
        "/staff/password",
        data={"current": PASSWORD, "new": "my very own passphrase", "confirm": "my very own passphrase"},
    )
    assert changed.status_code == 302
    assert not reload(app, user).must_change_password
    assert client.get(QUEUE).status_code == 200


# Next


def test_sign_in_returns_to_the_page_asked_for(app, client):
    user = add_user(app)
    asked = client.get("/staff/?status=new")
    assert asked.status_code == 302
    assert asked.location.startswith(SIGN_IN + "?next=")
    response = sign_in(client, user.email, next="/staff/?status=new")
    assert response.location == "/staff/?status=new"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "https://evil.example/staff/",
        "http:/evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "/\n/evil.example",
        "staff/",
    ],
)
def test_sign_in_never_sends_anyone_to_another_site(app, client, target):
    user = add_user(app)
    response = sign_in(client, user.email, next=target)
    assert response.status_code == 302
    assert response.location == QUEUE


# Rate limits


def test_sign_in_is_limited_per_client_address(app, app_factory):
    app = app_factory(SIGN_IN_LIMIT_PER_IP="3 per minute", SIGN_IN_LIMIT_PER_ACCOUNT="100 per minute")
    client = app.test_client()
    here = {"REMOTE_ADDR": "198.51.100.1"}
    for attempt in range(3):
        assert sign_in(client, f"guess{attempt}@clinic.test", "wrong guess", environ_base=here).status_code == 401
    limited = sign_in(client, "guess9@clinic.test", "wrong guess", environ_base=here)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    page = limited.get_data(as_text=True)
    assert "Too many attempts" in page and 'value="guess9@clinic.test"' in page  # the sign-in form, kept filled
    # Another address is not held back, and the page itself stays readable.
    elsewhere = {"REMOTE_ADDR": "198.51.100.2"}
    assert sign_in(client, "guess9@clinic.test", "wrong guess", environ_base=elsewhere).status_code == 401
    assert client.get(SIGN_IN, environ_base=here).status_code == 200


def test_sign_in_is_limited_per_account_across_client_addresses(app, app_factory):
    app = app_factory(SIGN_IN_LIMIT_PER_IP="100 per minute", SIGN_IN_LIMIT_PER_ACCOUNT="3 per minute")
    user = add_user(app)
    client = app.test_client()
    for attempt in range(3):
        address = {"REMOTE_ADDR": f"203.0.113.{attempt + 1}"}
        assert sign_in(client, user.email, "wrong guess", environ_base=address).status_code == 401
    # A new address, the right password, and the address spelt differently: still refused for now.
    fresh = {"REMOTE_ADDR": "203.0.113.99"}
    limited = sign_in(client, f" {user.email.upper()}", environ_base=fresh)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert client.get(QUEUE).status_code == 302
    # Other accounts are not affected.
    other = add_user(app, email="colleague@clinic.test")
    assert sign_in(client, other.email, environ_base=fresh).status_code == 302

    [denied] = events(app, "sign_in", outcome="denied")
    assert denied.detail["reason"] == "rate_limited"
    assert denied.ip == "203.0.113.99"


def test_production_warns_when_limits_are_counted_per_process(database_url, caplog):
    from app import create_app
    from tests.functional.web.test_database import GOOD_KEY, OTHER_PRODUCTION_KEYS

    settings = {"SECRET_KEY": GOOD_KEY, "SQLALCHEMY_DATABASE_URI": database_url, **OTHER_PRODUCTION_KEYS}
    create_app({"APP_CONFIG": "production", "RATELIMIT_STORAGE_URI": "memory://", **settings})
    assert "sign-in limits are counted per worker process" in caplog.text
