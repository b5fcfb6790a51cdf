"""The input boundary (``app.input_values``) for WTForms and URLs: staff forms, query-string filters and ids.

Fields keep what was typed (``raw_data``) when they refuse it, so a form redrawn with its problem still shows it.
Messages here are English: staff pages and the JSON API are not translated.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter
from wtforms import DateField, Field, IntegerField
from wtforms.validators import ValidationError

from app.input_values import FIRST_YEAR, LAST_YEAR, MAX_ID, Refused, clean_text, parse_date, parse_integer

TEXT_MESSAGES = {
    "type": "Type this as text.",
    "encoding": "Remove the invisible or unusual characters (control characters, broken symbols) and try again.",
    "control": "Remove the invisible or unusual characters (control characters, broken symbols) and try again.",
    "length": "Keep this to %(maximum)s characters or fewer.",
}
DATE_MESSAGE = f"Give a date as YYYY-MM-DD, from {FIRST_YEAR} to {LAST_YEAR}."


def text_message(refused: Refused) -> str:
    return TEXT_MESSAGES.get(refused.reason, TEXT_MESSAGES["control"]) % refused.params


class CleanText:
    """Validator: the field's text through ``clean_text`` (its data becomes the normalised text)."""

    def __init__(self, max_length: int, multiline: bool = False) -> None:
        self.max_length = max_length
        self.multiline = multiline
        self.field_flags = {"maxlength": max_length}

    def __call__(self, form: Any, field: Field) -> None:
        if field.data in (None, ""):
            return
        try:
            field.data = clean_text(field.data, max_length=self.max_length, multiline=self.multiline)
        except Refused as refused:
            raise ValidationError(text_message(refused)) from None


class WholeNumberField(IntegerField):
    """An integer field read by ``parse_integer``: ASCII digits, an optional sign, within ``minimum``–``maximum``."""

    def __init__(self, *args: Any, minimum: int = 0, maximum: int = MAX_ID, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.minimum = minimum
        self.maximum = maximum

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or valuelist[0] in (None, ""):
            return
        try:
            self.data = parse_integer(valuelist[0], self.minimum, self.maximum)
        except Refused:
            self.data = None
            raise ValueError(f"Give a whole number from {self.minimum:,} to {self.maximum:,}.") from None


class DayField(DateField):
    """A date field read by ``parse_date`` (YYYY-MM-DD within the years the app can count from and to)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or valuelist[0] in (None, ""):
            return
        try:
            self.data = parse_date(valuelist[0])
        except Refused:
            self.data = None
            raise ValueError(DATE_MESSAGE) from None


class DatabaseIdConverter(IntegerConverter):
    """``<id:name>`` in a route: an id within the database's integer range; a longer number is a 404, never a query."""

    regex = r"[0-9]{1,20}"  # ASCII digits: ``\d`` would take other scripts' digits too

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, min=1, max=MAX_ID)
