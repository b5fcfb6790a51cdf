"""Hypothesis over the HTML surfaces: every wizard step, the intake form, the staff filters and search, the
practitioner's assessment, the admin (the clinic settings among them), sign-in, second-factor and password forms,
and the headers the app reads, with hostile text, numbers and dates (``tests/fuzzing.py``).

Never a 5xx, never a stack trace in a body, and what was typed is on the page again when a form is refused. Each
run is seeded and bounded by examples and seconds (``SECONDS`` each); with the API runs, about 35 s on SQLite and
45 s on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select

from app import clinic
from app.advice import THERAPY_CODES
from app.input_values import Refused, clean_text
from app.models import STATUSES, Review
from app.questionnaire import PATTERNS
from app.questionnaires import current
from app.review.workflow import MAX_NOTES
from app.web.extensions import db
from tests.clinic import HARBOUR
from tests.functional.patient.test_wizard import start, step_url
from tests.functional.staff.test_two_factor import enrolled
from tests.fuzzing import (
    DATES,
    NUMBERS,
    Budget,
    answer_values,
    assert_survived,
    encodable,
    fuzz_settings,
    get_query,
    hostile_text,
    hostile_values,
    post_form,
)
from tests.intake import details, open_form, screened
from tests.practitioner import sent
from tests.staff import add_user, sign_in, signed_in

pytestmark = pytest.mark.fuzz

Q = current()
SECONDS = 6
value_or_list = st.one_of(hostile_values, st.lists(hostile_values, max_size=3))


def shown_on_step(section: Any, question: Any) -> bool:
    """Whether the step draws the question whatever the earlier steps' answers were."""
    return not question.enable_when or section.toggles(question)


@st.composite
def step_posts(draw: st.DrawFn, section: Any) -> dict[str, Any]:
    """A step's form: most of its questions, each with a value aimed at its kind, and sometimes junk fields."""
    data: dict[str, Any] = {q.link_id: draw(answer_values(q)) for q in section.questions if draw(st.booleans())}
    if draw(st.booleans()):
        data["action"] = draw(st.one_of(st.just("back"), hostile_values))
    if draw(st.booleans()):
        data[draw(hostile_text)] = draw(hostile_values)
    return data


@pytest.mark.parametrize("section", Q.sections, ids=[s.key for s in Q.sections])
def test_every_wizard_step_survives_hostile_posts_and_keeps_what_was_typed(app: Flask, section: Any) -> None:
    client = app.test_client()
    draft = {"token": start(client)}
    budget = Budget(SECONDS / 2)

    @fuzz_settings(60)
    @given(step_posts(section))
    def run(data: dict[str, Any]) -> None:
        if budget.spent():
            return
        response = post_form(client, step_url(draft["token"], section.key), data)
        body = assert_survived(response, (303, 422))
        if response.status_code == 303 and response.location.startswith("/result/"):
            draft["token"] = start(client)  # finished (a red flag ends the screen): go on with a new draft
        if response.status_code != 422:
            return
        for question in section.questions:
            typed = data.get(question.link_id)
            text = question.kind == "text" and shown_on_step(section, question) and isinstance(typed, str)
            if text and encodable(typed) and typed.strip():
                assert str(escape(typed)) in body

    run()


CONTACT_FIELDS = (
    "full_name",
    "dob_day",
    "dob_month",
    "dob_year",
    "age",
    "phone",
    "email",
    "preferred_contact",
    "preferred_times",
    "message",
    "consent",
    "signature",
)
TYPED_FIELDS = ("full_name", "dob_day", "dob_month", "dob_year", "age", "phone", "email", "message", "signature")


def test_the_intake_form_survives_hostile_posts_and_keeps_what_was_typed(app: Flask) -> None:
    client = app.test_client()
    form = {"path": screened(client)}
    form["hidden"] = open_form(client, form["path"])  # type: ignore[assignment]
    budget = Budget(SECONDS)

    @fuzz_settings(100)
    @given(st.dictionaries(st.sampled_from(CONTACT_FIELDS), hostile_values, min_size=1, max_size=6))
    def run(fields: dict[str, str]) -> None:
        if budget.spent():
            return
        data = {**form["hidden"], **details(), **fields}  # type: ignore[dict-item]
        response = post_form(client, f"{form['path']}/send", data)
        body = assert_survived(response, (303, 422))
        if response.status_code == 303:  # sent after all: the next posts need a new result
            form["path"] = screened(client)
            form["hidden"] = open_form(client, form["path"])  # type: ignore[assignment]
            return
        for name in TYPED_FIELDS:
            if name in fields and encodable(fields[name]) and fields[name].strip():
                assert str(escape(fields[name])) in body, name

    run()


FILTER_KEYS = ("screens", "status", "pattern", "from", "to", "flags", "ref", "find", "after")
filter_values = st.one_of(
    hostile_values,
    st.sampled_from([*STATUSES, *PATTERNS, "none", "urgent", "1", "2024-01-01", *DATES]),
)


def test_the_queue_and_its_export_survive_hostile_filters(app: Flask, practitioner_client: Any) -> None:
    sent(app)
    budget = Budget(SECONDS)

    @fuzz_settings(100)
    @given(st.dictionaries(st.sampled_from(FILTER_KEYS), filter_values, max_size=6))
    def run(args: dict[str, str]) -> None:
        if budget.spent():
            return
        assert_survived(get_query(practitioner_client, "/staff/", args), (200,))
        csv = assert_survived(get_query(practitioner_client, "/staff/export.csv", args), (200,))
        assert csv.startswith("reference,")

    run()


def test_search_survives_hostile_text(app: Flask, practitioner_client: Any) -> None:
    sent(app)
    budget = Budget(SECONDS)

    @fuzz_settings(60)
    @given(hostile_text, st.dictionaries(st.sampled_from(FILTER_KEYS), filter_values, max_size=3))
    def run(q: str, kept: dict[str, str]) -> None:
        if budget.spent():
            return
        response = post_form(practitioner_client, "/staff/search", {"q": q, **kept})
        assert_survived(response, (303,))
        assert_survived(practitioner_client.get(response.location), (200,))

    run()


ASSESSMENT_FIELDS = ("primary", "secondary", "tongue_body", "tongue_coating", "tongue_shape", "pulse", "notes")


def test_the_assessment_form_survives_hostile_posts_and_keeps_the_notes(app: Flask, practitioner_client: Any) -> None:
    submission_id = sent(app)
    budget = Budget(SECONDS)

    def version() -> str:
        with app.app_context():
            found = db.session.scalar(select(Review.row_version).where(Review.submission_id == submission_id))
            return str(found or 0)

    @fuzz_settings(100)
    @given(
        st.dictionaries(st.sampled_from(ASSESSMENT_FIELDS), value_or_list, max_size=5),
        st.one_of(st.none(), hostile_values),
    )
    def run(fields: dict[str, Any], row_version: str | None) -> None:
        if budget.spent():
            return
        data = {"row_version": version() if row_version is None else row_version, **fields}
        response = post_form(practitioner_client, f"/staff/submissions/{submission_id}/assessment", data)
        body = assert_survived(response, (303, 409, 422))
        notes = fields.get("notes")
        if response.status_code == 422 and isinstance(notes, str) and encodable(notes) and notes.strip():
            try:
                expected = clean_text(notes, max_length=MAX_NOTES, multiline=True)
            except Refused:
                expected = notes
            assert str(escape(expected)) in body.replace("&#13;", "\r")

    run()


AUDIT_KEYS = ("action", "actor", "outcome", "target", "since", "until", "page")


def test_the_audit_trail_survives_hostile_filters(admin_client: Any) -> None:
    budget = Budget(SECONDS)

    @fuzz_settings(100)
    @given(st.dictionaries(st.sampled_from(AUDIT_KEYS), st.one_of(hostile_values, st.sampled_from(DATES)), max_size=5))
    def run(args: dict[str, str]) -> None:
        if budget.spent():
            return
        body = assert_survived(get_query(admin_client, "/admin/audit", args), (200, 400))
        for key in ("actor", "target"):
            typed = args.get(key)
            if typed and encodable(typed) and typed.strip() and "\n" not in typed and "\r" not in typed:
                assert str(escape(typed)) in body or str(escape(typed.strip())) in body

    run()


def test_the_new_account_form_survives_hostile_addresses(admin_client: Any) -> None:
    budget = Budget(SECONDS)

    @fuzz_settings(50)
    @given(hostile_text, st.one_of(st.sampled_from(["admin", "practitioner"]), hostile_text))
    def run(email: str, role: str) -> None:
        if budget.spent():
            return
        assert_survived(post_form(admin_client, "/admin/users/new", {"email": email, "role": role}), (201, 422))

    run()


def test_the_clinic_settings_survive_hostile_values(app: Flask, admin_client: Any) -> None:
    """Every setting, a country preset and the therapies: a page again (refused, or a preset filled in) or saved, and
    whatever was saved is shown on a patient page."""
    budget = Budget(SECONDS)
    therapies = st.lists(st.one_of(st.sampled_from(THERAPY_CODES), hostile_text), max_size=5)

    @fuzz_settings(60)
    @given(
        st.dictionaries(st.sampled_from(clinic.FIELDS), hostile_values),
        st.one_of(st.none(), therapies),
        st.one_of(st.none(), st.sampled_from(sorted(clinic.PRESETS)), hostile_text),
    )
    def run(values: dict[str, str], ticked: list[str] | None, preset: str | None) -> None:
        if budget.spent():
            return
        form: dict[str, str | list[str]] = {**HARBOUR, **values}
        if ticked is not None:
            form["therapies"] = ticked
        if preset is not None:
            form["preset"] = preset
        response = post_form(admin_client, "/admin/clinic", form)
        assert_survived(response, (200, 303, 422))
        assert_survived(admin_client.get("/"), (200,))

    run()


def test_sign_in_survives_hostile_addresses_and_passwords(app_factory: Any) -> None:
    client = app_factory(
        SIGN_IN_LIMIT_PER_IP="100000 per hour", SIGN_IN_LIMIT_PER_ACCOUNT="100000 per hour"
    ).test_client()
    budget = Budget(SECONDS)

    @fuzz_settings(40)
    @given(hostile_text, hostile_text)
    def run(email: str, password: str) -> None:
        if budget.spent():
            return
        assert_survived(post_form(client, "/staff/sign-in", {"email": email, "password": password}), (400, 401))

    run()


# Headers the app reads, as HTTP can carry them (Latin-1, one line).
header_text = st.text(st.characters(max_codepoint=255, exclude_characters="\r\n"), max_size=80)
HEADERS = ("Accept-Language", "Accept", "If-None-Match", "X-Forwarded-For", "Idempotency-Key", "Content-Type")
PAGES = ("/", "/privacy", "/api/v1/questionnaire", "/api/v1/assessments/x", "/health", "/staff/sign-in")


def test_pages_survive_hostile_headers(app_factory: Any) -> None:
    client = app_factory(PROXY_COUNT=1).test_client()
    budget = Budget(SECONDS)

    @fuzz_settings(60)
    @given(st.sampled_from(PAGES), st.dictionaries(st.sampled_from(HEADERS), header_text, max_size=4))
    def run(page: str, headers: dict[str, str]) -> None:
        if budget.spent():
            return
        assert_survived(client.get(page, headers=headers), (200, 304, 404))
        posted = client.post("/api/v1/assessments", data=b"{}", headers=headers)
        assert_survived(posted, (400, 422))

    run()


def test_the_second_factor_and_password_forms_survive_hostile_input(app: Flask, app_factory: Any) -> None:
    limits = {"SIGN_IN_LIMIT_PER_IP": "100000 per hour", "SIGN_IN_LIMIT_PER_ACCOUNT": "100000 per hour"}
    two_factor = app_factory(REQUIRE_TWO_FACTOR=True, **limits)
    pending = two_factor.test_client()
    sign_in(pending, enrolled(two_factor).email)
    staff = signed_in(app, add_user(app, email="changer@clinic.test"))
    budget = Budget(SECONDS)

    @fuzz_settings(50)
    @given(
        st.one_of(hostile_values, st.sampled_from(NUMBERS)),
        st.dictionaries(st.sampled_from(("current", "new", "confirm")), hostile_values),
    )
    def run(code: str, passwords: dict[str, str]) -> None:
        if budget.spent():
            return
        assert_survived(post_form(pending, "/staff/two-factor", {"code": code}), (200, 401))
        assert_survived(post_form(staff, "/staff/password", passwords), (200, 422))

    run()
