"""The input boundary (``app.input_values``): what each parser accepts, refuses, and gives back (no app needed)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.input_values import (
    MAX_ID,
    REPLACEMENT,
    Refused,
    check_date,
    clean_text,
    is_printable,
    is_token,
    parse_date,
    parse_id,
    parse_integer,
    printable,
    printable_json,
)

# Every code point, lone surrogates and control characters included.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)


@given(ANY_TEXT, st.booleans())
def test_clean_text_gives_nfc_printable_trimmed_text_or_refuses(value, multiline):
    try:
        cleaned = clean_text(value, max_length=1000, multiline=multiline)
    except Refused as refused:
        assert refused.reason in ("encoding", "control")
        return
    assert cleaned == unicodedata.normalize("NFC", cleaned) == cleaned.strip()
    assert is_printable(cleaned)
    assert "\r" not in cleaned
    cleaned.encode("utf-8")  # every output can be stored and sent
    if not multiline:
        assert "\n" not in cleaned and "\t" not in cleaned
    assert clean_text(cleaned, max_length=1000, multiline=multiline) == cleaned  # idempotent


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("a\ud800b", "encoding"),
        ("\udfff", "encoding"),
        ("a\x00b", "control"),
        ("\x1b[31m", "control"),
        ("a\x85", "control"),
        ("a\x7f", "control"),
        (5, "type"),
        (None, "type"),
    ],
)
def test_clean_text_refuses_with_a_reason(value, reason):
    with pytest.raises(Refused) as refused:
        clean_text(value, max_length=10, multiline=True)
    assert refused.value.reason == reason


def test_newline_and_tab_only_where_the_field_allows_them():
    assert clean_text(" a\r\n\tb\r ", max_length=10, multiline=True) == "a\n\tb"
    with pytest.raises(Refused):
        clean_text("a\nb", max_length=10)
    with pytest.raises(Refused):
        clean_text("a\tb", max_length=10)


def test_length_is_counted_after_normalising():
    assert clean_text("e\u0301" * 3, max_length=3) == "é" * 3
    with pytest.raises(Refused) as refused:
        clean_text("abcd", max_length=3)
    assert refused.value.reason == "length" and refused.value.params == {"maximum": 3}


def test_emoji_combining_marks_and_bidi_text_pass():
    for text in ("\U0001f468\u200d\U0001f469\u200d\U0001f467", "नमस्ते", "\u05e9\u05dc\u05d5\u05dd", "\u202eabc"):
        assert clean_text(text, max_length=50) == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("value", ["²", "¹⁰", "--3", "+-3", "١", "٣", "1_0", "0x5", "1e3", "3.0", "", "+", "٫", "𝟓"])
def test_integers_are_ascii_digits_with_at_most_one_sign(value):
    with pytest.raises(Refused):
        parse_integer(value, -100, 100)


@pytest.mark.parametrize(("value", "number"), [("7", 7), ("+7", 7), ("-7", -7), (" 7\t", 7), ("007", 7), (7, 7)])
def test_plain_integers_are_read(value, number):
    assert parse_integer(value, -10, 10) == number


@given(st.integers())
def test_any_integer_in_range_is_read_back_from_its_text(number):
    if -(10**6) <= number <= 10**6:
        assert parse_integer(str(number), -(10**6), 10**6) == number
    else:
        with pytest.raises(Refused):
            parse_integer(str(number), -(10**6), 10**6)


def test_booleans_and_huge_numbers_are_not_integers_here():
    for value in (True, False, "9" * 5000, 10**30):
        with pytest.raises(Refused):
            parse_integer(value, 0, 10)


def test_ids_fit_the_databases_integer():
    assert parse_id(str(MAX_ID)) == MAX_ID
    for value in ("0", str(MAX_ID + 1), "12345678901234567890", "-1"):
        with pytest.raises(Refused):
            parse_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31",
        "0001-01-01",
        "1899-12-31",
        "2101-01-01",
        "2024-02-30",
        "20240101",
        "2024-W01-1",
        "２０２４-01-01",
        "2024-1-1",
        " ",
        "2024-01-01T00:00",
    ],
)
def test_dates_outside_the_sane_range_or_format_are_refused(value):
    with pytest.raises(Refused):
        parse_date(value)


def test_dates_at_the_limits_are_read():
    assert parse_date("1900-01-01") == date(1900, 1, 1)
    assert parse_date(" 2100-12-31 ") == date(2100, 12, 31)
    with pytest.raises(Refused):
        check_date(date(9999, 12, 31))


@given(ANY_TEXT)
def test_printable_always_encodes_and_keeps_printable_text(value):
    shown = printable(value)
    shown.encode("utf-8")
    assert len(shown) == len(value)
    if is_printable(value):
        assert shown is value
    assert printable_json({value: [value, 1, None]}) == {shown: [shown, 1, None]}


def test_printable_replaces_what_cannot_be_shown():
    assert printable("a\ud800b\x00c\r\n\t") == f"a{REPLACEMENT}b{REPLACEMENT}c\r\n\t"


@pytest.mark.parametrize(("text", "ok"), [("abc_-XYZ09", True), ("", False), ("a\x00", False), ("a" * 65, False)])
def test_tokens_have_the_shape_of_a_private_link(text, ok):
    assert is_token(text) is ok
