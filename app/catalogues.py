"""The compiled translation catalogues, readable without Flask (for FHIR exports, the CLI and tests).

Pages are translated by Flask-Babel from the same files; this module only reads them. The catalogues live in
``translations/`` beside ``app/`` and are built with ``make translations`` (README, "Translations").
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

DIRECTORY = Path(__file__).resolve().parent.parent / "translations"
# The app's locales other than the source language, with the BCP 47 tag FHIR and HTML use for each.
LANGUAGE_TAGS: dict[str, str] = {"zh_Hans": "zh-Hans"}


@lru_cache(maxsize=8)
def translations(locale: str) -> NullTranslations:
    """The catalogue for ``locale`` (e.g. ``"zh_Hans"``); English text passes through unchanged."""
    return Translations.load(str(DIRECTORY), [locale])


def translate(text: str, locale: str) -> str | None:
    """``text`` in ``locale``, or None when the catalogue has no translation for it."""
    translated = translations(locale).gettext(text)
    return translated if translated != text else None
