"""The pain map on a phone: tapping or pressing Space on a region ticks the same checkbox the list has."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from app.questionnaires import current
from tests.answers import typical_answers
from tests.browser.answering import answer_step

PAIN_AREA = current().by_id["pain_area"]
# Every patient page, with its styles and script, must stay light for a phone on a poor connection.
PAGE_BUDGET_BYTES = 60_000


def loaded(page: Page) -> None:
    """Wait until the page's styles and script have arrived, so closing the page drops no request half-way."""
    page.wait_for_load_state("load")


def open_pain_step(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name="Start the check").tap()
    answer_step(page, "safety", typical_answers())
    page.get_by_role("button", name="Next").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("About your pain")
    loaded(page)


def region(page: Page, code: str) -> Locator:
    return page.locator(f".pain-map [data-code='{code}']")


def test_the_map_shows_a_labelled_region_for_every_answer(phone_page: Page) -> None:
    page = phone_page
    open_pain_step(page)
    pain_map = page.locator(".pain-map")
    expect(pain_map).to_be_visible()
    for option in PAIN_AREA.options:
        label = pain_map.get_by_role("checkbox", name=option.text, exact=True)
        expect(label).to_have_attribute("aria-checked", "false")
        # The list stays, so the answer is also there in words.
        expect(page.locator(f"#pain_area-{option.code}")).to_be_attached()


def test_tapping_regions_ticks_and_unticks_the_checkboxes_and_the_list_updates_the_map(phone_page: Page) -> None:
    page = phone_page
    open_pain_step(page)
    region(page, "buttock_left").locator("path").first.tap()
    expect(page.locator("#pain_area-buttock_left")).to_be_checked()
    expect(region(page, "buttock_left")).to_have_attribute("aria-checked", "true")

    # The calf (from behind) and the shin (from the front) are one answer: either shape toggles it.
    calf, shin = region(page, "lower_leg_right").locator("path").all()
    shin.tap()
    expect(page.locator("#pain_area-lower_leg_right")).to_be_checked()
    calf.tap()
    expect(page.locator("#pain_area-lower_leg_right")).not_to_be_checked()
    expect(region(page, "lower_leg_right")).to_have_attribute("aria-checked", "false")

    page.locator("label[for='pain_area-lower_back_middle']").tap()
    expect(region(page, "lower_back_middle")).to_have_attribute("aria-checked", "true")

    # What the map ticked is what is sent and kept.
    answers = typical_answers()
    for question in ("leg_spread", "onset", "pattern_over_time", "pain_spot"):
        page.locator(f"label[for='{question}-{answers[question]}']").tap()
    page.locator("label[for='pain_worst-6']").tap()
    for code in answers["pain_feel"]:
        page.locator(f"label[for='pain_feel-{code}']").tap()
    page.get_by_role("button", name="Next").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("What makes it worse or better")
    loaded(page)
    page.get_by_role("button", name="Back").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("About your pain")
    loaded(page)
    expect(region(page, "buttock_left")).to_have_attribute("aria-checked", "true")
    expect(region(page, "lower_back_middle")).to_have_attribute("aria-checked", "true")
    expect(region(page, "lower_leg_right")).to_have_attribute("aria-checked", "false")
    expect(page.locator("input[name='pain_area']:checked")).to_have_count(2)


def test_regions_work_from_the_keyboard_with_a_visible_focus(phone_page: Page) -> None:
    page = phone_page
    open_pain_step(page)
    page.locator("#main").focus()
    page.keyboard.press("Tab")
    first = region(page, PAIN_AREA.options[0].code)
    expect(first).to_be_focused()
    resting = region(page, PAIN_AREA.options[1].code).locator("path").first
    focused = first.locator("path").first
    width = "(element) => parseFloat(getComputedStyle(element).strokeWidth)"
    assert focused.evaluate(width) > resting.evaluate(width)

    scrolled = page.evaluate("window.scrollY")
    page.keyboard.press("Space")
    expect(page.locator(f"#pain_area-{PAIN_AREA.options[0].code}")).to_be_checked()
    expect(first).to_have_attribute("aria-checked", "true")
    assert page.evaluate("window.scrollY") == scrolled  # Space toggled the region, it did not scroll the page

    page.keyboard.press("Tab")
    second = region(page, PAIN_AREA.options[1].code)
    expect(second).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#pain_area-{PAIN_AREA.options[1].code}")).to_be_checked()
    expect(page.get_by_role("heading", level=1)).to_have_text("About your pain")  # Enter did not submit the form
    page.keyboard.press("Space")
    expect(page.locator(f"#pain_area-{PAIN_AREA.options[1].code}")).not_to_be_checked()


def test_each_patient_page_stays_within_the_page_weight_budget(phone_page: Page) -> None:
    page = phone_page
    sizes: dict[str, int] = {}
    documents: list[str] = []

    def record(response) -> None:  # type: ignore[no-untyped-def]
        if response.status in (301, 302, 303):
            return
        sizes[response.url] = len(response.body())
        if response.request.resource_type == "document":
            documents.append(response.url)

    page.on("response", record)
    page.goto("/")
    page.get_by_role("button", name="Start the check").tap()
    answers = typical_answers()
    for section in current().sections:
        expect(page.get_by_role("heading", level=1)).to_have_text(section.title)
        loaded(page)
        for question in section.questions:
            value = answers.get(question.link_id)
            for code in value if isinstance(value, list) else [] if value is None else [value]:
                page.locator(f"label[for='{question.link_id}-{code}']").tap()
        page.locator("button[value='next']").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    loaded(page)
    assert len(documents) == 2 + len(current().sections)  # start, every step, result
    assets = sum(size for url, size in sizes.items() if "/static/" in url)
    assert assets > 0
    for url in documents:
        assert sizes[url] + assets < PAGE_BUDGET_BYTES, url
