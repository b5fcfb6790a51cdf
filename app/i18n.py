"""Language choice: the person's own choice first, then the browser's ``Accept-Language``."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, session
from flask_babel import get_locale


def select_locale() -> str | None:
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    # Browsers say "zh-CN" or "zh"; the catalogue is Simplified Chinese.
    offered = {
        "en": "en",
        "zh": "zh_Hans",
        "zh-CN": "zh_Hans",
        "zh-Hans": "zh_Hans",
        "zh-SG": "zh_Hans",
    }
    best = request.accept_languages.best_match(list(offered))
    return offered[best] if best else None


def template_globals() -> dict[str, Any]:
    return {"get_locale": get_locale}
