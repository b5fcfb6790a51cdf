"""Staff pages pass axe at a desk: sign-in through the real form, the queue, a submission and its assessment, the CSV
export, the printable summary, the overview, and an administrator's pages (the clinic settings among them).

tests/browser/test_practitioner_review.py drives the same journey for what it does; this test walks it for how
accessible each page is (every page audited after it loads), with the console and network guards of the fixtures.
"""

from __future__ import annotations

import csv
import io

from flask import Flask
from playwright.sync_api import Page, expect

from app.models.outbox import CLINIC_INBOX, PATIENT_CONFIRMATION
from app.web import outbox
from app.web.extensions import db
from tests.browser.audit import audit
from tests.conftest import PASSWORD, make_user
from tests.practitioner import COLD_DAMP, URGENT, reference_of, sent


def test_staff_pages_pass_axe(desk_page: Page, live_app: Flask) -> None:
    page = desk_page
    with live_app.app_context():
        make_user(email="head@clinic.test", role="admin")
        failed = outbox.add(CLINIC_INBOX, "intake@clinic.test", "New intake", "A test mail.", "en", submission_id=None)
        failed.state, failed.attempts, failed.last_error = "failed", 8, "ConnectionRefusedError"
        outbox.add(PATIENT_CONFIRMATION, "mei@example.com", "Received", "A test mail.", "en", submission_id=None)
        db.session.commit()
        failed_id = failed.id
    wanted = sent(live_app, COLD_DAMP, name="Mei Chen", email="mei.chen@example.com", phone="+447400555666")
    sent(live_app, URGENT, name="Urgent Person", email="urgent@example.com", phone="+447400111222")
    reference = reference_of(live_app, wanted)

    page.goto("/staff/sign-in")
    audit(page)
    page.get_by_label("Email").fill("head@clinic.test")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".error-message, .notice").first).to_be_visible()
    audit(page)  # the refusal, as shown
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    audit(page)
    page.get_by_label("Reference code, or exact name, email or phone").fill(reference)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table.queue tbody tr")).to_have_count(1)
    audit(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these as CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) == 2 and reference in rows[1]

    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    audit(page)
    page.get_by_label("Primary pattern").select_option("cold_damp")
    page.locator("#assessment").get_by_label("Notes").fill("Cold, heavy ache.")
    page.locator("#assessment").get_by_role("button", name="Save assessment").click()
    expect(page.get_by_role("status")).to_contain_text("Your assessment is saved.")
    audit(page)

    page.get_by_role("link", name="Printable summary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Intake summary")
    audit(page)
    page.locator(".staff-nav").get_by_role("link", name="Overview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    audit(page)

    expect(page.locator(".setup-notice")).to_be_visible()  # audited with every page until the clinic is set up
    for link, heading in (("Staff accounts", "Staff accounts"), ("Audit log", "Audit log"), ("Outbox", "Outbox")):
        page.locator(".staff-nav").get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        audit(page)
    page.get_by_role("button", name=f"Send again mail {failed_id}").click()
    expect(page.get_by_role("status")).to_contain_text("will be sent at the worker's next pass")
    audit(page)
    page.locator(".staff-nav").get_by_role("link", name="Clinic settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinic settings")
    audit(page)
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator("#error-summary")).to_be_visible()
    audit(page)  # the settings refused, with their problems
    page.goto("/admin/users/new")
    audit(page)
    page.goto("/staff/password")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".error-message").first).to_be_visible()
    audit(page)
    page.goto("/staff/two-factor/enrol")
    expect(page.get_by_alt_text("QR code for your authenticator app")).to_be_visible()
    audit(page)
