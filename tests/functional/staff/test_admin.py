"""Administration: staff accounts (create, reset, role, two-factor, deactivate) and the audit log, all audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.models import AuditEvent, User
from app.staff import passwords
from app.web.extensions import db
from tests.conftest import PASSWORD
from tests.staff import QUEUE, add_user, events, is_sign_in_redirect, reload, sign_in, signed_in


@pytest.fixture
def admin(app):
    return add_user(app, email="admin@clinic.test", role="admin")


@pytest.fixture
def admin_client(app, admin):
    return signed_in(app, admin)


@pytest.fixture
def colleague(app):
    return add_user(app, email="colleague@clinic.test", role="practitioner")


def one_time_password(page: str) -> str:
    match = re.search(r'<code class="secret">([^<]+)</code>', page)
    assert match, "no one-time password on the page"
    return match.group(1)


def admin_events(app, action):
    return events(app, action, actor_email="admin@clinic.test")


# Accounts


def test_the_account_list_shows_every_account_and_is_audited(app, admin_client, colleague):
    add_user(app, email="former@clinic.test", active=False)
    page = admin_client.get("/admin/users")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for email in ("admin@clinic.test", "colleague@clinic.test", "former@clinic.test"):
        assert email in text
    assert "Deactivated" in text
    [listed] = admin_events(app, "list")
    assert (listed.target, listed.detail) == ("users", {"count": 3})


def test_an_admin_creates_an_account_with_a_one_time_password_shown_once(app, admin_client, admin):
    response = admin_client.post("/admin/users/new", data={"email": " New.Person@Clinic.test ", "role": "practitioner"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    password = one_time_password(response.get_data(as_text=True))
    assert len(password) >= 16

    with app.app_context():
        user = db.session.query(User).filter_by(email="new.person@clinic.test").one()
        assert (user.role, user.active, user.must_change_password) == ("practitioner", True, True)
        assert passwords.verify(user.password_hash, password)
        user_id = user.id
    [created] = admin_events(app, "user_created")
    assert (created.target, created.actor_id) == (f"user:{user_id}", admin.id)
    assert password not in repr(created.detail)
    assert password not in admin_client.get(f"/admin/users/{user_id}").get_data(as_text=True)  # shown once only

    # The new person signs in with it and must choose their own before anything else.
    newcomer = app.test_client()
    assert sign_in(newcomer, "new.person@clinic.test", password).status_code == 302
    assert newcomer.get(QUEUE).location == "/staff/password"


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("colleague@clinic.test", "already has an account"),
        ("COLLEAGUE@clinic.test", "already has an account"),
        ("not an address", "valid email"),
    ],
)
def test_a_duplicate_or_invalid_address_is_refused(app, admin_client, colleague, email, message):
    response = admin_client.post("/admin/users/new", data={"email": email, "role": "admin"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert admin_events(app, "user_created") == []


def test_an_unknown_role_is_refused(app, admin_client):
    response = admin_client.post("/admin/users/new", data={"email": "x@clinic.test", "role": "owner"})
    assert response.status_code == 422
    assert admin_events(app, "user_created") == []


def test_resetting_a_password_gives_a_one_time_password_and_signs_the_person_out(app, admin_client, colleague):
    their_session = signed_in(app, colleague)
    assert their_session.get(QUEUE).status_code == 200

    response = admin_client.post(f"/admin/users/{colleague.id}/password")
    assert response.status_code == 200
    password = one_time_password(response.get_data(as_text=True))

    assert is_sign_in_redirect(their_session.get(QUEUE))
    fresh = reload(app, colleague)
    assert fresh.must_change_password
    assert not passwords.verify(fresh.password_hash, PASSWORD)
    assert passwords.verify(fresh.password_hash, password)
    [reset] = admin_events(app, "password_reset")
    assert reset.target == f"user:{colleague.id}"
    assert reset.detail == {"one_time": True}


def test_changing_a_role_takes_effect_at_the_next_request(app, admin_client, colleague):
    their_session = signed_in(app, colleague)
    assert their_session.get("/admin/users").status_code == 403

    response = admin_client.post(f"/admin/users/{colleague.id}/role", data={"role": "admin"})
    assert response.status_code == 303
    assert reload(app, colleague).role == "admin"
    assert their_session.get("/admin/users").status_code == 200
    [changed] = admin_events(app, "role_changed")
    assert changed.detail == {"role_before": "practitioner", "role": "admin"}


def test_deactivating_signs_the_person_out_and_reactivating_lets_them_back(app, admin_client, colleague):
    their_session = signed_in(app, colleague)
    assert admin_client.post(f"/admin/users/{colleague.id}/deactivate").status_code == 303
    assert not reload(app, colleague).active
    assert is_sign_in_redirect(their_session.get(QUEUE))
    assert sign_in(app.test_client(), colleague.email).status_code == 401

    assert admin_client.post(f"/admin/users/{colleague.id}/reactivate").status_code == 303
    assert reload(app, colleague).active
    assert sign_in(app.test_client(), colleague.email).status_code == 302
    assert [e.target for e in admin_events(app, "user_deactivated")] == [f"user:{colleague.id}"]
    assert [e.target for e in admin_events(app, "user_reactivated")] == [f"user:{colleague.id}"]


def test_resetting_two_factor_makes_the_person_enrol_again(app, app_factory, admin_client, colleague):
    with app.app_context():
        user = db.session.get(User, colleague.id)
        user.totp_enabled, user.totp_secret_enc, user.totp_last_step = True, b"encrypted", 123
        db.session.commit()
    assert admin_client.post(f"/admin/users/{colleague.id}/two-factor").status_code == 303
    fresh = reload(app, colleague)
    assert (fresh.totp_enabled, fresh.totp_secret_enc, fresh.totp_last_step) == (False, None, None)
    [reset] = admin_events(app, "two_factor_reset")
    assert reset.target == f"user:{colleague.id}"

    required = app_factory(REQUIRE_TWO_FACTOR=True)
    client = required.test_client()
    sign_in(client, colleague.email)
    assert client.get(QUEUE).location == "/staff/two-factor/enrol"


@pytest.mark.parametrize(
    ("path", "data"),
    [("deactivate", {}), ("role", {"role": "practitioner"}), ("password", {}), ("two-factor", {})],
)
def test_an_admin_cannot_lock_themselves_out(app, admin_client, admin, path, data):
    response = admin_client.post(f"/admin/users/{admin.id}/{path}", data=data)
    assert response.status_code == 409
    fresh = reload(app, admin)
    assert (fresh.active, fresh.role, fresh.must_change_password) == (True, "admin", False)
    assert admin_client.get("/admin/users").status_code == 200
    [denied] = events(app, outcome="denied")
    assert (denied.actor_id, denied.target, denied.detail) == (admin.id, f"user:{admin.id}", {"reason": "own_account"})


def test_the_account_page_offers_no_changes_to_ones_own_account(app, admin_client, admin, colleague):
    own = admin_client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "/deactivate" not in own and "/password" not in f"{own}".replace("/staff/password", "")
    other = admin_client.get(f"/admin/users/{colleague.id}").get_data(as_text=True)
    assert f"/admin/users/{colleague.id}/deactivate" in other
    assert [e.target for e in admin_events(app, "view")] == [f"user:{admin.id}", f"user:{colleague.id}"]


def test_practitioners_cannot_administer(app, colleague, admin):
    client = signed_in(app, colleague)
    assert client.get("/admin/users").status_code == 403
    assert client.post(f"/admin/users/{admin.id}/deactivate").status_code == 403
    assert reload(app, admin).active
    assert len(events(app, "access", outcome="denied")) == 2


# The audit log


def add_events(app, *rows):
    with app.app_context():
        db.session.add_all(AuditEvent(**row) for row in rows)
        db.session.commit()


def listed_actions(page) -> list[str]:
    return re.findall(r"<td>([a-z_0-9]+)</td>\s*<td>(?:success|failure|denied)</td>", page.get_data(as_text=True))


def test_the_audit_log_shows_newest_first_and_is_itself_audited(app, admin_client, admin):
    base = datetime(2020, 1, 1, 12, tzinfo=UTC)  # before the look itself, which is logged now
    add_events(app, *({"action": f"step_{n}", "at": base + timedelta(minutes=n)} for n in range(3)))
    page = admin_client.get("/admin/audit")
    assert page.status_code == 200
    assert listed_actions(page) == ["step_2", "step_1", "step_0"]
    [viewed] = admin_events(app, "list")
    assert viewed.target == "audit"
    # The next look shows that one at the top.
    assert listed_actions(admin_client.get("/admin/audit"))[0] == "list"


def test_the_audit_log_filters_by_action_actor_outcome_target_and_dates(app, admin_client):
    day = datetime(2030, 1, 10, 9, tzinfo=UTC)
    add_events(
        app,
        {"action": "view", "actor_email": "ann@clinic.test", "target": "submission:1", "at": day},
        {"action": "view", "actor_email": "bob@clinic.test", "target": "submission:12", "at": day + timedelta(days=1)},
        {"action": "export", "actor_email": "ann@clinic.test", "target": "submission:1", "at": day + timedelta(days=2)},
        {"action": "sign_in", "outcome": "failure", "target": "user:3", "at": day + timedelta(days=3)},
    )

    def shown(**query):
        response = admin_client.get("/admin/audit", query_string=query)
        assert response.status_code == 200, response.status_code
        return [a for a in listed_actions(response) if a != "list"]

    assert shown(action="view") == ["view", "view"]
    assert shown(actor="ANN@") == ["export", "view"]
    assert shown(outcome="failure") == ["sign_in"]
    assert shown(target="submission:1") == ["export", "view"]  # exact: not submission:12
    assert shown(since="2030-01-11", until="2030-01-12") == ["export", "view"]
    assert shown(until="2030-01-10") == ["view"]
    assert shown(actor="ann", action="export", since="2030-01-12") == ["export"]
    assert shown(actor="%") == []  # a wildcard is a character like any other


def test_a_bad_filter_is_answered_400(app, admin_client):
    assert admin_client.get("/admin/audit", query_string={"since": "yesterday"}).status_code == 400
    assert admin_client.get("/admin/audit", query_string={"action": "no_such_action"}).status_code == 400


def test_the_audit_log_is_paginated(app, admin_client):
    base = datetime(2030, 2, 1, tzinfo=UTC)
    add_events(
        app, *({"action": "view", "target": f"submission:{n}", "at": base + timedelta(seconds=n)} for n in range(60))
    )
    first = admin_client.get("/admin/audit", query_string={"action": "view"}).get_data(as_text=True)
    assert "submission:59" in first and "submission:10" in first and "submission:9<" not in first
    assert "Page 1 of 2" in first
    assert 'rel="next"' in first and "action=view" in first
    second = admin_client.get("/admin/audit", query_string={"action": "view", "page": 2}).get_data(as_text=True)
    assert "submission:9<" in second and "submission:0<" in second and "submission:10<" not in second
