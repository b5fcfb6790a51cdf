"""One boundary for every value from outside: text normalised and checked, integers, dates and ids parsed strictly.

Form fields, JSON and FHIR answers, query parameters, the headers the app reads and CLI arguments all pass through
here, so odd input is refused with the field's message instead of reaching ``int()``, a ``timedelta`` or the
database. ``printable`` is the other side: what is already stored (from before these checks) is shown and exported
with anything that cannot be encoded replaced. Pure (standard library only), so the questionnaire model uses it too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

# PostgreSQL's ``integer``, the narrowest id column the app has (SQLite's are 64-bit): a larger id cannot exist.
MAX_ID = 2**31 - 1
FIRST_YEAR = 1900
LAST_YEAR = 2100
# Longer than any number a field takes; refused before it is read, however many digits follow.
MAX_DIGITS = 20

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 and C1 control characters (DEL included); multi-line fields keep newline and tab.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Output keeps every line ending (old answers hold "\r\n"): only what cannot be encoded or shown goes.
_UNPRINTABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INTEGER = re.compile(rf"[+-]?[0-9]{{1,{MAX_DIGITS}}}")
# The private links' tokens (``secrets.token_urlsafe``), within their columns' width.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
REPLACEMENT = "\ufffd"


class Refused(ValueError):
    """A value this boundary does not accept. ``reason``: "type", "encoding", "control", "length", "number",
    "range" or "date"; ``params`` fill the field's message (``minimum``, ``maximum``)."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


def clean_text(value: object, *, max_length: int, multiline: bool = False) -> str:
    """The text in NFC, trimmed, line endings made ``\\n``; raises ``Refused``.

    Refused: anything but a string, lone surrogates (no encoding can carry them), control characters (NUL among
    them; newline and tab only when ``multiline``), and more than ``max_length`` characters once normalised.
    """
    if not isinstance(value, str):
        raise Refused("type")
    if _SURROGATE.search(value):
        raise Refused("encoding")
    text = unicodedata.normalize("NFC", value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if (_CONTROL_MULTILINE if multiline else _CONTROL).search(text):
        raise Refused("control")
    text = text.strip()
    if len(text) > max_length:
        raise Refused("length", maximum=max_length)
    return text


def parse_integer(value: object, minimum: int, maximum: int) -> int:
    """An integer: ASCII digits with at most one leading sign (surrounding spaces allowed), within the range.

    ``int()`` alone takes "²"'s neighbours "١٢" and "1_000"; ``str.isdigit`` takes "²", which ``int()`` then refuses.
    """
    if isinstance(value, bool):
        raise Refused("number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip(" \t")):
        number = int(value.strip(" \t"))
    else:
        raise Refused("number", minimum=minimum, maximum=maximum)
    if not minimum <= number <= maximum:
        raise Refused("range", minimum=minimum, maximum=maximum)
    return number


def parse_id(value: object) -> int:
    """A database id (a submission, a user): 1 to ``MAX_ID``."""
    return parse_integer(value, 1, MAX_ID)


def parse_date(value: object) -> date:
    """A day written YYYY-MM-DD (ASCII digits) from ``FIRST_YEAR`` to ``LAST_YEAR``."""
    match = _ISO_DATE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise Refused("date")
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise Refused("date") from None
    return check_date(day)


def check_date(day: date) -> date:
    """The day, if it is within ``FIRST_YEAR`` to ``LAST_YEAR``: beyond, a day's arithmetic leaves the calendar."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Refused("range", minimum=FIRST_YEAR, maximum=LAST_YEAR)
    return day


def is_token(text: str) -> bool:
    """Whether ``text`` can be a private link's token (a draft's or a result's): anything else is not looked up."""
    return _TOKEN.fullmatch(text) is not None


def printable(text: str) -> str:
    """Stored text as it can be shown and exported: lone surrogates and control characters (but tab and line
    endings) become U+FFFD. Text that passed ``clean_text`` comes back unchanged."""
    if text.isascii() and text.isprintable():
        return text  # most cells of an export: a check in C, no regular expression
    return _UNPRINTABLE.sub(REPLACEMENT, text) if _UNPRINTABLE.search(text) else text


def printable_json(value: Any) -> Any:
    """``printable`` applied to every string (keys too) in decoded JSON."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, Mapping):
        return {printable(str(k)): printable_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable_json(v) for v in value]
    return value


def is_printable(text: str) -> bool:
    return _UNPRINTABLE.search(text) is None
