"""Two servers, one site: what one gunicorn server does, the other agrees with (docs/deploy.md, "Several hosts").

Two ``gunicorn wsgi:app`` servers (two worker processes each) run the production configuration on one PostgreSQL
database and one Redis, as two hosts behind a load balancer do. Every request goes through ``servers.Browser``,
which adds what the TLS proxy in front adds (see its docstring). The database is migrated with ``flask db upgrade``
and the staff account made with ``flask users create``, as an operator does.

Runs with ``make test-multiserver`` (``.ci/run``); skipped unless both services are given. Both are emptied first:
the database's public schema is dropped, the Redis database number flushed.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from cryptography.fernet import Fernet
from sqlalchemy import Engine, create_engine, text

from app.services import idempotency_key
from tests.answers import typical_answers
from tests.deployment.servers import SITE, Authenticator, Browser, Reply, Server, cli, csrf_token, send, servers

DATABASE_URL = os.environ.get("MULTISERVER_DATABASE_URL", "")
REDIS_URL = os.environ.get("MULTISERVER_REDIS_URL", "")

if not DATABASE_URL.startswith("postgresql") or not REDIS_URL.startswith("redis"):
    pytest.skip(
        "needs MULTISERVER_DATABASE_URL (a PostgreSQL database the test empties) and MULTISERVER_REDIS_URL "
        "(a Redis database number the test flushes, e.g. redis://127.0.0.1:6379/5): see `make test-multiserver`",
        allow_module_level=True,
    )
pytestmark = pytest.mark.multiserver

ADMIN = "admin@clinic.example"
PRACTITIONER = "practitioner@clinic.example"
PASSWORD = "a long and unusual passphrase"
SIGN_IN = "/staff/sign-in"
TWO_FACTOR = "/staff/two-factor"
ENROL = "/staff/two-factor/enrol"
QUEUE = "/staff/"
# Small sign-in limits, so reaching them takes a handful of posts (the defaults are in config.py).
PER_ACCOUNT = 3
PER_ADDRESS = 4
CLIENTS = 30
ASSESSMENTS_PER_CLIENT = 40
LOAD_SECONDS = 60  # the load below takes a few seconds; past this the test fails rather than hang


@dataclass(frozen=True)
class Site:
    a: Server
    b: Server
    database: Engine


def environment() -> dict[str, str]:
    """What an operator's environment file holds (deploy/lbp-screening.env.example), with keys made for this run."""
    inherited = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    return {
        **inherited,
        "APP_CONFIG": "production",  # the flask commands then build what wsgi.py builds
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "HASH_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": DATABASE_URL,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "TRUSTED_HOSTS": SITE,
        "PROXY_COUNT": "1",
        "SIGN_IN_LIMIT_PER_ACCOUNT": f"{PER_ACCOUNT} per 10 minutes",
        "SIGN_IN_LIMIT_PER_IP": f"{PER_ADDRESS} per 10 minutes",
        "API_SUBMIT_LIMIT": "100000 per hour",  # the load below comes from 30 addresses in seconds
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    engine = create_engine(DATABASE_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = environment()
    cli(env, "db", "upgrade")
    for email, role in ((ADMIN, "admin"), (PRACTITIONER, "practitioner")):
        assert f"Created {role} {email}." in cli(env, "users", "create", email, "--role", role, stdin=PASSWORD + "\n")
    with servers(["a", "b"], env, Path(tmp_path_factory.mktemp("servers"))) as (a, b):
        yield Site(a, b, engine)
    engine.dispose()


@pytest.fixture(scope="module")
def authenticator(site: Site) -> Authenticator:
    """The admin's first sign-in, through the real pages: two-factor sign-in is required, so it is set up first."""
    browser = Browser("192.0.2.1")
    assert browser.submit(site.a, SIGN_IN, {"email": ADMIN, "password": PASSWORD}).location == QUEUE
    assert browser.get(site.b, QUEUE).location == ENROL
    page = browser.get(site.b, ENROL)
    match = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page.text)
    assert match, "no key on the enrolment page"
    phone = Authenticator(match.group(1))
    enrolled = browser.post(site.a, ENROL, {"csrf_token": csrf_token(page.text), "code": phone.code()})
    assert (enrolled.status, enrolled.location) == (302, QUEUE)
    sign_out(browser, site.a)
    return phone


def sign_in(browser: Browser, server: Server, phone: Authenticator) -> None:
    """Password, then the code from the phone."""
    password = browser.submit(server, SIGN_IN, {"email": ADMIN, "password": PASSWORD})
    assert (password.status, password.location) == (302, TWO_FACTOR)
    code = browser.submit(server, TWO_FACTOR, {"code": phone.code()})
    assert (code.status, code.location) == (302, QUEUE), code.text


def sign_out(browser: Browser, server: Server, shown_by: Server | None = None) -> None:
    """The sign-out button every staff page carries."""
    page = browser.get(shown_by or server, QUEUE)
    signed_out = browser.post(server, "/staff/sign-out", {"csrf_token": csrf_token(page.text)})
    assert (signed_out.status, signed_out.location) == (302, SIGN_IN)


def is_sign_in_redirect(reply: Reply) -> bool:
    return reply.status == 302 and reply.location.startswith(SIGN_IN)


def test_both_servers_answer_the_load_balancers_health_check(site: Site) -> None:
    for server in (site.a, site.b):
        health = send(server, "GET", "/health")
        assert (health.status, health.json()) == (200, {"status": "ok", "database": "ok"})
        # A Host outside TRUSTED_HOSTS is refused: the health check must send the site's name (docs/deploy.md).
        assert send(server, "GET", "/health", headers={"Host": "127.0.0.1"}).status == 400


def test_a_sign_in_limit_reached_through_one_server_is_enforced_by_the_other(site: Site) -> None:
    # Per account: wrong passwords from as many addresses as the limit allows, all through server A …
    for n in range(PER_ACCOUNT):
        guess = Browser(f"203.0.113.{n + 1}").submit(site.a, SIGN_IN, {"email": PRACTITIONER, "password": "guess"})
        assert guess.status == 401
    # … and server B refuses the next try from a new address, the right password included.
    refused = Browser("203.0.113.99").submit(site.b, SIGN_IN, {"email": PRACTITIONER, "password": PASSWORD})
    assert refused.status == 429, refused.status
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many attempts" in refused.text

    # Per address: as many accounts as the limit allows from one address through A; B refuses the next one.
    here = Browser("198.51.100.7")
    for n in range(PER_ADDRESS):
        assert here.submit(site.a, SIGN_IN, {"email": f"guess{n}@clinic.example", "password": "guess"}).status == 401
    # The form was shown by A: the session and its CSRF token are good on B too.
    late = here.submit(site.b, SIGN_IN, {"email": "another@clinic.example", "password": "guess"}, shown_by=site.a)
    assert late.status == 429
    # Only that address and that account are held back.
    elsewhere = Browser("198.51.100.8").submit(site.b, SIGN_IN, {"email": "another@clinic.example", "password": "x"})
    assert elsewhere.status == 401


def test_a_staff_session_works_on_both_servers_and_a_sign_out_on_one_ends_it_on_both(
    site: Site, authenticator: Authenticator
) -> None:
    browser = Browser("192.0.2.20")
    sign_in(browser, site.b, authenticator)
    for server in (site.a, site.b):
        queue = browser.get(server, QUEUE)
        assert queue.status == 200, (server.name, queue.status, queue.location)
        assert ADMIN in queue.text
    copied = dict(browser.cookies)  # what someone who copied the cookie would replay

    # Signed out on A, with the button of a page B showed.
    sign_out(browser, site.a, shown_by=site.b)
    assert "__Host-session" not in browser.cookies  # the browser was told to forget it
    for server in (site.a, site.b):
        assert is_sign_in_redirect(browser.get(server, QUEUE)), server.name

    # The old cookie, replayed on the other server (and on A), is refused: the session ended on the server.
    replay = Browser("192.0.2.20")
    replay.cookies = dict(copied)
    for server in (site.b, site.a):
        assert is_sign_in_redirect(replay.get(server, QUEUE)), server.name
    with site.database.connect() as connection:
        live = connection.execute(
            text(
                "SELECT count(*) FROM staff_session JOIN staff_user ON staff_user.id = staff_session.user_id "
                "WHERE staff_user.email = :email AND staff_session.ended_at IS NULL"
            ),
            {"email": ADMIN},
        ).scalar_one()
    assert live == 0


def test_a_settings_change_on_one_server_shows_on_the_other(site: Site, authenticator: Authenticator) -> None:
    patient, patient_zh = Browser("198.51.100.30"), Browser("198.51.100.31", language="zh-Hans")
    marker = secrets.token_hex(3)
    name_en, name_zh = f"Riverside Clinic {marker}", f"河畔中医诊所 {marker}"
    # B has drawn (and kept) its start page in both languages before the change.
    assert name_en not in patient.get(site.b, "/").text
    assert name_zh not in patient_zh.get(site.b, "/").text

    admin = Browser("192.0.2.30")
    sign_in(admin, site.a, authenticator)
    settings = {
        "name_en": name_en,
        "name_zh": name_zh,
        "address": "1 River Street, London",
        "phone": "+44 20 7946 0000",
        "email": "hello@clinic.example",
        "website": "https://clinic.example",
        "opening_hours": "Monday to Friday, 9:00 to 18:00",
        "data_controller": "Riverside Clinic Ltd",
        "emergency_number": "999",
        "urgent_number": "111",
        "therapies": ["acupuncture", "tuina"],
    }
    saved = admin.submit(site.a, "/admin/clinic", settings)
    assert saved.status in (200, 302, 303), saved.status

    assert name_en in patient.get(site.b, "/").text
    assert name_zh in patient_zh.get(site.b, "/").text


def test_concurrent_clients_on_both_servers_store_every_assessment_exactly_once(site: Site) -> None:
    """30 clients × 40 assessments, alternating servers, each with its own Idempotency-Key; every tenth is sent
    again to the other server after its answer, and every tenth (another one) to both servers at the same moment."""
    sent: dict[str, str] = {}  # Idempotency-Key -> the id its first answer gave
    problems: list[str] = []
    lock = threading.Lock()

    def post(server: Server, client: int, key: str, body: bytes) -> Reply:
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": key,
            "X-Forwarded-For": f"10.20.0.{client + 1}",
            "X-Forwarded-Proto": "https",
        }
        return send(server, "POST", "/api/v1/assessments", body, headers)

    def check(reply: Reply, key: str, replayed: bool | None) -> str:
        if reply.status != 201:
            raise AssertionError(f"{key}: {reply.status} {reply.body[:200]!r}")
        if replayed is not None and (reply.headers.get("Idempotent-Replayed") == "true") != replayed:
            raise AssertionError(f"{key}: Idempotent-Replayed {reply.headers.get('Idempotent-Replayed')}")
        assessment_id: str = reply.json()["id"]
        assert reply.location.endswith(f"/api/v1/assessments/{assessment_id}")
        return assessment_id

    def client(number: int) -> None:
        for n in range(ASSESSMENTS_PER_CLIENT):
            key = f"load-{number}-{n}-{uuid.uuid4()}"
            body = json.dumps({"answers": typical_answers(pain_worst=n % 11, peg_pain=number % 11)}).encode()
            here, other = (site.a, site.b) if (number + n) % 2 == 0 else (site.b, site.a)
            try:
                if n % 10 == 5:
                    # The same request to both servers at once: one stores it, the other answers with that one.
                    with ThreadPoolExecutor(2) as both:
                        pair = [both.submit(post, server, number, key, body) for server in (here, other)]
                        replies = [future.result() for future in pair]
                    ids = {check(reply, key, None) for reply in replies}
                    created = [reply.headers.get("Idempotent-Replayed") != "true" for reply in replies]
                    assert len(ids) == 1 and created.count(True) == 1, (key, ids, created)
                    first = ids.pop()
                else:
                    first = check(post(here, number, key, body), key, replayed=False)
                    if n % 10 == 0:
                        # The answer was "lost": the client sends it again, and the load balancer picks the other.
                        assert check(post(other, number, key, body), key, replayed=True) == first
            except AssertionError as error:
                with lock:
                    problems.append(str(error))
                continue
            with lock:
                sent[key] = first

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(client, number) for number in range(CLIENTS)]
        done, pending = wait(futures, timeout=LOAD_SECONDS)
        for future in pending:
            future.cancel()
    assert not pending, f"{len(pending)} clients still running after {LOAD_SECONDS} s"
    for future in done:
        future.result()  # anything other than an answer's problem (a refused connection, say) fails here
    assert problems == [], problems[:10]
    elapsed = time.monotonic() - started

    expected = CLIENTS * ASSESSMENTS_PER_CLIENT
    assert len(sent) == expected and len(set(sent.values())) == expected
    with site.database.connect() as connection:
        rows = connection.execute(text("SELECT public_id, idempotency_key FROM submission WHERE source = 'api'")).all()
    assert len(rows) == expected, f"{len(rows)} stored for {expected} sent (in {elapsed:.1f} s)"
    assert {row.public_id for row in rows} == set(sent.values())
    assert {row.idempotency_key for row in rows} == {idempotency_key(f"api:{key}") for key in sent}
