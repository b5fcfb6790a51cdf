"""TOTP second factor: enrolment with a QR code, sign-in with a code, no code used twice, failures audited."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine

import config
from app.models import User
from app.web import crypto
from app.web.extensions import db
from tests.staff import QUEUE, add_user, events, reload, sign_in, signed_in

# Mid-way through a 30-second step, so one step of drift either way stays inside the same minute.
NOW = datetime(2030, 5, 6, 9, 0, 10, tzinfo=UTC)
SECRET = pyotp.random_base32()


@pytest.fixture
def two_factor_app(app, app_factory):
    """The app as configured by default: two-factor sign-in required (``app`` empties the tables afterwards)."""
    return app_factory(REQUIRE_TWO_FACTOR=True)


def enrolled(app, email="practitioner@clinic.test", role="practitioner"):
    with app.app_context():
        user = add_user(app, email=email, role=role)
        row = db.session.get(User, user.id)
        row.totp_secret_enc = crypto.encrypt(SECRET)
        row.totp_enabled = True
        db.session.commit()
    return user


def code(at: datetime, secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).at(at)


def test_two_factor_is_required_by_default_outside_tests():
    if "REQUIRE_TWO_FACTOR" in os.environ:
        pytest.skip("REQUIRE_TWO_FACTOR is set in this environment")
    assert config.Config.REQUIRE_TWO_FACTOR is True
    assert config.ProductionConfig.REQUIRE_TWO_FACTOR is True
    assert config.TestingConfig.REQUIRE_TWO_FACTOR is False


def test_enrolment_with_a_qr_code_then_a_code_from_the_app(two_factor_app):
    app = two_factor_app
    user = add_user(app)
    client = app.test_client()
    with time_machine.travel(NOW, tick=False):
        assert sign_in(client, user.email).status_code == 302
        assert client.get(QUEUE).location == "/staff/two-factor/enrol"  # nothing else until it is set up

        page = client.get("/staff/two-factor/enrol")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert 'src="data:image/svg+xml;base64,' in text  # drawn here: no third party sees the secret
        secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', text).group(1)
        assert secret in client.get("/staff/two-factor/enrol").get_data(as_text=True)  # the same on reload
        with client.session_transaction() as session:
            assert secret not in repr(dict(session))  # kept encrypted on the account, never in the cookie
        with app.app_context():
            stored = db.session.get(User, user.id).totp_secret_enc
            assert secret.encode() not in stored
            assert crypto.decrypt(stored) == secret

        wrong = client.post("/staff/two-factor/enrol", data={"code": code(NOW, pyotp.random_base32())})
        assert wrong.status_code == 422
        assert not reload(app, user).totp_enabled
        done = client.post("/staff/two-factor/enrol", data={"code": code(NOW, secret)})
        assert done.status_code == 302
        assert client.get(QUEUE).status_code == 200
        assert reload(app, user).totp_enabled
        failed, enrolled_event = events(app, "two_factor_enrolled")
        assert (failed.outcome, failed.target) == ("failure", f"user:{user.id}")
        assert (enrolled_event.outcome, enrolled_event.actor_id) == ("success", user.id)
        # Once on, the enrolment page cannot replace it (an admin resets a lost phone).
        assert client.get("/staff/two-factor/enrol").location == QUEUE


def test_sign_in_with_password_then_code(two_factor_app):
    app = two_factor_app
    user = enrolled(app)
    client = app.test_client()
    with time_machine.travel(NOW, tick=False):
        response = sign_in(client, user.email, next="/staff/?status=new")
        assert response.location == "/staff/two-factor"
        assert client.get(QUEUE).status_code == 302  # the password alone signs nobody in
        assert events(app, "sign_in") == []

        wrong = client.post("/staff/two-factor", data={"code": "000000" if code(NOW) != "000000" else "111111"})
        assert wrong.status_code == 401
        [failure] = events(app, "sign_in", outcome="failure")
        assert failure.target == f"user:{user.id}"
        assert failure.detail == {"reason": "wrong_code", "step": "two_factor"}

        right = client.post("/staff/two-factor", data={"code": code(NOW)})
        assert right.location == "/staff/?status=new"
        assert client.get(QUEUE).status_code == 200
        [success] = events(app, "sign_in", outcome="success")
        assert success.actor_id == user.id


def test_a_code_cannot_be_used_twice(two_factor_app):
    app = two_factor_app
    user = enrolled(app)
    with time_machine.travel(NOW, tick=False):
        first = app.test_client()
        sign_in(first, user.email)
        assert first.post("/staff/two-factor", data={"code": code(NOW)}).status_code == 302

        # Someone who saw the code (and knows the password) tries it within the same 30 seconds.
        second = app.test_client()
        sign_in(second, user.email)
        assert second.post("/staff/two-factor", data={"code": code(NOW)}).status_code == 401
        # Nor does the code of the step before help, once a later one was used.
        assert second.post("/staff/two-factor", data={"code": code(NOW - timedelta(seconds=30))}).status_code == 401
        assert second.get(QUEUE).status_code == 302
    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        assert second.post("/staff/two-factor", data={"code": code(NOW + timedelta(seconds=30))}).status_code == 302


def test_one_step_of_clock_drift_is_allowed_and_no_more(two_factor_app):
    app = two_factor_app
    user = enrolled(app)
    client = app.test_client()
    with time_machine.travel(NOW, tick=False):
        sign_in(client, user.email)
        assert client.post("/staff/two-factor", data={"code": code(NOW - timedelta(seconds=90))}).status_code == 401
        assert client.post("/staff/two-factor", data={"code": code(NOW + timedelta(seconds=30))}).status_code == 302


def test_the_code_page_needs_a_correct_password_first(two_factor_app):
    client = two_factor_app.test_client()
    assert client.get("/staff/two-factor").location == "/staff/sign-in"
    assert client.post("/staff/two-factor", data={"code": "123456"}).location == "/staff/sign-in"


def test_an_unfinished_second_factor_expires_with_the_idle_timeout(two_factor_app):
    app = two_factor_app
    user = enrolled(app)
    client = app.test_client()
    with time_machine.travel(NOW, tick=False) as traveller:
        sign_in(client, user.email)
        traveller.shift(timedelta(minutes=31))
        later = datetime.now(UTC)
        assert client.post("/staff/two-factor", data={"code": code(later)}).location == "/staff/sign-in"


def test_code_guesses_are_limited_per_account(app, app_factory):
    app = app_factory(REQUIRE_TWO_FACTOR=True, SIGN_IN_LIMIT_PER_ACCOUNT="3 per minute")
    user = enrolled(app)
    client = app.test_client()
    with time_machine.travel(NOW, tick=False):
        sign_in(client, user.email)
        bad = "000000" if code(NOW) != "000000" else "111111"
        for attempt in range(3):
            address = {"REMOTE_ADDR": f"192.0.2.{attempt + 1}"}
            assert client.post("/staff/two-factor", data={"code": bad}, environ_base=address).status_code == 401
        limited = client.post("/staff/two-factor", data={"code": code(NOW)}, environ_base={"REMOTE_ADDR": "192.0.2.50"})
        assert limited.status_code == 429
        assert "Retry-After" in limited.headers
        assert "Too many attempts" in limited.get_data(as_text=True)
        assert client.get(QUEUE).status_code == 302  # even the right code waits


def test_without_the_requirement_no_enrolment_is_asked_for(app):
    user = add_user(app)
    client = signed_in(app, user)
    assert client.get(QUEUE).status_code == 200


@pytest.mark.parametrize("typed", ["²²²²²²", "١٢٣٤٥٦", "12345\x00", "１２３４５６"])
def test_a_code_in_other_digits_is_a_wrong_code_not_an_error(two_factor_app, typed):
    user = enrolled(two_factor_app)
    client = two_factor_app.test_client()
    with time_machine.travel(NOW, tick=False):
        assert sign_in(client, user.email).location == "/staff/two-factor"
        assert client.post("/staff/two-factor", data={"code": typed}).status_code == 401
        assert client.post("/staff/two-factor", data={"code": code(NOW)}).location == QUEUE
