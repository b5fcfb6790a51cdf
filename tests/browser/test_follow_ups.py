"""The safety check's follow-up questions in a real Chromium: shown and hidden as the answers change, in English and
Chinese, and drawn with their condition in words when JavaScript is off."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from app import catalogues
from tests.answers import typical_answers
from tests.browser.answering import answer_step, press

LOCALES = {"en": "en-GB", "zh": "zh-CN"}
zh = catalogues.translations("zh_Hans").gettext


def _start(page: Page, device: str) -> None:
    page.goto("/")
    press(page, "form[data-step-form] button", device)
    page.wait_for_load_state("load")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_follow_ups_appear_and_disappear_with_their_answers(page_factory: Callable[..., Page], language: str) -> None:
    page = page_factory("phone", locale=LOCALES[language])
    _start(page, "phone")
    nerves_when, injury_when = page.locator("#q-rf_nerves_when"), page.locator("#q-rf_injury_when")
    expect(nerves_when).to_be_hidden()
    expect(injury_when).to_be_hidden()

    press(page, "label[for='rf_nerves-both_legs']")
    expect(nerves_when).to_be_visible()
    question = "When did this start?"
    expect(nerves_when).to_contain_text(question if language == "en" else zh(question))
    press(page, "label[for='rf_nerves-none']")  # "none of these" clears the ticked symptom, and so its follow-up
    expect(page.locator("#rf_nerves-both_legs")).not_to_be_checked()
    expect(nerves_when).to_be_hidden()

    press(page, "label[for='rf_injury-major']")
    expect(injury_when).to_be_visible()
    press(page, "label[for='rf_injury-no']")
    expect(injury_when).to_be_hidden()

    # A follow-up answered as long past: the check goes on to the next step.
    answered = typical_answers(rf_injury="major", rf_injury_when="over_1_year")
    answer_step(page, "safety", {k: v for k, v in answered.items() if k != "rf_nerves"})  # "none" is ticked already
    press(page, "button[value='next']")
    expect(page.locator("#q-pain_area")).to_be_visible()

    # A follow-up of a follow-up: leg numbness asks whether it is getting worse, and hides with the leg question.
    leg_change = page.locator("#q-leg_change")
    expect(leg_change).to_be_hidden()
    press(page, "label[for='leg_spread-below_knee']")
    press(page, "label[for='leg_feelings-weakness']")
    expect(leg_change).to_be_visible()
    press(page, "label[for='leg_spread-no']")
    expect(page.locator("#q-leg_feelings")).to_be_hidden()
    expect(leg_change).to_be_hidden()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_without_javascript_follow_ups_are_shown_with_their_condition_in_words(
    page_factory: Callable[..., Page], language: str
) -> None:
    page = page_factory("phone", locale=LOCALES[language], javascript=False)
    _start(page, "phone")
    nerves_when = page.locator("#q-rf_nerves_when")
    expect(nerves_when).to_be_visible()
    condition = page.locator(".conditional:has(#q-rf_nerves_when) .condition")
    said = "Only if you ticked any of the answers above."
    expect(condition).to_have_text(said if language == "en" else zh(said))

    # Answered without the follow-up: it is asked for, next to the field, and the ticks are kept.
    answer_step(page, "safety", typical_answers(rf_nerves=["both_legs"]))
    press(page, "button[value='next']")
    expect(page.locator("#error-rf_nerves_when")).to_be_visible()
    expect(page.locator("#rf_nerves-both_legs")).to_be_checked()

    answer_step(page, "safety", {"rf_nerves_when": "new"})
    press(page, "button[value='next']")
    heading = "Get medical help now"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading if language == "en" else zh(heading))
