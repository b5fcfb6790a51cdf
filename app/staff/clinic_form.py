"""The clinic settings form: the one set of checks for the admin page and ``flask clinic set``.

Field names are the settings' names (``app.clinic.FIELDS``). A refused value stays in its field as typed, with its
message beside it. Messages are English: staff pages are not translated.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import EmailField, Field, SelectChoice, SelectMultipleField, StringField, TelField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.advice import THERAPIES
from app.clinic import FIELDS, Clinic
from app.contact_values import InvalidContact, display_phone, normalise_email, normalise_phone
from app.web.field_checks import CleanText

# A number people dial: digits in groups, an optional leading +; 2 to 15 digits (E.164's longest).
_DIALLED = re.compile(r"\+?[0-9]+(?: [0-9]+)*")
MAX_WEBSITE_LENGTH = 200


class PhoneNumber:
    """The clinic's phone number, read in ``PHONE_REGION`` unless it has a country code, kept as written abroad."""

    def __call__(self, form: Any, field: Field) -> None:
        if not field.data:
            return
        region = current_app.config["PHONE_REGION"]
        try:
            field.data = display_phone(normalise_phone(field.data, region))
        except InvalidContact:
            raise ValidationError(
                f"Give a phone number that can be dialled, with its country code (like +44) if it is not in {region}."
            ) from None


class Email:
    def __call__(self, form: Any, field: Field) -> None:
        if not field.data:
            return
        try:
            field.data = normalise_email(field.data)
        except InvalidContact:
            raise ValidationError("Give an email address, like clinic@example.com.") from None


class ShortNumber:
    """An emergency or advice line: a short code (999, 120, 116117) or a full number; wide digits become ASCII."""

    def __call__(self, form: Any, field: Field) -> None:
        if not field.data:
            return
        number = " ".join(unicodedata.normalize("NFKC", field.data).split())
        digits = sum(char.isdigit() for char in number)
        if not _DIALLED.fullmatch(number) or not 2 <= digits <= 15:
            raise ValidationError("Give the number as it is dialled: digits only (spaces and a leading + allowed).")
        field.data = number


class Website:
    """A web address patients may open: http or https only, with a host; ``https://`` is added when left off."""

    def __call__(self, form: Any, field: Field) -> None:
        if not field.data:
            return
        address = field.data if "://" in field.data else f"https://{field.data}"
        try:
            parts = urlsplit(address)
            host = parts.hostname or ""
        except ValueError:
            host, parts = "", None
        plain = all(char.isprintable() and not char.isspace() for char in address)
        if parts is None or parts.scheme not in ("http", "https") or "." not in host or not plain:
            raise ValidationError("Give the clinic's web address, like https://www.example.com.")
        if len(address) > MAX_WEBSITE_LENGTH:
            raise ValidationError(f"Keep this to {MAX_WEBSITE_LENGTH} characters or fewer.")
        field.data = address


def at_least_one_therapy(form: Any, field: Field) -> None:
    # Not InputRequired: that would mark every checkbox as required.
    if not field.data:
        raise ValidationError("Tick at least one therapy the clinic offers.")


class ClinicForm(FlaskForm):
    name_en = StringField("Clinic name in English", validators=[Optional(), CleanText(120)])
    name_zh = StringField("Clinic name in Chinese", validators=[Optional(), CleanText(120)])
    address = TextAreaField("Address", validators=[Optional(), CleanText(500, multiline=True)])
    phone = TelField("Phone", validators=[Optional(), CleanText(40), PhoneNumber()])
    email = EmailField(
        "Email",
        validators=[InputRequired("Give the clinic's email address."), CleanText(254), Email()],
    )
    website = StringField("Website", validators=[Optional(), CleanText(MAX_WEBSITE_LENGTH), Website()])
    opening_hours = TextAreaField("Opening hours", validators=[Optional(), CleanText(500, multiline=True)])
    data_controller = StringField(
        "Data controller",
        validators=[InputRequired("Name who is responsible for patients' data."), CleanText(200)],
    )
    emergency_number = StringField(
        "Emergency number",
        validators=[InputRequired("Give the emergency number patients should call."), CleanText(20), ShortNumber()],
    )
    urgent_number = StringField("Urgent medical advice number", validators=[Optional(), CleanText(20), ShortNumber()])
    therapies = SelectMultipleField(
        "Therapies the clinic offers",
        choices=[SelectChoice(therapy.code, therapy.name) for therapy in THERAPIES],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[at_least_one_therapy],
    )

    @classmethod
    def showing(cls, clinic: Clinic) -> ClinicForm:
        """The form filled in with the settings as they are (on a fresh install: every therapy ticked)."""
        return cls(formdata=None, data={**clinic.values(), "therapies": list(clinic.therapies)})

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.name_en.data or self.name_zh.data) and not self.name_en.errors:
            self.name_en.errors = [*self.name_en.errors, "Give the clinic's name in English or Chinese, or both."]
            valid = False
        return valid

    def values(self) -> dict[str, Any]:
        """The checked settings, by name (call after ``validate``)."""
        return {name: self[name].data or ("" if name != "therapies" else []) for name in FIELDS}

    def problems(self) -> dict[str, str]:
        """Each refused field's first message, by setting name."""
        return {name: str(self[name].errors[0]) for name in FIELDS if self[name].errors}
