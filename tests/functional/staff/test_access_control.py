"""Deny by default: every route outside an explicit public list needs sign-in, and the right role.

The routes come from ``app.url_map``, so a route added later is checked without touching this file; URL parameters
are filled from real rows (a submission, a draft, a staff account) so each route resolves.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from werkzeug.routing import IntegerConverter, Rule

from app import create_app
from app.models import CheckIn, Course, User, utcnow
from app.models.outbox import CLINIC_INBOX
from app.questionnaires import current
from app.services import record_assessment, start_draft
from app.web import outbox
from app.web.extensions import csrf, db
from tests.answers import typical_answers
from tests.staff import add_user, events, is_sign_in_redirect, signed_in

# Patient pages, the JSON API, the health check and static files are public by blueprint; of the staff pages only
# these are: the sign-in steps before a session exists, and sign-out (which only ever ends a session).
PUBLIC_BLUEPRINTS = frozenset({"patient", "intake", "check_in", "api", "health"})
PUBLIC_ENDPOINTS = frozenset({"static", "auth.sign_in", "auth.second_factor", "auth.sign_out"})
STAFF_PREFIXES = ("/staff", "/admin")
CSRF_EXEMPT_BLUEPRINTS = frozenset({"api"})  # JSON clients send no cookies; see app/__init__.py
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _rules() -> list[Rule]:
    # Built without touching a database (the factory does no I/O), only to list the routes.
    app = create_app({"APP_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)


def is_public(rule: Rule) -> bool:
    return rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint.split(".")[0] in PUBLIC_BLUEPRINTS


def allowed_roles(rule: Rule) -> set[str]:
    """Administration is for admins; every other staff page is for practitioners and admins alike."""
    return {"admin"} if rule.rule.startswith("/admin") else {"practitioner", "admin"}


RULES = _rules()
PRIVATE = [
    pytest.param(rule, method, id=f"{method} {rule.rule}")
    for rule in RULES
    if not is_public(rule)
    for method in sorted(rule.methods & set(METHODS))
]
POSTS = [pytest.param(rule, id=rule.rule) for rule in RULES if "POST" in rule.methods]


@dataclass
class Rows:
    submission_id: int
    public_id: str
    reference: str
    token: str
    section: str
    user_id: int
    mail_id: int
    week: int = 2  # the week of the submission's one check-in

    def url(self, rule: Rule) -> str:
        values = {}
        for name in rule.arguments:
            if hasattr(self, name):
                values[name] = getattr(self, name)
            elif isinstance(rule._converters[name], IntegerConverter):
                values[name] = self.submission_id  # e.g. a later <int:id> of a submission
            else:
                values[name] = self.public_id
        return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def rows(app) -> Rows:
    with app.app_context():
        submission = record_assessment(typical_answers(), current(), source="web")
        draft = start_draft(current(), "en")
        mail = outbox.add(CLINIC_INBOX, "inbox@clinic.test", "A mail", "A test mail.", "en", submission_id=None)
        # A course with an urgent check-in, so the outcomes routes find what they act on.
        check_in = CheckIn(week=2, questionnaire_version="check-in-1", rules_version="2.0.0", answers={}, urgent=True)
        db.session.add(Course(submission_id=submission.id, started_at=utcnow(), check_ins=[check_in]))
        db.session.commit()
        found = Rows(submission.id, submission.public_id, submission.reference, draft.token, "", 0, mail.id)
        found.section = current().sections[0].key
    found.user_id = add_user(app, email="colleague@clinic.test").id
    return found


def test_the_public_list_holds_no_other_staff_page():
    public_staff = {rule.endpoint for rule in RULES if is_public(rule) and rule.rule.startswith(STAFF_PREFIXES)}
    assert public_staff == {"auth.sign_in", "auth.second_factor", "auth.sign_out"}
    assert PRIVATE, "no private routes found"
    assert {rule.endpoint for rule in RULES} >= {"practitioner.queue", "admin.users", "admin.audit_log"}


def test_every_private_route_lives_under_staff_or_admin():
    strays = {rule.rule for rule in RULES if not is_public(rule) and not rule.rule.startswith(STAFF_PREFIXES)}
    assert strays == set()


@pytest.mark.parametrize(("rule", "method"), PRIVATE)
def test_anonymous_visitors_are_sent_to_sign_in(app, client, rows, rule, method):
    response = client.open(rows.url(rule), method=method)
    assert is_sign_in_redirect(response), (response.status_code, response.location)


@pytest.mark.parametrize(("rule", "method"), PRIVATE)
@pytest.mark.parametrize("role", ["practitioner", "admin"])
def test_each_role_reaches_its_own_pages_and_no_others(app, rows, rule, method, role):
    user = add_user(app, email=f"{role}@clinic.test", role=role)
    response = signed_in(app, user).open(rows.url(rule), method=method)
    if role in allowed_roles(rule):
        assert not is_sign_in_redirect(response)
        assert response.status_code not in (401, 403, 404, 405)
        assert response.status_code < 500
    else:
        assert response.status_code == 403
        [denied] = events(app, "access", outcome="denied")
        assert (denied.actor_id, denied.target) == (user.id, rule.endpoint)


@pytest.mark.parametrize(("rule", "method"), PRIVATE)
def test_a_deactivated_account_is_signed_out_everywhere(app, rows, rule, method):
    user = add_user(app, email="left@clinic.test", role="admin")
    client = signed_in(app, user)
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert is_sign_in_redirect(client.open(rows.url(rule), method=method))


@pytest.mark.parametrize("rule", POSTS)
def test_every_post_needs_a_csrf_token(app, app_factory, rows, rule):
    if rule.endpoint.split(".")[0] in CSRF_EXEMPT_BLUEPRINTS:
        pytest.skip("the JSON API uses no cookies, so there is no session to ride on")
    protected = app_factory(WTF_CSRF_ENABLED=True)
    admin = add_user(protected, email="admin@clinic.test", role="admin")
    for client in (protected.test_client(), signed_in(protected, admin)):
        response = client.post(rows.url(rule), data={"anything": "at all"})
        assert response.status_code == 400, response.status_code


def test_only_the_json_api_is_exempt_from_csrf():
    assert {getattr(bp, "name", bp) for bp in csrf._exempt_blueprints} == CSRF_EXEMPT_BLUEPRINTS
    assert set(csrf._exempt_views) == set()


def test_an_unknown_account_answers_404(app):
    admin = add_user(app, email="admin@clinic.test", role="admin")
    assert signed_in(app, admin).get("/admin/users/999999").status_code == 404
