"""The pain map on a phone: tapping or pressing Space on a region ticks the same checkbox the list has.

Every region's square (``app/patient/pain_map.py``) is 44 CSS pixels or more and lands on that region; the regions
marked are listed in words, survive Back, Next and a language switch, and the list alone answers without JavaScript.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from babel.support import Translations
from playwright.sync_api import Locator, Page, expect

from app.patient import pain_map
from app.questionnaires import current
from tests.answers import typical_answers
from tests.browser.answering import answer_step
from tests.browser.audit import audit

ROOT = Path(__file__).resolve().parents[2]
CHINESE = Translations.load(str(ROOT / "translations"), ["zh_Hans"])
# `A11Y_DOCS=1 pytest tests/browser/test_pain_map.py` refreshes docs/screenshots/phone-en-pain-map-body.png.
WRITE_DOCS = os.environ.get("A11Y_DOCS") == "1"

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
    return page.locator(f".pain-map g[data-code='{code}']")


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
    calf, shin = region(page, "calf_shin_right").locator("path").all()
    shin.tap()
    expect(page.locator("#pain_area-calf_shin_right")).to_be_checked()
    calf.tap()
    expect(page.locator("#pain_area-calf_shin_right")).not_to_be_checked()
    expect(region(page, "calf_shin_right")).to_have_attribute("aria-checked", "false")

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
    expect(region(page, "calf_shin_right")).to_have_attribute("aria-checked", "false")
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


# For each shape: its square's corners (1 unit in) and centre in page pixels, and the region found there.
SQUARES_SCRIPT = """
([size, shapes]) => shapes.map(([code, index, x, y]) => {
  const path = document.querySelectorAll(`.pain-map g[data-code="${code}"] path`)[index];
  const matrix = path.getScreenCTM();
  const at = (u, v) => new DOMPoint(u, v).matrixTransform(matrix);
  const corners = [[x + 1, y + 1], [x + size - 1, y + 1], [x + 1, y + size - 1], [x + size - 1, y + size - 1],
    [x + size / 2, y + size / 2]].map(([u, v]) => at(u, v));
  const side = at(x + size, y + size);
  const hits = corners.map(p => {
    const found = document.elementFromPoint(p.x, p.y);
    return found && found.closest('[data-code]') ? found.closest('[data-code]').getAttribute('data-code') : null;
  });
  const origin = at(x, y);
  return {code, width: side.x - origin.x, height: side.y - origin.y, hits};
})
"""


def test_every_region_has_a_44_pixel_square_of_its_own_on_a_phone(phone_page: Page) -> None:
    page = phone_page
    open_pain_step(page)
    shapes = [
        [code, index, *shape.target] for code in PAIN_AREA.codes for index, shape in enumerate(pain_map.REGIONS[code])
    ]
    found = []
    for shape in shapes:  # scrolled into view one at a time, so elementFromPoint sees each square
        page.locator(f".pain-map g[data-code='{shape[0]}'] path").nth(shape[1]).scroll_into_view_if_needed()
        found += page.evaluate(SQUARES_SCRIPT, [pain_map.MIN_TARGET, [shape]])
    assert len(found) == len(shapes) == sum(len(pain_map.REGIONS[c]) for c in PAIN_AREA.codes)
    for square in found:
        assert square["width"] >= 44 and square["height"] >= 44, square
        assert square["hits"] == [square["code"]] * 5, square


def test_the_regions_marked_are_listed_in_words_and_named_for_a_screen_reader(phone_page: Page) -> None:
    page = phone_page
    open_pain_step(page)
    chosen = page.locator(".pain-map-chosen")
    expect(chosen.locator("li:visible")).to_have_count(0)
    expect(chosen.get_by_text("None yet.")).to_be_visible()
    tailbone = page.locator(".pain-map svg").get_by_role(
        "checkbox", name="Tailbone, at the very bottom of the spine", exact=True
    )
    expect(tailbone).to_have_attribute("data-code", "tailbone")
    tailbone.locator("path").tap()
    region(page, "hip_left").locator("path").tap()
    expect(chosen.locator("li:visible")).to_have_text(["Tailbone, at the very bottom of the spine", "Left hip"])
    expect(chosen.get_by_text("None yet.")).to_be_hidden()
    # The name a screen reader gives the region, with its state.
    snapshot = page.locator(".pain-map svg").aria_snapshot()
    assert '- checkbox "Tailbone, at the very bottom of the spine" [checked]' in snapshot
    assert '- checkbox "Left hip" [checked]' in snapshot
    assert '- checkbox "Right hip"' in snapshot
    # Unticking in the list takes the region off the picture and out of the words.
    page.locator("label[for='pain_area-hip_left']").tap()
    expect(region(page, "hip_left")).to_have_attribute("aria-checked", "false")
    expect(chosen.locator("li:visible")).to_have_text(["Tailbone, at the very bottom of the spine"])
    audit(page)
    if WRITE_DOCS:
        for code in ("lower_back_left", "lower_back_right", "buttock_left", "back_of_thigh_left", "calf_shin_left"):
            region(page, code).locator("path").first.tap()
        page.locator("label[for='pain_area-tailbone']").tap()
        page.locator(".pain-map svg").screenshot(
            path=str(ROOT / "docs" / "screenshots" / "phone-en-pain-map-body.png"), animations="disabled"
        )


def test_the_regions_marked_survive_next_back_and_a_language_switch(phone_page: Page) -> None:
    page = phone_page
    open_pain_step(page)
    for code in ("sacrum", "knee_right", "foot_left"):
        region(page, code).locator("path").first.tap()
    answers = typical_answers()
    answer_step(page, "pain", {k: v for k, v in answers.items() if k != "pain_area"})
    page.get_by_role("button", name="Next").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("What makes it worse or better")
    loaded(page)
    page.get_by_role("button", name="Back").tap()
    loaded(page)
    page.locator("button[lang='zh-Hans']").tap()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text(CHINESE.gettext("About your pain"))
    loaded(page)
    for code in ("sacrum", "knee_right", "foot_left"):
        text = CHINESE.gettext(PAIN_AREA.option(code).text)  # type: ignore[union-attr]
        named = page.locator(".pain-map svg").get_by_role("checkbox", name=text, exact=True)
        expect(named).to_have_attribute("aria-checked", "true")
    expect(page.locator(".pain-map-chosen li:visible")).to_have_count(3)
    expect(page.locator(".pain-view-label").first).to_have_text(CHINESE.gettext("Back view"))
    expect(page.locator("input[name='pain_area']:checked")).to_have_count(3)
    audit(page)


def test_without_javascript_the_checkbox_list_is_the_answer(page_factory: Callable[..., Page]) -> None:
    page = page_factory("phone", javascript=False)
    page.goto("/")
    page.get_by_role("button", name="Start the check").tap()
    answer_step(page, "safety", typical_answers())
    page.get_by_role("button", name="Next").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("About your pain")
    expect(page.locator(".pain-map")).to_be_hidden()
    expect(page.locator("input[name='pain_area']")).to_have_count(len(PAIN_AREA.options))
    answer_step(page, "pain", typical_answers(pain_area=["groin", "hip_right"]))
    page.get_by_role("button", name="Next").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("What makes it worse or better")
    page.get_by_role("button", name="Back").tap()
    expect(page.locator("input[name='pain_area']:checked")).to_have_count(2)
    expect(page.locator("#pain_area-groin")).to_be_checked()
    audit(page)


def test_high_contrast_and_reduced_motion_are_respected(page_factory: Callable[..., Page]) -> None:
    page = page_factory("phone")
    page.emulate_media(forced_colors="active", reduced_motion="reduce")
    open_pain_step(page)
    region(page, "groin").locator("path").tap()
    fill = "(element) => getComputedStyle(element).fill"
    chosen, other = region(page, "groin").locator("path"), region(page, "hip_left").locator("path")
    assert chosen.evaluate(fill) != other.evaluate(fill)  # the chosen region is drawn in the highlight colour
    assert "url(" in chosen.evaluate(fill)
    duration = "(element) => getComputedStyle(element).transitionDuration"
    assert other.evaluate(duration) == "0s"
    page.emulate_media(forced_colors="none", reduced_motion="no-preference")
    assert other.evaluate(duration) != "0s"
