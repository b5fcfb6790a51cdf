"""Real servers for the deployment tests: gunicorn processes, and a browser that reaches them through a TLS proxy.

A deployment puts a TLS proxy (Caddy, nginx, a load balancer) in front of gunicorn (``deploy/``): the browser speaks
HTTPS to the proxy, which forwards plain HTTP with ``X-Forwarded-For`` and ``X-Forwarded-Proto: https``, and the app
believes exactly that one proxy (``PROXY_COUNT=1``). ``Browser`` plays the browser and that proxy together: it keeps
its cookies as a browser does over HTTPS (the production cookie is ``__Host-session``, Secure, which no cookie jar
would send over the plain loopback connection), sends a Referer as a browser does (Flask-WTF insists on one over
HTTPS), and adds the headers the proxy adds. So the app sees what it sees in production: HTTPS, the client's own
address, the site's host name.
"""

from __future__ import annotations

import html
import http.client
import json
import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyotp

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
SITE = "clinic.example"  # the public host name: TRUSTED_HOSTS, and the Host header the proxy passes on
UNIT = ROOT / "deploy" / "systemd" / "lbp-screening.service"
REQUEST_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def gunicorn_arguments(bind: str) -> list[str]:
    """The unit's ``ExecStart`` after the executable, bound to ``bind``: the servers run the production command."""
    unit = UNIT.read_text().replace("\\\n", " ")
    [command] = [line.removeprefix("ExecStart=") for line in unit.splitlines() if line.startswith("ExecStart=")]
    arguments = shlex.split(command)[1:]
    arguments[arguments.index("--bind") + 1] = bind
    assert arguments[-1] == "wsgi:app", arguments
    return arguments


@dataclass(frozen=True)
class Server:
    name: str
    port: int
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


def send(
    server: Server,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """One request on a connection of its own, as the proxy forwards it."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers={"Host": SITE, **(headers or {})})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def cli(env: Mapping[str, str], *args: str, stdin: str | None = None) -> str:
    """``flask --app app ARGS`` as an operator runs it on a server, with the servers' environment."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=dict(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@contextmanager
def gunicorn(name: str, env: Mapping[str, str], log_dir: Path) -> Iterator[Server]:
    """``gunicorn wsgi:app`` on a free port; stopped (and waited for) on exit."""
    port = free_port()
    log = log_dir / f"{name}.log"
    command = [sys.executable, "-m", "gunicorn", *gunicorn_arguments(f"{HOST}:{port}")]
    with log.open("ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=dict(env), stdout=output, stderr=subprocess.STDOUT)
    server = Server(name, port, log)
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_until_healthy(servers: list[Server], timeout: float = 30) -> None:
    """Each server answers its load balancer's health check, or the test stops with the server's log."""
    deadline = time.monotonic() + timeout
    for server in servers:
        while True:
            try:
                if send(server, "GET", "/health").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{server.name} did not become healthy in {timeout} s:\n{server.log_tail()}")
            time.sleep(0.1)


@contextmanager
def servers(names: list[str], env: Mapping[str, str], log_dir: Path) -> Iterator[list[Server]]:
    """Several servers started at once (they boot in parallel) and healthy before the test goes on."""
    with ExitStack() as stack:
        started = [stack.enter_context(gunicorn(name, env, log_dir)) for name in names]
        wait_until_healthy(started)
        yield started


class Browser:
    """A person's browser at ``address``, reaching the servers through the TLS proxy (see the module docstring)."""

    def __init__(self, address: str, language: str = "en") -> None:
        self.address = address
        self.language = language
        self.cookies: dict[str, str] = {}

    def request(self, server: Server, method: str, path: str, form: Mapping[str, Any] | None = None) -> Reply:
        headers = {
            "X-Forwarded-For": self.address,
            "X-Forwarded-Proto": "https",
            "Accept-Language": self.language,
            "Referer": f"https://{SITE}{path}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        reply = send(server, method, path, body, headers)
        self._keep_cookies(reply)
        return reply

    def get(self, server: Server, path: str) -> Reply:
        return self.request(server, "GET", path)

    def post(self, server: Server, path: str, form: Mapping[str, Any]) -> Reply:
        return self.request(server, "POST", path, form)

    def submit(self, server: Server, path: str, fields: Mapping[str, Any], shown_by: Server | None = None) -> Reply:
        """Fill in the form on the page at ``path`` (shown by ``shown_by``, by default the same server) and post it."""
        page = self.get(shown_by or server, path)
        assert page.status == 200, (page.status, page.location)
        return self.post(server, path, {"csrf_token": csrf_token(page.text), **fields})

    def _keep_cookies(self, reply: Reply) -> None:
        for header in reply.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                assert morsel["secure"] and morsel["path"] == "/", f"{name} must be Secure on path /: {header}"
                if morsel.value == "" or morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return html.unescape(match.group(1))


class Authenticator:
    """The staff member's authenticator app, set up with the key the enrolment page showed.

    The app accepts the code of its present 30-second step or of one step either side (a phone's clock drifts), and
    each step once. A person who has just used a code waits for the next one; this app takes the next step the
    server still accepts, and waits only when none is left (at most one step).
    """

    # The server reads its clock a moment after the code was made: a step that ends sooner than this is not offered.
    MARGIN = 2.0

    def __init__(self, secret: str) -> None:
        self.totp = pyotp.TOTP(secret)
        self.last_step: int | None = None

    def code(self) -> str:
        interval = self.totp.interval
        while True:
            now = time.time()
            lowest = int((now + self.MARGIN) // interval) - 1
            highest = int(now // interval) + 1
            step = lowest if self.last_step is None else max(self.last_step + 1, lowest)
            if step <= highest:
                self.last_step = step
                return self.totp.generate_otp(step)
            time.sleep(interval - now % interval + 0.1)
