"""Language choice: the person's own choice first, then the browser's ``Accept-Language``."""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import Flask, current_app, g, request, session
from flask_babel import get_locale, get_translations


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


def language() -> str:
    """This request's language code, chosen once: a page asks for it with every piece of kept markup.

    The same choice Flask-Babel's ``get_locale()`` makes, as a code: a kept page needs no catalogue, and building the
    ``Locale`` was about 5% of the cost of a step page.
    """
    code: str | None = g.get("_language")
    if code is None:
        code = g._language = select_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]
    return code


def _translations() -> NullTranslations:
    """This request's catalogue, looked up once: a page translates dozens of strings."""
    translations: NullTranslations | None = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations


def install_template_gettext(app: Flask) -> None:
    """Give templates ``_`` and ``ngettext`` that reuse the request's catalogue (Flask-Babel looks it up per call)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda text: _translations().ugettext(text),
        lambda singular, plural, n: _translations().ungettext(singular, plural, n),
        newstyle=True,
    )
