"""WCAG 2.2 AA in a real browser: every patient page in English and Chinese, on a phone and at a desk.

Each page visited is checked with axe-core (no serious or critical violation), the console and the network guards
of ``page_factory`` (no console error, no CSP violation, nothing from another origin), and on the phone for tap
targets of 44×44 CSS pixels. Separate tests cover the keyboard alone, JavaScript off, and text at 200%.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.support import Translations
from flask import Flask
from playwright.sync_api import Page, expect

from app.questionnaire import Section
from app.questionnaires import current
from tests.answers import typical_answers
from tests.browser.answering import answer_step, press
from tests.browser.audit import audit, check_targets, clipped, focused
from tests.browser.weights import PageWeights
from tests.clinic import HARBOUR, set_up_clinic

Q = current()
ROOT = Path(__file__).resolve().parents[2]
CHINESE = Translations.load(str(ROOT / "translations"), ["zh_Hans"])
# `A11Y_DOCS=1 pytest tests/browser/test_accessibility.py` refreshes docs/screenshots/ and the weights table.
WRITE_DOCS = os.environ.get("A11Y_DOCS") == "1"
SCREENSHOTS = ROOT / "docs" / "screenshots"
# The answers of the journeys: a kidney-deficiency picture, with the leg questions that appear on the same step.
ANSWERS = typical_answers(
    leg_spread="above_knee",
    leg_feelings=["numbness"],
    leg_change="same",
    pain_area=["lower_back_middle", "buttock_left"],
)


def text(language: str, english: str) -> str:
    return CHINESE.gettext(english) if language == "zh" else english


def shot(page: Page, name: str) -> None:
    """Keep a screenshot for the README (only when asked: the suite itself writes nothing into the repository)."""
    if WRITE_DOCS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), scale="css", animations="disabled")


def checked(page: Page, device: str) -> None:
    """The checks every page of a journey gets once it has loaded."""
    audit(page)
    if device == "phone":
        check_targets(page)


def start_in(page: Page, language: str, device: str) -> None:
    page.goto("/")
    if language == "zh":
        press(page, "button[lang='zh-Hans']", device)
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text(text(language, "Which TCM pattern fits your back pain?"))


@pytest.mark.parametrize("device", ["phone", "desk"])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_patient_journey_passes_axe_on_every_page(
    page_factory: Callable[..., Page], language: str, device: str
) -> None:
    page = page_factory(device)
    weights = PageWeights(page, language)
    start_in(page, language, device)
    checked(page, device)
    weights.count("Start")
    shot(page, f"{device}-{language}-start")
    press(page, "form[data-step-form] button", device)

    for number, section in enumerate(Q.sections, start=1):
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text(text(language, section.title))
        expect(heading).to_be_focused()  # a new step starts at its heading (static/app.js)
        expect(page.locator(".progress-text")).to_contain_text(str(number))
        checked(page, device)
        weights.count(f"Step {number}: {section.title}")
        if section.key == "pain":
            expect(page.locator(".pain-map")).to_be_visible()
            if device == "phone":
                shot(page, f"{device}-{language}-pain-map")
        answer_step(page, section.key, ANSWERS, device)
        press(page, "button[value='next']", device)

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(text(language, "Your result"))
    expect(heading).to_be_focused()
    # The chart names each bar's fit in words, as the table does: nothing rests on colour alone.
    expect(page.locator(".score-chart svg")).to_contain_text(text(language, "Likely"))
    checked(page, device)
    weights.count("Result")
    if device == "phone":  # the chart; at a desk, the pattern found
        page.locator(".score-chart").scroll_into_view_if_needed()
    shot(page, f"{device}-{language}-result")

    page.get_by_role("link", name=text(language, "Send this to the clinic")).last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text(language, "Send your result to the clinic"))
    checked(page, device)
    weights.count("Send to the clinic")
    press(page, ".intake-form button[type='submit']", device)
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    checked(page, device)
    weights.count("Send to the clinic, with problems")
    if device == "phone":
        shot(page, f"{device}-{language}-send-problems")
    # The first problem's link leads to its field (static/app.js), where the fix is typed.
    summary.get_by_role("link").first.click()
    expect(page.locator("#full_name")).to_be_focused()
    page.keyboard.type("Mei Chen")
    page.locator("#age").fill("58")
    page.locator("#phone").fill("07400 123456")
    press(page, "label[for='preferred_contact-phone']", device)
    press(page, "label[for='consent']", device)
    page.locator("#signature").fill("Mei Chen")
    press(page, ".intake-form button[type='submit']", device)

    expect(page.locator("#status-title")).to_have_text(text(language, "Sent to the clinic"))
    checked(page, device)
    weights.count("Result, sent")
    page.get_by_role("link", name=text(language, "Withdraw and erase my details")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text(language, "Withdraw and erase your details?"))
    checked(page, device)
    weights.count("Withdraw")
    press(page, "button.button-danger", device)
    expect(page.get_by_role("heading", level=1)).to_have_text(text(language, "Withdrawn and erased"))
    checked(page, device)
    weights.count("Withdrawn")

    page.goto("/privacy")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    checked(page, device)
    weights.count("Privacy notice")
    response = page.goto("/check/no-such-link")
    assert response is not None and response.status == 404
    expect(page).to_have_title(re.compile(re.escape(text(language, "Page not found"))))
    checked(page, device)
    weights.count("Not found")
    weights.finish(device)


@pytest.mark.parametrize(("language", "device"), [("zh", "phone"), ("en", "desk")])
def test_red_flag_path_passes_axe(page_factory: Callable[..., Page], language: str, device: str) -> None:
    page = page_factory(device)
    weights = PageWeights(page, language)
    start_in(page, language, device)
    press(page, "form[data-step-form] button", device)
    answer_step(page, "safety", typical_answers(rf_nerves=["saddle_numbness"], rf_nerves_when="new"), device)
    press(page, "button[value='next']", device)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(text(language, "Get medical help now"))
    expect(heading).to_be_focused()
    checked(page, device)
    weights.count("Urgent advice")
    shot(page, f"{device}-{language}-urgent")
    page.get_by_role("link", name=text(language, "Send this to the clinic")).last.click()
    expect(page.locator("#urgent-title")).to_be_visible()
    checked(page, device)
    weights.count("Send to the clinic, after urgent advice")
    weights.finish(device)


@pytest.mark.parametrize(("language", "device"), [("zh", "phone"), ("en", "desk")])
def test_a_set_up_clinic_on_urgent_advice_and_a_result_passes_axe(
    page_factory: Callable[..., Page], live_app: Flask, language: str, device: str
) -> None:
    """The number to call, the clinic's contact card and what else it offers, with the clinic's own settings."""
    set_up_clinic(live_app, therapies=["cupping", "herbal_medicine"])
    name = HARBOUR["name_zh"] if language == "zh" else HARBOUR["name_en"]
    page = page_factory(device)
    start_in(page, language, device)
    expect(page.locator(".brand")).to_have_text(name)
    press(page, "form[data-step-form] button", device)
    answer_step(page, "safety", typical_answers(rf_nerves=["saddle_numbness"], rf_nerves_when="new"), device)
    press(page, "button[value='next']", device)
    call = page.locator(".call-now a")
    expect(call).to_have_attribute("href", "tel:999")
    expect(call).to_have_text(text(language, "Call %(number)s now") % {"number": "999"})
    expect(page.locator(".clinic-contact h2")).to_have_text(name)
    checked(page, device)
    page.goto("/")
    press(page, "form[data-step-form] button", device)
    for section in Q.sections:
        expect(page.get_by_role("heading", level=1)).to_have_text(text(language, section.title))
        answer_step(page, section.key, ANSWERS, device)
        press(page, "button[value='next']", device)
    expect(page.get_by_role("heading", level=1)).to_have_text(text(language, "Your result"))
    expect(page.locator(".other-therapies")).to_be_visible()
    expect(page.locator(".therapies")).not_to_contain_text(text(language, "Acupuncture"))
    checked(page, device)


def test_the_questionnaire_by_keyboard_alone(page_factory: Callable[..., Page]) -> None:
    """Tab, Shift+Tab, Space, Enter and the arrow keys only; every stop shows where the focus is."""
    page = page_factory("desk")
    page.emulate_media(reduced_motion="reduce")
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    assert check_focus(page)["visible"]
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    tab_to(page, lambda here: here["tag"] == "button" and here["text"] == "Start the check")
    page.keyboard.press("Enter")

    # Next with nothing answered: the problems are listed and focused, and each link leads to its question.
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    tab_to(page, lambda here: here["tag"] == "button" and here["value"] == "next")
    page.keyboard.press("Shift+Tab")
    assert check_focus(page)["tag"] != "button" or check_focus(page)["value"] != "next"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#error-summary a").first).to_be_focused()
    page.keyboard.press("Enter")
    first = Q.sections[0].questions[0]
    expect(page.locator(f"#{first.link_id}-{first.options[0].code}")).to_be_focused()

    for number, section in enumerate(Q.sections, start=1):
        keyboard_step(page, section, ANSWERS)
        heading = page.get_by_role("heading", level=1)
        if number < len(Q.sections):
            expect(heading).to_have_text(Q.sections[number].title)
        expect(heading).to_be_focused()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    expect(page.locator("#pattern-title")).to_contain_text("Kidney Deficiency")
    # Nothing moves for a person who asked for less motion (nor for anyone else: the app has no animation).
    assert page.evaluate("document.getAnimations().length") == 0


def check_focus(page: Page) -> dict[str, Any]:
    here = focused(page)
    assert here["visible"], f"the focus is not visible on {here}"
    return here


def tab_to(page: Page, wanted: Callable[[dict[str, Any]], bool], limit: int = 80) -> dict[str, Any]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = check_focus(page)
        if wanted(here):
            return here
    raise AssertionError(f"Tab never reached the wanted element on {page.url}")


def keyboard_step(page: Page, section: Section, answers: dict[str, Any]) -> None:
    """Answer a step as a keyboard user: Space ticks a box, arrows choose a radio, Enter on Next sends it."""
    wanted = {q.link_id: answers[q.link_id] for q in section.questions if q.link_id in answers}
    options = {q.link_id: [str(code) for code in _codes(q)] for q in section.questions}
    here = check_focus(page) if page.evaluate("document.activeElement.matches('input')") else None
    for _ in range(200):
        if here is not None:
            name, kind = here["name"], here["type"]
            if here["tag"] == "button" and here["value"] == "next":
                page.keyboard.press("Enter")
                return
            if kind == "checkbox" and name in wanted and (here["value"] in wanted[name]) != here["checked"]:
                page.keyboard.press("Space")
            elif kind == "radio" and name in wanted:
                choices = options[name]
                steps = (choices.index(str(wanted[name])) - choices.index(here["value"])) % len(choices)
                if steps == 0 and not here["checked"]:
                    page.keyboard.press("Space")
                for _ in range(steps):
                    page.keyboard.press("ArrowDown")
            elif here["tag"] == "textarea" and here["id"] in wanted:
                page.keyboard.type(str(wanted[here["id"]]))
        page.keyboard.press("Tab")
        here = check_focus(page)
    raise AssertionError(f"never reached Next on {page.url}")


def _codes(question: Any) -> list[Any]:
    if question.kind == "integer":
        return list(range(question.minimum, question.maximum + 1))
    return [option.code for option in question.options]


def test_without_javascript_the_questionnaire_is_complete(page_factory: Callable[..., Page]) -> None:
    page = page_factory("phone", javascript=False)
    page.goto("/")
    checked(page, "phone")
    page.get_by_role("button", name="Start the check").tap()
    for section in Q.sections:
        expect(page.get_by_role("heading", level=1)).to_have_text(section.title)
        if section.key == "pain":
            # The checkbox list is the answer; the map needs JavaScript. A same-step question says when it applies.
            expect(page.locator(".pain-map")).to_be_hidden()
            expect(page.locator("label[for='pain_area-buttock_left']")).to_be_visible()
            expect(page.locator("#q-leg_feelings")).to_be_visible()
            expect(page.locator(".conditional .condition").first).to_be_visible()
        checked(page, "phone")
        answer_step(page, section.key, ANSWERS, "phone")
        page.locator("button[value='next']").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    expect(page.locator("#pattern-title")).to_contain_text("Kidney Deficiency")
    checked(page, "phone")
    page.get_by_role("link", name="Send this to the clinic").last.tap()
    page.get_by_label("Full name", exact=True).fill("Mei Chen")
    page.get_by_label("Or your age, in years").fill("58")
    page.get_by_label("Email address").fill("mei.chen@example.com")
    page.locator("label[for='preferred_contact-email']").tap()
    page.locator("label[for='consent']").tap()
    page.get_by_label("Type your full name to sign").fill("Mei Chen")
    page.get_by_role("button", name="Send to the clinic").tap()
    expect(page.locator("#status-title")).to_have_text("Sent to the clinic")
    checked(page, "phone")


def test_text_at_200_percent_fits_a_phone(page_factory: Callable[..., Page]) -> None:
    """The browser's text size doubled (as a person with low vision sets it): nothing scrolls sideways or is cut."""
    page = page_factory("phone")
    page.context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})

    def fits() -> None:
        page.wait_for_load_state("load")  # the style sheet applied
        root = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert root == 36, root  # 112.5% of the doubled default
        problems = clipped(page)
        assert not problems, f"at 200% text on {page.url}:\n" + "\n".join(problems)
        check_targets(page)

    page.goto("/")
    fits()
    page.get_by_role("button", name="Start the check").tap()
    for section in Q.sections:
        expect(page.get_by_role("heading", level=1)).to_have_text(section.title)
        fits()
        answer_step(page, section.key, ANSWERS, "phone")
        page.locator("button[value='next']").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    fits()
    page.get_by_role("link", name="Send this to the clinic").last.tap()
    page.get_by_role("button", name="Send to the clinic").tap()
    expect(page.locator("#error-summary")).to_be_focused()
    fits()
