"""An admin in Chromium: sign-in with two-factor enrolment, a new account, the audit log, the first sign-in."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, empty_tables, make_app, make_user


@pytest.fixture
def live_app(database_url: str) -> Iterator[Flask]:
    """As in production: CSRF on and two-factor sign-in required."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True, REQUIRE_TWO_FACTOR=True)
    yield app
    empty_tables(app)


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/staff/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def enrol(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_alt_text("QR code for your authenticator app")).to_be_visible()
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_text("Two-factor sign-in is on.")).to_be_visible()


def test_an_admin_adds_a_practitioner_who_then_signs_in(desk_page: Page, live_app: Flask) -> None:
    page = desk_page
    with live_app.app_context():
        make_user(email="head@clinic.test", role="admin")

    sign_in(page, "head@clinic.test", PASSWORD)
    enrol(page)

    page.get_by_role("link", name="Staff accounts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff accounts")
    page.get_by_role("link", name="Add an account").click()
    page.get_by_label("Email").fill("lin@clinic.test")
    page.get_by_label("Role").select_option("practitioner")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account created")
    one_time = page.locator("code.secret").inner_text()
    assert len(one_time) >= 16

    # The audit log, filtered to user administration.
    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("Action").select_option("user_created")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.data-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("head@clinic.test")
    expect(rows.first).to_contain_text("role=practitioner")
    assert one_time not in page.content()

    page.get_by_role("button", name=re.compile(r"^Sign out")).click()
    expect(page).to_have_url(re.compile(r"/staff/sign-in$"))

    # The newcomer: the one-time password, then their own, then their authenticator.
    sign_in(page, "lin@clinic.test", one_time)
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    page.get_by_label("Current password").fill(one_time)
    page.get_by_label("New password", exact=True).fill("lin's own long passphrase")
    page.get_by_label("New password again").fill("lin's own long passphrase")
    page.get_by_role("button", name="Change password").click()
    enrol(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)  # not for practitioners


def test_an_admin_sets_up_the_clinic_and_patients_see_it(desk_page: Page, live_app: Flask) -> None:
    page = desk_page
    with live_app.app_context():
        make_user(email="head@clinic.test", role="admin")
    sign_in(page, "head@clinic.test", PASSWORD)
    enrol(page)

    page.get_by_role("link", name="Go to the clinic settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinic settings")
    page.get_by_label("Clinic name in English").fill("Harbour Clinic")
    page.get_by_label("Clinic name in Chinese").fill("海港中医诊所")
    page.get_by_label("Email").fill("hello@harbour.example")
    page.get_by_role("button", name="United Kingdom: 999 and 111").click()
    expect(page.get_by_role("status")).to_contain_text("Filled in the numbers for United Kingdom")
    expect(page.get_by_label("Emergency number")).to_have_value("999")
    expect(page.get_by_label("Urgent medical advice number")).to_have_value("111")
    expect(page.get_by_label("Clinic name in Chinese")).to_have_value("海港中医诊所")  # kept

    page.get_by_label("Cupping").uncheck()
    page.get_by_role("button", name="Save the settings").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Data controller: Name who is responsible for patients' data.")
    expect(page.get_by_label("Clinic name in English")).to_have_value("Harbour Clinic")
    expect(page.get_by_label("Cupping")).not_to_be_checked()
    page.get_by_label("Data controller").fill("Harbour Clinic Ltd")
    page.get_by_label("Data controller").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Clinic settings saved.")
    expect(page.locator(".setup-notice")).to_have_count(0)

    page.goto("/")
    expect(page.locator(".brand")).to_have_text("Harbour Clinic")
    expect(page.locator(".site-footer")).to_contain_text("In an emergency call 999.")
