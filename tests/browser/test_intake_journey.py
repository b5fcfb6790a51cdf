"""A prospective patient sends their result to the clinic on a phone, then withdraws it, in a real Chromium."""

from __future__ import annotations

import re

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from app.models import Contact, OutboxMail, Submission
from app.questionnaires import current
from app.web.extensions import db
from tests.answers import typical_answers
from tests.browser.answering import answer_step
from tests.browser.audit import audit

Q = current()
PHONE_WIDTH = 390


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def answer_everything(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name="Start the check").tap()
    answers = typical_answers()
    for number, section in enumerate(Q.sections, start=1):
        answer_step(page, section.key, answers)
        page.get_by_role("button", name="See my result" if number == len(Q.sections) else "Next").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")


def test_send_to_the_clinic_and_withdraw_on_a_phone(phone_page: Page, live_app: Flask) -> None:
    page = phone_page
    answer_everything(page)
    page.get_by_role("link", name="Send this to the clinic").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send your result to the clinic")
    fits_the_phone(page)

    page.get_by_label("Full name", exact=True).fill("Mei Chen")
    page.get_by_label("Day", exact=True).fill("5")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill("1975")
    page.get_by_label("Phone number").fill("07400 123456")
    # The confirmation by email is offered once there is an address to send it to.
    confirm = page.locator("label[for='confirm_by_email']")
    expect(confirm).to_be_hidden()
    page.get_by_label("Email address").fill("mei.chen@example.com")
    expect(confirm).to_be_visible()
    confirm.tap()
    page.locator("label[for='preferred_contact-sms']").tap()
    page.locator("label[for='preferred_times-weekday_evening']").tap()
    page.get_by_label("Anything you would like the clinic to know (optional)").fill("Mornings are worst.")
    page.get_by_role("button", name="Send to the clinic").tap()

    # No consent yet: the problems are announced, and nothing typed is lost.
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-consent")).to_contain_text("Please tick the box")
    expect(page.locator("#error-signature")).to_contain_text("Please type your full name to sign")
    expect(page.get_by_label("Full name", exact=True)).to_have_value("Mei Chen")
    expect(page.get_by_label("Year", exact=True)).to_have_value("1975")
    expect(page.locator("#preferred_contact-sms")).to_be_checked()
    expect(page.locator("#preferred_times-weekday_evening")).to_be_checked()
    expect(page.locator("#message")).to_have_value("Mornings are worst.")
    expect(page.locator("#confirm_by_email")).to_be_checked()
    fits_the_phone(page)

    page.locator("label[for='consent']").tap()
    page.get_by_label("Type your full name to sign").fill("Mei Chen")
    page.get_by_role("button", name="Send to the clinic").tap()

    expect(page.locator("#status-title")).to_have_text("Sent to the clinic")
    expect(page.locator("#status")).to_contain_text("Received. A practitioner will look at it")
    assert re.fullmatch(r".*/result/[\w-]{40,}#status", page.url), page.url
    fits_the_phone(page)
    with live_app.app_context():
        submission = db.session.scalar(select(Submission))
        assert submission is not None and submission.kind == "intake"
        assert db.session.scalars(select(OutboxMail.kind)).all() == ["patient_confirmation"]

    page.get_by_role("link", name="Withdraw and erase my details").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw and erase your details?")
    page.get_by_role("button", name="Withdraw and erase").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdrawn and erased")
    expect(page.locator("body")).not_to_contain_text("Kidney Deficiency")
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 0
        assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0  # it held their address
        erased = db.session.scalar(select(Submission))
        assert erased is not None and erased.status == "withdrawn" and erased.answers == {}


def test_the_resume_link_is_on_every_step_and_copies_with_one_tap(phone_page: Page) -> None:
    page = phone_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/")
    page.get_by_role("button", name="Start the check").tap()
    link = page.locator("#resume-url")
    expect(link).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/check/[\w-]{40,}$"))
    page.get_by_role("button", name="Copy link").tap()
    expect(page.locator(".copy-status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link.input_value()
    fits_the_phone(page)

    # Another device, with only the link, opens the questionnaire where it was left.
    answer_step(page, "safety", typical_answers())
    page.get_by_role("button", name="Next").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(Q.sections[1].title)
    # Back at the start, the unfinished check is offered first.
    page.goto("/")
    expect(page.get_by_role("link", name="Continue where you left off")).to_be_visible()
    audit(page)
    other = page.context.browser.new_context(base_url=page.url.split("/check/")[0])  # type: ignore[union-attr]
    try:
        elsewhere = other.new_page()
        elsewhere.goto(link.input_value())
        expect(elsewhere.get_by_role("heading", level=1)).to_have_text(Q.sections[1].title)
        audit(elsewhere)
    finally:
        other.close()
