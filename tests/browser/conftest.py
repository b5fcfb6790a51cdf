"""Browser fixtures: the app served on loopback, and Debian's Chromium driven by Playwright.

``phone_page`` (patients) and ``desk_page`` (staff) fail their test on any console error (CSP violations included)
and on any request to another origin: pages must load nothing from third parties.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page
from werkzeug.serving import make_server

from tests.conftest import empty_tables, make_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
DESK = {"viewport": {"width": 1280, "height": 800}}
DEVICES = {"phone": PHONE, "desk": DESK}

# Never let the Playwright package fetch a browser of its own.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def live_app(database_url: str) -> Iterator[Flask]:
    """The app as a browser meets it: CSRF on, like production."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    yield app
    empty_tables(app)


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve ``live_app`` on 127.0.0.1 and a free port from a background thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page_factory(browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """Make guarded pages: ``page_factory("phone" | "desk", locale="en", javascript=True)``.

    Each page has its own context (cookies, language), fails the test on console errors (CSP violations included)
    and blocks and reports requests to any other origin, like ``phone_page``.
    """
    problems: list[str] = []
    contexts: list[BrowserContext] = []

    def make(device: str = "phone", locale: str = "en-GB", javascript: bool = True) -> Page:
        context = browser.new_context(
            base_url=live_server, locale=locale, java_script_enabled=javascript, **DEVICES[device]
        )
        contexts.append(context)
        if not javascript:
            # Chromium then runs no script in the page at all: axe runs on a copy (tests/browser/audit.py).
            context.auditor = browser.new_context(base_url=live_server, **DEVICES[device])
            contexts.append(context.auditor)
        return _guard(context, live_server, problems)

    try:
        yield make
    finally:
        for context in contexts:
            context.close()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def phone_page(page_factory: Callable[..., Page]) -> Page:
    """A phone-sized page whose relative URLs resolve against ``live_server``."""
    return page_factory("phone")


@pytest.fixture
def desk_page(page_factory: Callable[..., Page]) -> Page:
    """A desktop page (staff work at a desk), with the same guards as ``phone_page``."""
    return page_factory("desk")


def _guard(context: BrowserContext, live_server: str, problems: list[str]) -> Page:
    """A page that records console errors and blocks (and records) requests to any other origin."""
    origin = urlsplit(live_server)[:2]

    def guard(route) -> None:  # type: ignore[no-untyped-def]
        # Block, not just record: nothing may leave the machine, and the test must say which page tried.
        if urlsplit(route.request.url)[:2] != origin and not route.request.url.startswith(("data:", "blob:")):
            problems.append(f"request to another origin: {route.request.url}")
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    page = context.new_page()

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        # A form re-shown with its errors answers 422 on purpose; Chromium logs that for the page itself.
        own_document = message.location.get("url") == page.url and message.text.startswith("Failed to load resource")
        if message.type == "error" and not own_document:
            problems.append(f"console {message.type}: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return page
