"""Headers on every response (error pages included), caching, HSTS, trusted hosts and the proxy count."""

from __future__ import annotations

import pytest
from flask import Flask, request
from sqlalchemy import select

from app import create_app
from app.models import Submission
from app.web.extensions import db
from tests.functional.web.test_database import CLOSED_PORT_URL, GOOD_KEY, OTHER_PRODUCTION_KEYS
from tests.staff import add_user, events, sign_in, signed_in


def assert_protected(response) -> None:
    headers = response.headers
    policy = {
        part.split()[0]: part.split()[1:] for part in headers["Content-Security-Policy"].split("; ") if part.strip()
    }
    assert policy["script-src"] == ["'self'"]  # no inline script, no other origin
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def raising(app: Flask, path: str, error: Exception) -> None:
    def view() -> str:
        raise error

    app.add_url_rule(path, endpoint=f"raise{path.replace('/', '_')}", view_func=view)


@pytest.mark.parametrize("path", ["/", "/staff/sign-in", "/api/v1/questionnaire", "/health", "/static/app.css"])
def test_pages_carry_the_headers(client, path):
    with client.get(path) as response:
        assert response.status_code == 200
        assert_protected(response)


def test_staff_pages_carry_the_headers(app):
    client = signed_in(app, add_user(app, role="admin"))
    for path in ("/staff/", "/admin/users", "/admin/audit"):
        response = client.get(path)
        assert response.status_code == 200
        assert_protected(response)
        assert response.headers["Cache-Control"] == "no-store"


def test_error_pages_carry_the_headers(app, app_factory, client):
    assert_protected(not_found := client.get("/no-such-page"))
    assert not_found.status_code == 404

    wrong_method = client.get("/staff/sign-out")
    assert wrong_method.status_code == 405
    assert "POST" in wrong_method.headers["Allow"]
    assert_protected(wrong_method)

    too_large = client.post("/start", data={"x": "y" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert too_large.status_code == 413
    assert_protected(too_large)

    limited_app = app_factory(SIGN_IN_LIMIT_PER_IP="1 per minute")
    limited = limited_app.test_client()
    sign_in(limited, "a@clinic.test", "wrong password")
    too_many = sign_in(limited, "a@clinic.test", "wrong password")
    assert too_many.status_code == 429
    assert "Retry-After" in too_many.headers
    assert_protected(too_many)

    broken = app_factory()
    raising(broken, "/broken", RuntimeError("a bug"))
    failed = broken.test_client().get("/broken")
    assert failed.status_code == 500
    assert "a bug" not in failed.get_data(as_text=True)
    assert_protected(failed)

    down = app_factory(database=CLOSED_PORT_URL)

    def probe() -> str:
        return str(db.session.scalar(select(Submission.id)))

    down.add_url_rule("/probe", view_func=probe)
    unavailable = down.test_client().get("/probe")
    assert unavailable.status_code == 503
    assert "Retry-After" in unavailable.headers
    assert_protected(unavailable)


def test_json_errors_carry_the_headers_too(client):
    response = client.get("/api/v1/assessments/unknown")
    assert response.status_code == 404
    assert response.is_json
    assert_protected(response)


# Caching


def test_pages_are_not_stored_in_caches_but_static_files_may_be(client):
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/staff/sign-in").headers["Cache-Control"] == "no-store"
    assert client.get("/no-such-page").headers["Cache-Control"] == "no-store"
    with client.get("/static/app.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")


def test_a_view_that_sets_its_own_cache_control_keeps_it(app_factory):
    app = app_factory()

    def public() -> tuple[str, int, dict[str, str]]:
        return "public data", 200, {"Cache-Control": "public, max-age=3600"}

    app.add_url_rule("/public-probe", view_func=public)
    response = app.test_client().get("/public-probe")
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert_protected(response)


# HSTS, only where the site is served over HTTPS


def test_hsts_only_in_production(client, database_url):
    assert "Strict-Transport-Security" not in client.get("/").headers
    production = create_app(
        {
            "APP_CONFIG": "production",
            "SECRET_KEY": GOOD_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            **OTHER_PRODUCTION_KEYS,
        }
    )
    response = production.test_client().get("/", base_url="https://localhost")
    hsts = response.headers["Strict-Transport-Security"]
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31_536_000
    assert_protected(response)
    with production.app_context():
        db.engine.dispose()


# Trusted hosts


def test_only_trusted_host_names_are_answered(app_factory):
    app = app_factory(TRUSTED_HOSTS=["clinic.example", ".clinic.example"])
    client = app.test_client()
    assert client.get("/", base_url="http://clinic.example").status_code == 200
    assert client.get("/", base_url="http://www.clinic.example").status_code == 200
    refused = client.get("/", base_url="http://evil.example")
    assert refused.status_code == 400
    assert_protected(refused)


def test_without_a_list_any_host_is_answered(client):
    assert client.get("/", base_url="http://anything.example").status_code == 200


# Proxies


def client_address(app: Flask, **headers: str) -> str:
    def where() -> str:
        return request.remote_addr or ""

    if "where" not in app.view_functions:
        app.add_url_rule("/where", view_func=where)
    return app.test_client().get("/where", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.5"}).text


def test_without_a_proxy_a_client_sent_forwarded_for_is_ignored(app, app_factory, client):
    assert app.config["PROXY_COUNT"] == 0
    assert client_address(app_factory(), **{"X-Forwarded-For": "203.0.113.9"}) == "10.0.0.5"

    # And the audit trail records the real address, whatever the request claims.
    sign_in(client, "nobody@clinic.test", "wrong", headers={"X-Forwarded-For": "203.0.113.9"})
    [failure] = events(app, "sign_in")
    assert failure.ip == "127.0.0.1"


def test_with_one_proxy_only_the_address_it_saw_is_believed(app_factory):
    app = app_factory(PROXY_COUNT=1)
    assert client_address(app, **{"X-Forwarded-For": "203.0.113.9"}) == "203.0.113.9"
    # The client wrote the first entry itself; only the last one comes from our proxy.
    assert client_address(app, **{"X-Forwarded-For": "198.51.100.66, 203.0.113.9"}) == "203.0.113.9"


def test_with_two_proxies_the_second_from_the_end_is_the_client(app_factory):
    app = app_factory(PROXY_COUNT=2)
    forwarded = {"X-Forwarded-For": "198.51.100.66, 203.0.113.9, 10.0.0.4"}
    assert client_address(app, **forwarded) == "203.0.113.9"


def test_the_rate_limit_counts_the_address_the_proxy_saw(app, app_factory):
    limited = app_factory(
        PROXY_COUNT=1, SIGN_IN_LIMIT_PER_IP="2 per minute", SIGN_IN_LIMIT_PER_ACCOUNT="100 per minute"
    )
    client = limited.test_client()
    one = {"X-Forwarded-For": "203.0.113.1"}
    for n in range(2):
        assert sign_in(client, f"u{n}@clinic.test", "wrong", headers=one).status_code == 401
    assert sign_in(client, "u9@clinic.test", "wrong", headers=one).status_code == 429
    assert sign_in(client, "u9@clinic.test", "wrong", headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 401
