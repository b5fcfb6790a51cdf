"""A practitioner signs in through the real form (CSRF on) at a desk and reviews a submission in Chromium."""

from __future__ import annotations

import re

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import Review, StatusChange, Submission
from app.web.extensions import db
from tests.conftest import PASSWORD, make_user
from tests.practitioner import COLD_DAMP, URGENT, reference_of, sent


def test_a_practitioner_reviews_a_submission(desk_page: Page, live_app: Flask) -> None:
    page = desk_page
    with live_app.app_context():
        make_user(email="lin@clinic.test")
    wanted = sent(live_app, COLD_DAMP, name="Mei Chen", email="mei.chen@example.com", phone="+447400555666")
    sent(live_app, URGENT, name="Urgent Person", email="urgent@example.com", phone="+447400111222")
    reference = reference_of(live_app, wanted)

    page.goto("/staff/")
    expect(page).to_have_url(re.compile(r"/staff/sign-in"))
    page.get_by_label("Email").fill("lin@clinic.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Urgent Person")  # urgent first
    expect(rows.first.locator(".flag-urgent")).to_be_visible()

    # Search by name: exact match, and the name never appears in the address.
    page.get_by_label("Reference code, or exact name, email or phone").fill("mei chen")
    page.get_by_role("button", name="Search").click()
    expect(rows).to_have_count(1)
    assert "mei" not in page.url.lower()
    rows.first.get_by_role("link", name=reference).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.locator("#contact")).to_contain_text("mei.chen@example.com")
    expect(page.locator("#engine-title")).to_be_visible()
    expect(page.locator(".score-table")).to_contain_text("Cold-Damp Invasion")
    expect(page.locator(".answers").first).to_be_visible()

    # The practitioner's own assessment.
    page.get_by_label("Primary pattern").select_option("cold_damp")
    form = page.locator("#assessment")
    form.get_by_label("Kidney Deficiency").check()
    form.get_by_label("Pale", exact=True).check()
    form.get_by_label("White", exact=True).check()
    form.get_by_label("Greasy", exact=True).check()
    form.get_by_label("Deep", exact=True).check()
    form.get_by_label("Tight", exact=True).check()
    form.get_by_label("Notes").fill("Cold, heavy ache; <b>worse</b> in the rain.")
    form.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_role("status")).to_contain_text("Your assessment is saved.")
    expect(page.get_by_label("Notes")).to_have_value("Cold, heavy ache; <b>worse</b> in the rain.")

    # The workflow: the call, then the booking.
    page.locator("#workflow").get_by_role("button", name="Contacted").click()
    expect(page.locator("#workflow-title")).to_have_text("Status: contacted")
    page.locator("#workflow").get_by_role("button", name="Booked").click()
    expect(page.locator("#workflow-title")).to_have_text("Status: booked")
    expect(page.locator("#workflow table")).to_contain_text("contacted → booked")
    expect(page.locator("#workflow table")).to_contain_text("lin@clinic.test")

    # Printable summary and the desktop layout.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.get_by_role("link", name="Printable summary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Intake summary")
    expect(page.locator("main")).to_contain_text("<b>worse</b> in the rain.")
    page.emulate_media(media="print")
    expect(page.locator(".staff-nav")).to_be_hidden()
    page.emulate_media(media="screen")

    # The overview counts the assessment: agreement with the engine for its rules version.
    page.locator(".staff-nav").get_by_role("link", name="Overview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    expect(page.locator("svg.chart")).to_have_count(4)
    expect(page.get_by_role("table", name="Agreement per rules version")).to_contain_text("100.0%")

    with live_app.app_context():
        review = db.session.scalar(select(Review).where(Review.submission_id == wanted))
        assert review is not None
        assert review.primary_pattern == "cold_damp"
        assert review.secondary_patterns == ["kidney_deficiency"]
        assert review.tongue == {"body": ["pale"], "coating": ["white", "greasy"], "shape": []}
        assert review.pulse == ["deep", "tight"]
        submission = db.session.get(Submission, wanted)
        assert submission is not None
        assert submission.status == "booked"
        assert len(db.session.scalars(select(StatusChange)).all()) == 2
