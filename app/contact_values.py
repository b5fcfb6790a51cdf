"""Contact details in one canonical form, for validation, storage and exact-match search. Pure: no app, no I/O.

Email addresses are checked for syntax only (no DNS look-ups: patient pages make no outside requests) and kept in
lower case; phone numbers are read in the clinic's region unless they start with an international prefix, and kept
in E.164 (``+447700900123``), so the same number typed two ways hashes the same.
"""

from __future__ import annotations

import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import PhoneNumberFormat, PhoneNumberType

MAX_EMAIL_LENGTH = 254
MAX_PHONE_LENGTH = 40
MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


class InvalidContact(ValueError):
    """Not a usable email address or phone number."""


def normalise_email(value: str) -> str:
    """The address in canonical form (Unicode-normalised, lower case); raises ``InvalidContact``."""
    text = value.strip()
    if not text or len(text) > MAX_EMAIL_LENGTH:
        raise InvalidContact("length")
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidContact(str(error)) from None
    return str(checked.normalized).lower()


def normalise_phone(value: str, region: str) -> str:
    """The number in E.164, read in ``region`` unless it has a country code; raises ``InvalidContact``."""
    text = value.strip()
    if not text or len(text) > MAX_PHONE_LENGTH:
        raise InvalidContact("length")
    if any(c.isalpha() for c in text):
        raise InvalidContact("letters")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidContact(str(error)) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidContact("not a valid number")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    """Whether text messages can reach the number (where the numbering plan says so)."""
    return phonenumbers.number_type(phonenumbers.parse(e164)) in MOBILE_TYPES


def display_phone(e164: str) -> str:
    """The number as people write it internationally, e.g. ``+44 7700 900123``."""
    return phonenumbers.format_number(phonenumbers.parse(e164), PhoneNumberFormat.INTERNATIONAL)


def phone_examples(region: str) -> tuple[str, str]:
    """A mobile number of the region written nationally and internationally, for hints and messages."""
    example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
    if example is None:
        return "", "+44 7700 900123"
    return (
        phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL),
        phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL),
    )


def normalise_name(value: str) -> str:
    """A name compared loosely: Unicode-normalised, single spaces, case folded."""
    return " ".join(unicodedata.normalize("NFKC", value).split()).casefold()
