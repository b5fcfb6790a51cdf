"""Answer questionnaire steps in a browser the way a person does: tap (phone) or click (desk) each answer's label."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from app.questionnaire import Questionnaire
from app.questionnaires import current


def press(page: Page, selector: str, device: str = "phone") -> None:
    target = page.locator(selector)
    if device == "phone":
        target.tap()
    else:
        target.click()


def answer_step(
    page: Page,
    section_key: str,
    answers: dict[str, Any],
    device: str = "phone",
    questionnaire: Questionnaire | None = None,
) -> None:
    """Give this step's answers from ``answers`` (other questions' answers are ignored)."""
    section = (questionnaire or current()).section(section_key)
    assert section is not None
    for question in section.questions:
        value = answers.get(question.link_id)
        if value is None:
            continue
        if question.kind == "text":
            page.fill(f"#{question.link_id}", str(value))
            continue
        for code in value if isinstance(value, list) else [value]:
            press(page, f"label[for='{question.link_id}-{code}']", device)
