"""Staff sessions: fresh at sign-in, ended on the server at sign-out, idle and absolute timeouts, hardened cookies."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

import config
from app.models import StaffSession, User
from app.staff import accounts
from app.staff.sessions import SESSION_KEY
from app.web.extensions import db
from app.web.redirects import safe_next
from tests.functional.web.test_database import GOOD_KEY, OTHER_PRODUCTION_KEYS
from tests.staff import QUEUE, SIGN_IN, add_user, is_sign_in_redirect, live_sessions, sign_in, signed_in

START = datetime(2030, 3, 2, 8, 0, tzinfo=UTC)


def session_cookie(client, name="session"):
    cookie = client.get_cookie(name)
    assert cookie is not None
    return cookie.value


# A fresh session at sign-in


def test_sign_in_starts_a_fresh_session_whatever_the_cookie_held_before(app, client):
    user = add_user(app)
    with client.session_transaction() as session:
        session[SESSION_KEY] = "a token someone planted"
        session["_user_id"] = str(user.id)
    planted = session_cookie(client)
    assert client.get(QUEUE).status_code == 302  # a planted token is not a session

    sign_in(client, user.email)
    assert session_cookie(client) != planted
    with client.session_transaction() as session:
        assert session[SESSION_KEY] != "a token someone planted"
    assert client.get(QUEUE).status_code == 200


def test_signing_in_again_ends_the_session_it_replaces(app, client):
    user = add_user(app)
    sign_in(client, user.email)
    first = session_cookie(client)
    client.post("/staff/sign-out")
    replay = app.test_client()
    replay.set_cookie("session", first)
    sign_in(replay, user.email)
    assert live_sessions(app, user) == 1


def test_remember_me_is_never_set(app, client):
    user = add_user(app)
    response = sign_in(client, user.email)
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and not [c for c in cookies if c.startswith("remember_token")]
    assert client.get_cookie("remember_token") is None


# Sign-out


def test_sign_out_ends_the_session_on_the_server(app, client):
    user = add_user(app)
    sign_in(client, user.email)
    copied = session_cookie(client)
    assert client.post("/staff/sign-out").location == SIGN_IN
    assert client.get(QUEUE).status_code == 302

    # The cookie as it was before sign-out, replayed from elsewhere: signed out all the same.
    replay = app.test_client()
    replay.set_cookie("session", copied)
    assert is_sign_in_redirect(replay.get(QUEUE))
    assert live_sessions(app, user) == 0


def test_sign_out_of_an_unfinished_second_factor_ends_that_session_too(app, app_factory):
    two_factor = app_factory(REQUIRE_TWO_FACTOR=True)
    user = add_user(two_factor, totp_enabled=True)
    with two_factor.app_context():
        from app.web import crypto

        db.session.get(User, user.id).totp_secret_enc = crypto.encrypt("JBSWY3DPEHPK3PXP")
        db.session.commit()
    client = two_factor.test_client()
    assert sign_in(client, user.email).location == "/staff/two-factor"
    client.post("/staff/sign-out")
    assert client.get("/staff/two-factor").location == SIGN_IN
    assert live_sessions(two_factor, user) == 0


# Timeouts


def test_timeouts_default_to_30_minutes_idle_and_12_hours_in_all():
    if {"STAFF_IDLE_MINUTES", "STAFF_SESSION_HOURS"} & set(os.environ):
        pytest.skip("the timeouts are set in this environment")
    idle, lifetime = config.Config.STAFF_IDLE_TIMEOUT, config.Config.STAFF_SESSION_LIFETIME
    assert idle == timedelta(minutes=30)
    assert lifetime == timedelta(hours=12)


def test_a_session_idle_for_longer_than_the_timeout_ends(app):
    user = add_user(app)
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(app, user)
        traveller.shift(timedelta(minutes=29))
        assert client.get(QUEUE).status_code == 200
        traveller.shift(timedelta(minutes=29))  # 58 minutes in, but never idle for 30
        assert client.get(QUEUE).status_code == 200
        traveller.shift(timedelta(minutes=30, seconds=1))
        assert is_sign_in_redirect(client.get(QUEUE))
        assert live_sessions(app, user) == 0
        traveller.shift(timedelta(seconds=1))
        assert is_sign_in_redirect(client.get(QUEUE))  # ended for good


def test_a_form_posted_after_a_pause_records_the_activity_and_never_waits_on_itself(app):
    # A POST holds SQLite's write lock from its first query, so the activity time goes with its own commit.
    user = add_user(app)
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(app, user)
        traveller.shift(timedelta(minutes=20))
        refused = {"current": "not my password", "new": "another long passphrase", "confirm": "another long passphrase"}
        assert client.post("/staff/password", data=refused).status_code == 422  # nothing committed
        traveller.shift(timedelta(minutes=20))  # 40 minutes since sign-in, 20 since that post
        assert client.get(QUEUE).status_code == 200
    with app.app_context():
        row = db.session.scalars(select(StaffSession).where(StaffSession.user_id == user.id)).one()
        assert row.last_seen_at == START + timedelta(minutes=40)


def test_the_idle_timeout_comes_from_configuration(app, app_factory):
    short = app_factory(STAFF_IDLE_TIMEOUT=timedelta(minutes=5))
    user = add_user(short)
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(short, user)
        traveller.shift(timedelta(minutes=5, seconds=1))
        assert is_sign_in_redirect(client.get(QUEUE))


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app):
    user = add_user(app)
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(app, user)
        while datetime.now(UTC) + timedelta(minutes=25) < START + timedelta(hours=12):
            traveller.shift(timedelta(minutes=25))
            assert client.get(QUEUE).status_code == 200
        traveller.move_to(START + timedelta(hours=12, seconds=1))
        assert is_sign_in_redirect(client.get(QUEUE))
        assert live_sessions(app, user) == 0


def test_the_absolute_lifetime_comes_from_configuration(app, app_factory):
    short = app_factory(STAFF_SESSION_LIFETIME=timedelta(hours=1))
    user = add_user(short)
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(short, user)
        for _ in range(3):
            traveller.shift(timedelta(minutes=20))
            assert client.get(QUEUE).status_code == 200
        traveller.shift(timedelta(seconds=1))
        assert is_sign_in_redirect(client.get(QUEUE))


# Deactivation


def test_deactivating_a_user_ends_their_sessions_at_their_next_request(app):
    user = add_user(app)
    client = signed_in(app, user)
    assert client.get(QUEUE).status_code == 200
    with app.app_context():
        accounts.set_active(db.session.get(User, user.id), False)
        db.session.commit()
    assert is_sign_in_redirect(client.get(QUEUE))
    assert live_sessions(app, user) == 0


def test_a_deactivated_account_is_signed_out_however_it_was_deactivated(app):
    user = add_user(app)
    client = signed_in(app, user)
    with app.app_context():
        # Straight in the database, bypassing the service that ends sessions: the check per request still holds.
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert is_sign_in_redirect(client.get(QUEUE))
    assert live_sessions(app, user) == 0
    with app.app_context():
        db.session.get(User, user.id).active = True
        db.session.commit()
    assert is_sign_in_redirect(client.get(QUEUE))  # reactivation does not revive an old session


# Cookies


def test_the_session_cookie_is_http_only_and_same_site_lax(app, client):
    user = add_user(app)
    response = sign_in(client, user.email)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/" in cookie


def test_in_production_the_cookie_is_secure_and_host_only(database_url):
    from app import create_app

    app = create_app(
        {
            "APP_CONFIG": "production",
            "SECRET_KEY": GOOD_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            **OTHER_PRODUCTION_KEYS,
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get(SIGN_IN, base_url="https://localhost")
    [cookie] = response.headers.getlist("Set-Cookie")
    assert cookie.startswith("__Host-session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie
    assert "Domain=" not in cookie
    with app.app_context():
        db.engine.dispose()


def test_the_session_cookie_is_the_one_flask_signs_and_follows_a_key_change(app_factory):
    """The reused serializer signs exactly as Flask's own interface does, with the key in force at each request."""
    from flask.sessions import SecureCookieSessionInterface

    app = app_factory(SECRET_KEY="first key")
    client = app.test_client()
    with client.session_transaction() as session:
        session["draft"] = "d1"
    ours = session_cookie(client)
    flask_default = SecureCookieSessionInterface().get_signing_serializer(app)
    assert flask_default.loads(ours) == {"draft": "d1"}

    app.config.update(SECRET_KEY="second key", SECRET_KEY_FALLBACKS=["first key"])
    with client.session_transaction() as session:
        assert session["draft"] == "d1"  # signed with the old key, read through the fallback
        session["draft"] = "d2"
    assert SecureCookieSessionInterface().get_signing_serializer(app).loads(session_cookie(client)) == {"draft": "d2"}
    app.config.update(SECRET_KEY_FALLBACKS=[])
    client.set_cookie("session", ours)
    with client.session_transaction() as session:
        assert "draft" not in session  # the first key is no longer accepted


# Next


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "HTTPS://evil.example",
        "javascript:alert(1)",
        " /staff/",
        "/\t/evil.example",
        "/staff/\r\nSet-Cookie: x=y",
    ],
)
def test_safe_next_refuses_anything_but_a_path_here(target):
    assert safe_next(target) is None
    assert safe_next(target, lambda: "/staff/") == "/staff/"


@pytest.mark.parametrize(
    ("target", "kept"), [("/staff/?status=new", "/staff/?status=new"), ("/staff/?", "/staff/"), ("/", "/")]
)
def test_safe_next_keeps_a_path_on_this_site(target, kept):
    assert safe_next(target) == kept


def test_a_session_row_is_named_by_a_digest_never_the_token(app, client):
    user = add_user(app)
    sign_in(client, user.email)
    with client.session_transaction() as session:
        token = session[SESSION_KEY]
    with app.app_context():
        ids = list(db.session.scalars(select(StaffSession.id)))
    assert len(ids) == 1
    assert token not in ids
