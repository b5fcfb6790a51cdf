"""The browser stack works end to end: Chromium, Playwright, and the app served on loopback."""

from __future__ import annotations


def test_health_page_opens_in_chromium(phone_page) -> None:
    response = phone_page.goto("/health")
    assert response is not None
    assert response.status == 200
    assert '"database":"ok"' in phone_page.content().replace(" ", "")
    assert phone_page.viewport_size == {"width": 390, "height": 844}
    assert phone_page.evaluate("navigator.maxTouchPoints") > 0
