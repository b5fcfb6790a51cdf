"""Canonical contact details: what is validated, encrypted and hashed for search (no app needed)."""

from __future__ import annotations

import pytest

from app.contact_values import (
    InvalidContact,
    display_phone,
    is_mobile,
    normalise_email,
    normalise_name,
    normalise_phone,
    phone_examples,
)
from app.input_values import clean_text


@pytest.mark.parametrize(
    ("typed", "region", "canonical"),
    [
        ("07400 123456", "GB", "+447400123456"),
        ("+44 (0)7400 123456", "GB", "+447400123456"),
        ("0044 7400 123456", "GB", "+447400123456"),
        ("+1 415-555-2671", "GB", "+14155552671"),
        ("(415) 555-2671", "US", "+14155552671"),
        ("01512 3456789", "DE", "+4915123456789"),
    ],
)
def test_phone_numbers_become_e164_in_the_region_unless_international(typed: str, region: str, canonical: str) -> None:
    assert normalise_phone(typed, region) == canonical


@pytest.mark.parametrize("typed", ["", "12345", "07400 12345", "0800 FLOWERS", "+44 12", "1" * 41])
def test_unusable_phone_numbers_are_refused(typed: str) -> None:
    with pytest.raises(InvalidContact):
        normalise_phone(typed, "GB")


def test_mobile_numbers_are_told_apart_from_landlines() -> None:
    assert is_mobile("+447400123456")
    assert not is_mobile("+442071838750")
    assert display_phone("+447400123456") == "+44 7400 123456"
    assert phone_examples("GB") == ("07400 123456", "+44 7400 123456")


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Ann.Lee@Example.COM", "ann.lee@example.com"),
        ("  ann@example.com ", "ann@example.com"),
        ("ann@EXAMPLE.com", "ann@example.com"),
    ],
)
def test_email_addresses_are_kept_in_lower_case(typed: str, canonical: str) -> None:
    assert normalise_email(typed) == canonical


@pytest.mark.parametrize(
    "typed",
    ["", "ann", "ann@", "@example.com", "ann@@example.com", "ann@localhost", "ann@clinic.test", "a" * 250 + "@x.com"],
)
def test_unusable_email_addresses_are_refused(typed: str) -> None:
    with pytest.raises(InvalidContact):
        normalise_email(typed)


def test_names_compare_loosely_and_text_is_trimmed() -> None:
    assert normalise_name("  Ann   LEE-wong ") == normalise_name("ann lee-wong") == "ann lee-wong"
    assert normalise_name("Ｍｅｉ") == "mei"  # full-width letters, as some keyboards type them
    assert clean_text(" line one\r\nline two\r ", max_length=100, multiline=True) == "line one\nline two"
