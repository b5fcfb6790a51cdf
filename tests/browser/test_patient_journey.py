"""A prospective patient completes the self-check on a phone in a real Chromium, tapping as a person would."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from app.questionnaires import current
from tests.answers import typical_answers
from tests.browser.answering import answer_step
from tests.browser.audit import audit

Q = current()


def test_whole_questionnaire_on_a_phone_gives_an_explained_result(phone_page: Page) -> None:
    page = phone_page
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("TCM pattern")
    page.get_by_role("button", name="Start the check").tap()

    answers = typical_answers(leg_spread="below_knee", leg_feelings=["pins_needles"], medicines="paracetamol")
    for number, section in enumerate(Q.sections, start=1):
        expect(page.locator(".progress-text")).to_have_text(f"Step {number} of {len(Q.sections)}")
        expect(page.get_by_role("heading", level=1)).to_have_text(section.title)
        answer_step(page, section.key, answers)
        last = number == len(Q.sections)
        page.get_by_role("button", name="See my result" if last else "Next").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    expect(page.locator("#pattern-title")).to_contain_text("Kidney Deficiency")
    expect(page.locator("#pattern-title")).to_contain_text("肾虚")
    expect(page.locator(".why-list").first).to_contain_text("A dull ache")
    expect(page.locator(".score-table")).to_contain_text("Likely")
    expect(page.locator(".therapies")).to_contain_text("Acupuncture")
    expect(page.locator(".reference-code")).to_have_text(__import__("re").compile(r"LBP-\w{4}-\w{4}"))
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_missed_question_is_explained_and_focus_moves_to_the_problems(phone_page: Page) -> None:
    page = phone_page
    page.goto("/")
    page.get_by_role("button", name="Start the check").tap()
    page.locator("label[for='rf_now-none']").tap()
    page.get_by_role("button", name="Next").tap()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-rf_history")).to_be_visible()
    expect(page.locator("#rf_now-none")).to_be_checked()
    audit(page)


def test_none_of_these_clears_the_other_answers_and_leg_questions_appear_only_when_needed(phone_page: Page) -> None:
    page = phone_page
    page.goto("/")
    page.get_by_role("button", name="Start the check").tap()
    page.locator("label[for='rf_now-fever']").tap()
    page.locator("label[for='rf_now-none']").tap()
    expect(page.locator("#rf_now-fever")).not_to_be_checked()
    answer_step(page, "safety", {k: v for k, v in typical_answers().items() if k != "rf_now"})
    page.get_by_role("button", name="Next").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("About your pain")
    expect(page.locator("#q-leg_feelings")).to_be_hidden()
    page.locator("label[for='leg_spread-above_knee']").tap()
    expect(page.locator("#q-leg_feelings")).to_be_visible()


def test_a_red_flag_leads_straight_to_urgent_advice(phone_page: Page) -> None:
    page = phone_page
    page.goto("/")
    page.get_by_role("button", name="Start the check").tap()
    answer_step(page, "safety", typical_answers(rf_nerves=["bladder_change"], rf_nerves_when="new"))
    page.get_by_role("button", name="Next").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get medical help now")
    expect(page.locator(".urgent-action")).to_contain_text("A&E")
    expect(page.locator("body")).not_to_contain_text("most consistent with")
    audit(page)
