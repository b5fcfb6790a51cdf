"""Check-ins in a real Chromium: a patient checks in from their private link on a phone, in English and in Chinese;
a practitioner at a desk sees the PEG trend with its numbers and the threshold of meaningful change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app import catalogues
from app.models import Submission, User, utcnow
from app.outcomes import service
from app.questionnaires.check_in import QUESTIONNAIRE as CHECK_IN
from app.web.extensions import db
from tests.browser.answering import answer_step, press
from tests.browser.audit import audit
from tests.conftest import PASSWORD, make_user
from tests.outcomes import check_in_answers
from tests.practitioner import sent

LOCALES = {"en": "en-GB", "zh": "zh-CN"}
zh = catalogues.translations("zh_Hans").gettext


def course_due(app: Flask, weeks: int = 2) -> str:
    """An intake whose course's week-``weeks`` check-in is open now; returns its result's path."""
    submission_id = sent(app)
    with app.app_context():
        user = db.session.scalar(select(User)) or make_user(email="lin@clinic.test")
        submission = db.session.get(Submission, submission_id)
        details = service.CourseDetails("kidney_deficiency", ("acupuncture",), (2, 4, 8, 12), reminders=False)
        course = service.start_course(submission, details, actor=user, now=utcnow())
        course.started_at = utcnow() - timedelta(weeks=weeks, hours=1)
        db.session.commit()
        return f"/result/{submission.public_id}"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_patient_checks_in_on_a_phone(page_factory, live_app: Flask, language: str) -> None:
    def say(text: str) -> str:
        return text if language == "en" else zh(text)

    page: Page = page_factory("phone", locale=LOCALES[language])
    result = course_due(live_app)
    page.goto(result)
    press(page, f"text={say('Do my check-in')}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        say("How is your back? Week %(week)s check-in") % {"week": 2}
    )
    audit(page)
    answers = check_in_answers()
    del answers["global_change"]  # forgotten: asked for beside the question, and nothing else is lost
    for section in CHECK_IN.sections:
        answer_step(page, section.key, answers, questionnaire=CHECK_IN)
    press(page, "button.button-primary")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#peg_pain-2")).to_be_checked()
    audit(page)
    press(page, "label[for='global_change-much_better']")
    press(page, "button.button-primary")
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Thank you: your check-in is sent"))
    audit(page)
    page.goto(f"{result}/check-in")
    expect(page.get_by_role("heading", level=2)).to_have_text(say("Your next check-in is not due yet"))


def test_a_red_flag_at_a_check_in_shows_the_urgent_advice_in_chinese(page_factory, live_app: Flask) -> None:
    page: Page = page_factory("phone", locale=LOCALES["zh"])
    result = course_due(live_app)
    page.goto(f"{result}/check-in")
    answers = check_in_answers(rf_now=["fever"])
    for section in CHECK_IN.sections:
        answer_step(page, section.key, answers, questionnaire=CHECK_IN)
    press(page, "button.button-primary")
    expect(page.locator("section.urgent")).to_be_visible()
    expect(page.locator("section.urgent")).to_contain_text(zh("Keep yourself safe"))
    audit(page)


def test_a_practitioner_sees_the_trend(desk_page: Page, live_app: Flask, page_factory) -> None:
    result = course_due(live_app)
    patient = page_factory("phone")
    patient.goto(f"{result}/check-in")
    for section in CHECK_IN.sections:
        answer_step(patient, section.key, check_in_answers(), questionnaire=CHECK_IN)
    press(patient, "button.button-primary")
    expect(patient.get_by_role("heading", level=1)).to_have_text("Thank you: your check-in is sent")

    page = desk_page
    page.goto("/staff/sign-in")
    page.get_by_label("Email").fill("lin@clinic.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("table.queue tbody tr a").first.click()
    course = page.locator("#course")
    expect(course.locator("svg.chart")).to_be_visible()
    expect(course.locator("figcaption")).to_contain_text("PEG score at the start and at each check-in")
    week2 = course.locator("tr", has_text="Week 2").first
    expect(week2).to_contain_text("2.0")
    expect(week2).to_contain_text("-2.7 (-57%)")
    expect(course).to_contain_text("a meaningful improvement")
    expect(course).to_contain_text("Dworkin")
    audit(page)
    page.locator(".staff-nav").get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes")
    expect(page.locator("body")).to_contain_text("Too few to show (fewer than 5)")
    audit(page)
