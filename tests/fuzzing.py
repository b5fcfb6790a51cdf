"""The fuzz runs' tools (Hypothesis over the pages, schemathesis over the API): bounds, hostile values, and posting
them as a hostile client would. Every run is seeded and stops at its example count or its time budget, whichever
comes first, so CI stays well inside its time."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import date
from urllib.parse import urlencode

from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from app.questionnaire import Question


class Budget:
    """Seconds a property run may spend; examples after that pass at once (Hypothesis still counts them)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def spent(self) -> bool:
        return time.monotonic() > self.deadline


# Hostile values: text from the whole Unicode range (lone surrogates, NUL and other controls, BiDi controls, emoji,
# combining marks) and numbers and dates at and beyond their limits.
SPECIAL = (
    "\x00",
    "\ud800",
    "\udfff",
    "\u202e",
    "\u2066",
    "\u200f",
    "\u0301",
    "\U0001f600",
    "\u200d",
    "\r\n",
    "\t",
    "\x1b[2J",
    "\x85",
    "\u2028",
    "\ufeff",
    "\uffff",
    "%00",
    "'\"<>&",
    "{{ 7*7 }}",
)
NUMBERS = (
    "²",
    "¹⁰",
    "²²²²²²",
    "١٢٣٤٥٦",
    "--3",
    "+-3",
    "١٢",
    "1_0",
    "1e3",
    "0x10",
    "-0",
    "+5",
    "0",
    "-1",
    " 7 ",
    "9" * 25,
    "9" * 5000,
    str(2**31 - 1),
    str(2**31),
    str(2**63),
    str(-(2**63) - 1),
)
DATES = (
    "9999-12-31",
    "0001-01-01",
    "1899-12-31",
    "1900-01-01",
    "2100-12-31",
    "2101-01-01",
    "2024-02-30",
    "2024-13-01",
    "20240101",
    "2024-W01-1",
    "２０２４-01-01",
    "2024-01-01T00:00",
    "-2024-01-01",
)
hostile_text = st.lists(
    st.one_of(st.characters(codec=None, exclude_categories=()), st.sampled_from(SPECIAL)), max_size=30
).map("".join)
hostile_values = st.one_of(
    hostile_text,
    st.sampled_from(NUMBERS + DATES + SPECIAL),
    st.integers(-(10**25), 10**25).map(str),
    st.dates().map(date.isoformat),
)


def form_body(data: Mapping[str, str | list[str]]) -> str:
    """A form as the bytes a hostile client can send: lone surrogates go out as the (invalid) UTF-8 they would be."""
    return urlencode(data, doseq=True, encoding="utf-8", errors="surrogatepass")


def post_form(client: FlaskClient, url: str, data: Mapping[str, str | list[str]]) -> TestResponse:
    return client.post(url, data=form_body(data), content_type="application/x-www-form-urlencoded")


def get_query(client: FlaskClient, url: str, args: Mapping[str, str | list[str]]) -> TestResponse:
    return client.get(url, query_string=form_body(args))


LEAKS = ("Traceback", 'File "', "sqlalchemy", "psycopg", "UnicodeEncodeError", "Internal Server Error")


def assert_survived(response: TestResponse, allowed: tuple[int, ...]) -> str:
    """No 5xx, no status outside ``allowed``, no stack trace; the body, read to its end (a stream included)."""
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:2000]
    assert response.status_code in allowed, (response.status_code, body[:2000])
    for leak in LEAKS:
        assert leak not in body
    return body


def encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def fuzz_settings(examples: int) -> settings:
    """Seeded and bounded: the same examples on every run, at most ``examples`` of them."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def answer_values(question: Question) -> st.SearchStrategy[str | list[str]]:
    """What a hostile client posts for one question, aimed at its kind (read from the declaration)."""
    if question.kind == "integer":
        limits = (question.minimum - 1, question.minimum, question.maximum, question.maximum + 1)
        numbers = st.sampled_from(NUMBERS + tuple(str(n) for n in limits))
        return st.one_of(numbers, st.integers().map(str), hostile_values)
    if question.kind == "text":
        return st.one_of(hostile_text, hostile_values)
    codes = st.sampled_from(question.codes)
    return st.one_of(codes, st.lists(codes, max_size=3), hostile_values, st.lists(hostile_values, max_size=3))
