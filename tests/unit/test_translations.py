"""The translation catalogues are complete and current: every string a patient can read has its Chinese.

Messages are extracted afresh (as ``make translations`` does) and compared with the committed template, the
Simplified Chinese catalogue and its compiled ``.mo``. A failure names the strings; ``make translations`` updates
the files, and the new entries then need their translation (README, "Translations").
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from app import catalogues

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
LOCALES = list(catalogues.LANGUAGE_TAGS)
# As `make translations` extracts (Makefile): templates/_macros is scanned too, unlike with Babel's default.
EXTRACT = ["-F", "babel.cfg", "--ignore-dirs=.* __pycache__"]


def load_po(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def ids(catalog: Catalog) -> set[str]:
    return {key(m.id) for m in catalog if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages the code and templates hold right now."""
    pot = tmp_path_factory.mktemp("extract") / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", *EXTRACT, "-o", str(pot), "."]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return load_po(pot)


def hashable(value: object) -> object:
    """A plural message's forms as a tuple (``read_mo`` gives lists)."""
    return tuple(value) if isinstance(value, list | tuple) else value


def describe(missing: set[str]) -> str:
    return "\n".join(sorted(missing)) + "\n(run `make translations` and translate the new entries)"


def test_the_extraction_finds_the_questionnaire_the_advice_and_the_templates(extracted: Catalog) -> None:
    found = ids(extracted)
    assert {"Where do you feel the pain?", "Kidney Deficiency", "Please choose one answer.", "Next"} <= found
    # The singular and plural of a message share one entry.
    assert "There is %(num)s problem on this page" in found


def test_the_committed_template_matches_the_code(extracted: Catalog) -> None:
    committed = ids(load_po(TRANSLATIONS / "messages.pot"))
    assert ids(extracted) - committed == set(), describe(ids(extracted) - committed)
    assert committed - ids(extracted) == set(), describe(committed - ids(extracted))


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_has_a_translation_and_none_is_stale(extracted: Catalog, locale: str) -> None:
    catalog = load_po(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")
    missing = ids(extracted) - ids(catalog)
    assert missing == set(), describe(missing)
    stale = ids(catalog) - ids(extracted)
    assert stale == set(), describe(stale)
    assert not catalog.obsolete, describe(set(map(key, catalog.obsolete)))
    fuzzy = {key(m.id) for m in catalog if m.id and m.fuzzy}
    assert fuzzy == set(), describe(fuzzy)
    empty = {key(m.id) for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])}
    assert empty == set(), describe(empty)


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_their_placeholders(locale: str) -> None:
    catalog = load_po(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")
    problems = [f"{key(message.id)}: {'; '.join(map(str, errors))}" for message, errors in catalog.check()]
    assert problems == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalogue_is_up_to_date(locale: str) -> None:
    directory = TRANSLATIONS / locale / "LC_MESSAGES"
    with (directory / "messages.mo").open("rb") as handle:
        compiled = {hashable(m.id): hashable(m.string) for m in read_mo(handle) if m.id}
    source = {hashable(m.id): hashable(m.string) for m in load_po(directory / "messages.po") if m.id}
    assert compiled == source, "run `make translations` to compile the catalogue"


def test_the_app_reads_the_catalogue_without_flask() -> None:
    assert catalogues.translate("Where do you feel the pain?", "zh_Hans") == "您哪里痛？"
    assert catalogues.translate("Not a message of this app", "zh_Hans") is None
