"""Intake before a first visit, as a browser without JavaScript uses it: send, consent, withdraw, resume."""

from __future__ import annotations

import html
import re
import threading
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from app import personal_data
from app.intake import privacy, service
from app.intake.service import Consent, ConsentMissing, ContactDetails, NotWithdrawable
from app.models import AuditEvent, Contact, Review, StatusChange, Submission, utcnow
from app.web.extensions import db
from tests.answers import typical_answers
from tests.conftest import make_app, make_user
from tests.functional.patient.test_wizard import form_data, start, step_url
from tests.functional.web.test_database import CLOSED_PORT_URL
from tests.intake import EMAIL, MESSAGE, NAME, PHONE_E164, details, hidden_fields, open_form, screened, send, sent


@pytest.fixture
def configured(app: Flask, app_factory):  # type: ignore[no-untyped-def]
    """Build an app with other settings; the rows it writes are removed with the ``app`` fixture's."""
    return app_factory


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def only_submission() -> Submission:
    submission = db.session.scalar(select(Submission))
    assert submission is not None
    return submission


def page_of(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


# Sending to the clinic


def test_the_result_page_offers_to_send_it_to_the_clinic(client: FlaskClient) -> None:
    path = screened(client)
    page = client.get(path).get_data(as_text=True)
    assert "Send this to the clinic" in page
    assert f'href="{path}/send"' in page
    form = client.get(f"{path}/send").get_data(as_text=True)
    assert "Send your result to the clinic" in form
    consent = re.search(r'<input[^>]*id="consent"[^>]*>', form)
    assert consent is not None and "checked" not in consent.group(0)
    assert privacy.VERSION in form
    for heading in ("What we store", "Who sees it", "How long we keep it", "How to withdraw"):
        assert heading in form


def test_an_urgent_result_keeps_its_advice_first_on_the_result_and_on_the_form(client: FlaskClient) -> None:
    token = start(client)
    data = {**form_data("safety", typical_answers()), "rf_nerves": ["saddle_numbness"], "rf_nerves_when": "new"}
    path = client.post(step_url(token, "safety"), data=data).location
    page = client.get(path).get_data(as_text=True)
    assert page.index("Get medical help now") < page.index("Send this to the clinic")
    assert "Please follow the advice above first" in page
    form = client.get(f"{path}/send").get_data(as_text=True)
    assert form.index("Get medical help now") < form.index("Send your result to the clinic</h1>")
    assert "does not replace this advice" in form


def test_sending_makes_an_intake_with_consent_recorded(app: Flask, client: FlaskClient) -> None:
    path = screened(client)
    before = utcnow()
    response = send(client, path)
    assert response.status_code == 303
    assert response.location == f"{path}#status"
    with app.app_context():
        submission = only_submission()
        assert submission.kind == "intake"
        assert submission.status == "new"
        assert submission.intake_at is not None and before <= submission.intake_at <= utcnow()
        contact = submission.contact
        assert contact is not None
        assert contact.consent_version == privacy.VERSION
        assert before <= contact.consent_at <= utcnow()
        shown = personal_data.contact_details(submission)
        assert shown is not None
        assert shown["signature"] == NAME
        assert shown["name"] == NAME
        assert shown["date_of_birth"] == "1980-03-27"
        assert shown["phone"] == PHONE_E164
        assert shown["phone_display"] == "+44 7400 123456"
        assert shown["email"] == EMAIL.lower()
        assert shown["preferred_contact"] == "phone"
        assert shown["preferred_times"] == ["weekday_morning", "weekend"]
        assert shown["message"] == MESSAGE
        assert shown["consent_version"] == privacy.VERSION
    page = client.get(path).get_data(as_text=True)
    assert "Sent to the clinic" in page
    assert "Received. A practitioner will look at it" in page
    assert f'href="{path}/withdraw"' in page
    assert "Send this to the clinic</a>" not in page
    # Nothing personal in any address the person was sent to or is offered.
    for value in (NAME, "Ann", EMAIL.lower(), "7400", "1980"):
        assert value not in response.location
        assert not re.search(rf'href="[^"]*{re.escape(value)}', page)


def test_the_form_for_a_submission_already_sent_leads_to_its_status(client: FlaskClient) -> None:
    path = sent(client)
    response = client.get(f"{path}/send")
    assert response.status_code == 303
    assert response.location == f"{path}#status"


def test_unknown_results_have_no_form(client: FlaskClient) -> None:
    assert client.get("/result/unknown/send").status_code == 404
    assert client.post("/result/unknown/send", data=details()).status_code == 404
    assert client.get("/result/unknown/withdraw").status_code == 404


# Consent


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": None}, "Please tick the box to agree, or the clinic cannot receive your details."),
        ({"signature": ""}, "Please type your full name to sign."),
        ({"signature": "A. Lee"}, "Please type your full name exactly as you gave it above."),
        ({"notice_version": "2020-01.1"}, "The privacy notice has changed since you opened this page."),
    ],
    ids=["unticked", "unsigned", "signature-differs", "old-notice"],
)
def test_consent_is_required(app: Flask, client: FlaskClient, changes: dict[str, str | None], message: str) -> None:
    path = screened(client)
    response = send(client, path, **changes)
    assert response.status_code == 422
    page = page_of(response)
    assert message in page
    assert f'value="{NAME}"' in page
    with app.app_context():
        assert count(Contact) == 0
        assert only_submission().kind == "screen"


def test_a_changed_notice_unticks_the_box_and_shows_the_current_version(client: FlaskClient) -> None:
    path = screened(client)
    page = page_of(send(client, path, notice_version="2020-01.1"))
    consent = re.search(r'<input[^>]*id="consent"[^>]*>', page)
    assert consent is not None and "checked" not in consent.group(0)
    assert f'name="notice_version" type="hidden" value="{privacy.VERSION}"' in page


def test_a_signature_matches_the_name_whatever_the_case_and_spacing(client: FlaskClient) -> None:
    path = screened(client)
    assert send(client, path, signature="  ann   lee-WONG ").status_code == 303


def test_the_service_refuses_intake_without_consent(app: Flask, client: FlaskClient) -> None:
    screened(client)
    contact = ContactDetails(NAME, None, 44, PHONE_E164, None, "phone", (), "")
    with app.app_context():
        submission = only_submission()
        for consent in (
            Consent(notice_version=privacy.VERSION, signature="  ", at=utcnow()),
            Consent(notice_version="old", signature=NAME, at=utcnow()),
        ):
            with pytest.raises(ConsentMissing):
                service.send_to_clinic(submission, contact, consent, form_token="t")
        db.session.rollback()
        assert count(Contact) == 0


# Contact details: every case has a clear message, and nothing typed is lost


@pytest.mark.parametrize(
    ("changes", "anchor", "message"),
    [
        ({"full_name": "  "}, "full_name", "Please enter your full name."),
        ({"full_name": "A" * 101}, "full_name", "Please keep your name to 100 characters or fewer."),
        ({"dob_day": "", "dob_month": "", "dob_year": ""}, "dob_day", "Please give your date of birth or your age."),
        ({"dob_month": ""}, "dob_day", "Please give the day, month and year of your date of birth."),
        ({"dob_month": "March"}, "dob_day", "Please use numbers for your date of birth, for example 27 3 1980."),
        ({"dob_year": "80"}, "dob_day", "Please give the year of your date of birth with four digits, like 1980."),
        ({"dob_day": "31", "dob_month": "2"}, "dob_day", "Please enter a real date of birth, for example 27 3 1980."),
        ({"dob_year": "2999"}, "dob_day", "Your date of birth must be in the past."),
        ({"dob_year": "1850"}, "dob_day", "Please check the year of your date of birth."),
        ({"age": "forty"}, "age", "Please give your age as a whole number from 1 to 120."),
        ({"age": "130"}, "age", "Please give your age as a whole number from 1 to 120."),
        (
            {"phone": "", "email": ""},
            "phone",
            "Please give a phone number or an email address (or both), so the clinic can reach you.",
        ),
        (
            {"phone": "12345"},
            "phone",
            "Please enter a phone number like 07400 123456, or with the country code, like +44 7400 123456.",
        ),
        (
            {"phone": "call me maybe"},
            "phone",
            "Please enter a phone number like 07400 123456, or with the country code, like +44 7400 123456.",
        ),
        ({"email": "ann.example.com"}, "email", "Please enter an email address like name@example.com."),
        ({"email": "ann@@example.com"}, "email", "Please enter an email address like name@example.com."),
        ({"email": "ann@localhost"}, "email", "Please enter an email address like name@example.com."),
        ({"preferred_contact": None}, "q-preferred_contact", "Please choose how the clinic should contact you."),
        ({"preferred_contact": "pigeon"}, "q-preferred_contact", "Please choose how the clinic should contact you."),
        (
            {"preferred_contact": "phone", "phone": ""},
            "phone",
            "You chose a phone call: please give your phone number.",
        ),
        (
            {"preferred_contact": "sms", "phone": ""},
            "phone",
            "You chose text messages: please give your mobile number.",
        ),
        (
            {"preferred_contact": "sms", "phone": "020 7183 8750"},
            "phone",
            "Text messages need a mobile number: please give one, or choose another way to be contacted.",
        ),
        ({"preferred_contact": "email", "email": ""}, "email", "You chose email: please give your email address."),
        (
            {"preferred_times": ["weekday_morning", "midnight"]},
            "q-preferred_times",
            "Please choose from the times shown.",
        ),
        ({"message": "x" * 1001}, "message", "Please keep your message to 1,000 characters or fewer."),
    ],
)
def test_each_invalid_detail_gets_a_clear_message_and_everything_typed_is_kept(
    app: Flask, client: FlaskClient, changes: dict[str, object], anchor: str, message: str
) -> None:
    path = screened(client)
    response = send(client, path, **changes)
    assert response.status_code == 422
    page = page_of(response)
    assert 'id="error-summary"' in page
    assert f'href="#{anchor}"' in page
    assert page.count(message) == 2  # in the summary, and beside the field
    typed = details(**changes)
    for name in ("full_name", "dob_day", "dob_month", "dob_year", "age", "phone", "email", "signature"):
        if typed.get(name):
            assert f'value="{typed[name]}"' in page, name
    if typed.get("message"):
        assert f">{typed['message']}</textarea>" in page
    if typed.get("preferred_contact") in ("phone", "sms", "email"):
        assert re.search(rf'id="preferred_contact-{typed["preferred_contact"]}"[^>]*checked', page)
    assert re.search(r'id="preferred_times-weekday_morning"[^>]*checked', page)
    assert re.search(r'id="consent"[^>]*checked', page)
    with app.app_context():
        assert count(Contact) == 0


def test_a_problem_is_tied_to_its_field_for_screen_readers(client: FlaskClient) -> None:
    path = screened(client)
    page = page_of(send(client, path, email="nope"))
    assert re.search(r'<input[^>]*id="email"[^>]*aria-describedby="error-email"[^>]*aria-invalid="true"', page)
    assert re.search(r'<input[^>]*id="phone"(?![^>]*aria-invalid)[^>]*>', page)


@pytest.mark.parametrize(
    ("changes", "stored"),
    [
        ({"phone": "+1 415 555 2671"}, {"phone": "+14155552671"}),
        ({"phone": "0044 7400 123456"}, {"phone": PHONE_E164}),
        ({"phone": "(07400) 123-456"}, {"phone": PHONE_E164}),
        ({"phone": "", "preferred_contact": "email"}, {"phone": None, "email": EMAIL.lower()}),
        ({"email": "", "preferred_contact": "sms"}, {"email": None, "preferred_contact": "sms"}),
        ({"dob_day": "", "dob_month": "", "dob_year": "", "age": "44"}, {"date_of_birth": None, "age": 44}),
        ({"dob_day": "01", "dob_month": "02", "dob_year": "1999"}, {"date_of_birth": "1999-02-01", "age": None}),
        ({"preferred_times": None, "message": ""}, {"preferred_times": [], "message": ""}),
        ({"full_name": "王 小明", "signature": "王 小明"}, {"name": "王 小明"}),
    ],
)
def test_valid_details_in_their_usual_forms_are_accepted_and_stored_canonically(
    app: Flask, client: FlaskClient, changes: dict[str, object], stored: dict[str, object]
) -> None:
    path = screened(client)
    assert send(client, path, **changes).status_code == 303
    with app.app_context():
        shown = personal_data.contact_details(only_submission())
        assert shown is not None
        for key, value in stored.items():
            assert shown[key] == value, key


def test_numbers_without_a_country_code_are_read_in_the_configured_region(configured) -> None:
    app = configured(PHONE_REGION="US")
    client = app.test_client()
    path = screened(client)
    page = page_of(send(client, path, phone="07400 123456"))
    assert "like (201) 555-0123, or with the country code, like +1 201-555-0123." in page
    assert send(client, path, phone="(415) 555-2671").status_code == 303
    with app.app_context():
        shown = personal_data.contact_details(only_submission())
        assert shown is not None and shown["phone"] == "+14155552671"


# Anti-automation: honeypot, minimum time, signed form token, rate limits


def test_a_filled_honeypot_is_refused_gently_and_nothing_typed_is_lost(app: Flask, client: FlaskClient) -> None:
    path = screened(client)
    hidden = open_form(client, path)
    response = send(client, path, hidden, website="https://spam.example")
    assert response.status_code == 422
    page = page_of(response)
    assert "Something about this form looked automated" in page
    assert f'value="{NAME}"' in page and f'value="{EMAIL}"' in page and f">{MESSAGE}</textarea>" in page
    assert "spam.example" not in page
    with app.app_context():
        assert count(Contact) == 0
    # A person filled in by a browser's autofill by mistake just sends it again.
    assert send(client, path, hidden).status_code == 303


def test_a_form_sent_too_quickly_is_refused_gently_and_can_be_sent_again(configured) -> None:
    app = configured(INTAKE_MIN_SECONDS=5)
    client = app.test_client()
    path = screened(client)
    with time_machine.travel(utcnow(), tick=False) as traveller:
        hidden = open_form(client, path)
        traveller.shift(timedelta(seconds=2))
        response = send(client, path, hidden)
        assert response.status_code == 422
        page = page_of(response)
        assert "That was quicker than we expected" in page
        assert f'value="{NAME}"' in page and f">{MESSAGE}</textarea>" in page
        with app.app_context():
            assert count(Contact) == 0
        traveller.shift(timedelta(seconds=4))
        assert send(client, path, hidden_fields(page)).status_code == 303
    with app.app_context():
        assert count(Contact) == 1


@pytest.mark.parametrize("token", ["", "tampered.token.value"], ids=["missing", "tampered"])
def test_a_missing_or_altered_form_token_asks_to_send_again(app: Flask, client: FlaskClient, token: str) -> None:
    path = screened(client)
    hidden = {**open_form(client, path), "form_token": token}
    response = send(client, path, hidden)
    assert response.status_code == 422
    page = page_of(response)
    assert "This page had expired" in page
    assert f'value="{NAME}"' in page
    with app.app_context():
        assert count(Contact) == 0
    assert send(client, path, hidden_fields(page)).status_code == 303


def test_sending_is_rate_limited_and_the_refusal_keeps_the_details(configured) -> None:
    app = configured(INTAKE_SEND_LIMIT="2 per minute")
    client = app.test_client()
    path = screened(client)
    for _ in range(2):
        assert send(client, path, email="not-an-address").status_code == 422
    response = send(client, path)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = page_of(response)
    assert "please wait a few minutes, then press Send again" in page
    assert f'value="{NAME}"' in page and f'value="{EMAIL}"' in page and f">{MESSAGE}</textarea>" in page
    with app.app_context():
        assert count(Contact) == 0


def test_starting_and_saving_steps_are_rate_limited(configured) -> None:
    app = configured(SCREENING_START_LIMIT="2 per minute", SCREENING_STEP_LIMIT="3 per minute")
    client = app.test_client()
    token = start(client)
    start(client)
    refused = client.post("/start")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    for _ in range(3):
        assert client.post(step_url(token, "safety"), data={}).status_code == 422
    assert client.post(step_url(token, "safety"), data={}).status_code == 429


def test_withdrawing_is_rate_limited(configured) -> None:
    app = configured(INTAKE_WITHDRAW_LIMIT="1 per minute")
    client = app.test_client()
    path = sent(client)
    assert client.post(f"{path}/withdraw").status_code == 303
    response = client.post(f"{path}/withdraw")
    assert response.status_code == 429
    assert "Please wait a few minutes" in response.get_data(as_text=True)


# Idempotency: one intake however often the form is posted


def test_a_double_submit_stores_one_intake(app: Flask, client: FlaskClient) -> None:
    path = screened(client)
    hidden = open_form(client, path)
    first = send(client, path, hidden)
    second = send(client, path, hidden)
    assert first.status_code == second.status_code == 303
    assert first.location == second.location == f"{path}#status"
    with app.app_context():
        assert count(Contact) == 1
        assert only_submission().row_version == 2  # written once after the screening, never again


def test_another_form_for_a_sent_submission_changes_nothing_and_says_so(app: Flask, client: FlaskClient) -> None:
    path = screened(client)
    other_tab = open_form(client, path)
    assert send(client, path).status_code == 303
    response = send(client, path, other_tab, phone="+1 415 555 2671")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This was already sent to the clinic" in page
    assert "were not sent again" in page
    with app.app_context():
        assert count(Contact) == 1
        shown = personal_data.contact_details(only_submission())
        assert shown is not None and shown["phone"] == PHONE_E164


def test_concurrent_submits_of_one_form_store_one_intake(app: Flask) -> None:
    path = screened(app.test_client())
    hidden = open_form(app.test_client(), path)
    clients = [app.test_client() for _ in range(6)]
    barrier = threading.Barrier(len(clients))
    responses: list[object] = []
    errors: list[BaseException] = []

    def post(client: FlaskClient) -> None:
        try:
            barrier.wait(timeout=30)
            responses.append(send(client, path, hidden))
        except BaseException as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert [r.status_code for r in responses] == [303] * len(clients)  # type: ignore[attr-defined]
    assert {r.location for r in responses} == {f"{path}#status"}  # type: ignore[attr-defined]
    with app.app_context():
        assert count(Contact) == 1
        assert count(Submission) == 1


def test_concurrent_submits_of_different_forms_store_one_intake(app: Flask) -> None:
    path = screened(app.test_client())
    clients = [app.test_client() for _ in range(4)]
    forms = [open_form(c, path) for c in clients]
    barrier = threading.Barrier(len(clients))
    codes: list[int] = []

    def post(client: FlaskClient, hidden: dict[str, str]) -> None:
        barrier.wait(timeout=30)
        codes.append(send(client, path, hidden).status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes) == [200, 200, 200, 303]  # one sent; the others told it was already sent
    with app.app_context():
        assert count(Contact) == 1


def test_a_database_outage_keeps_everything_typed_and_asks_to_retry(client: FlaskClient) -> None:
    path = screened(client)
    hidden = open_form(client, path)
    down = make_app(CLOSED_PORT_URL)
    response = send(down.test_client(), path, hidden)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    page = page_of(response)
    assert "We could not send this just now" in page
    assert f'value="{NAME}"' in page and f">{MESSAGE}</textarea>" in page
    assert hidden["form_token"] in page  # the same key, so the retry cannot make a second intake
    # The retry, once the database is back, goes through once.
    assert send(client, path, hidden).status_code == 303


# Withdraw and erase


def all_rows_as_text(app: Flask) -> str:
    """Every row of every table, read with plain SQL, as one string: what a raw database dump would show."""
    chunks = []
    with app.app_context(), db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(text(f"SELECT * FROM {table.name}")):  # table names from the models
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("latin-1")
                    chunks.append(str(value))
    return "\n".join(chunks)


def test_withdrawing_erases_the_personal_data_and_answers(app: Flask, client: FlaskClient) -> None:
    path = sent(client)
    with app.app_context():
        submission = only_submission()
        submission_id = submission.id
        reference = submission.reference
    confirm = client.get(f"{path}/withdraw")
    assert confirm.status_code == 200
    assert "It cannot be undone" in confirm.get_data(as_text=True)
    with app.app_context():
        assert only_submission().status == "new"  # the confirmation page itself changes nothing

    response = client.post(f"{path}/withdraw")
    assert response.status_code == 303
    assert response.location == path
    page = client.get(path).get_data(as_text=True)
    assert "Withdrawn and erased" in page
    assert reference in page
    assert "Kidney Deficiency" not in page

    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM contact")).scalar() == 0
        row = conn.execute(
            text("SELECT kind, status, answers, result, urgent, primary_pattern, withdrawn_at FROM submission")
        ).one()
        assert row.kind == "intake" and row.status == "withdrawn" and row.withdrawn_at is not None
        assert row.answers in ("{}", {})
        assert row.result in ('{"erased": true}', {"erased": True})
        assert not row.urgent and row.primary_pattern is None
        audit = conn.execute(text("SELECT action, target, actor_id, ip, detail FROM audit_event")).all()
        assert [(a.action, a.target, a.actor_id, a.ip) for a in audit] == [
            ("erase", f"submission:{submission_id}", None, None)
        ]
    dump = all_rows_as_text(app)
    for personal in (NAME, "Lee", EMAIL, EMAIL.lower(), "7400", "123456", "1980-03-27", MESSAGE):
        assert personal not in dump, personal
    for answer in ("dull_ache", "weak_knees", "kidney_deficiency", "over_12_weeks"):
        assert answer not in dump, answer


def test_a_repeated_withdraw_is_harmless(app: Flask, client: FlaskClient) -> None:
    path = sent(client)
    assert client.post(f"{path}/withdraw").status_code == 303
    assert client.post(f"{path}/withdraw").status_code == 303
    assert client.get(f"{path}/withdraw").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "erase")) == 1


def test_a_withdrawn_submission_cannot_be_sent_again(app: Flask, client: FlaskClient) -> None:
    path = screened(client)
    hidden, other_tab = open_form(client, path), open_form(client, path)
    assert send(client, path, hidden).status_code == 303
    assert client.post(f"{path}/withdraw").status_code == 303
    assert client.get(f"{path}/send").status_code == 303
    assert send(client, path, hidden).status_code == 303
    assert send(client, path, other_tab).status_code == 303
    with app.app_context():
        assert count(Contact) == 0


def test_a_closed_case_can_no_longer_be_withdrawn_by_the_person(app: Flask, client: FlaskClient) -> None:
    path = sent(client)
    with app.app_context():
        only_submission().status = "closed"
        db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert f'href="{path}/withdraw"' not in page
    assert "contact the clinic and quote your reference code" in page
    response = client.post(f"{path}/withdraw")
    assert response.status_code == 409
    assert "can no longer be withdrawn here" in response.get_data(as_text=True)
    with app.app_context():
        assert count(Contact) == 1
        with pytest.raises(NotWithdrawable):
            service.withdraw(only_submission())


def test_a_plain_screen_is_not_withdrawn_as_an_intake(client: FlaskClient) -> None:
    path = screened(client)
    assert client.get(f"{path}/withdraw").status_code == 303
    assert client.post(f"{path}/withdraw").status_code == 409


def test_staff_erase_on_request_does_the_same_and_names_the_staff_member(app: Flask, client: FlaskClient) -> None:
    path = sent(client)
    with app.app_context():
        staff = make_user(email="admin@clinic.test", role="admin")
        submission = only_submission()
        submission.status = "closed"  # erasure on request is possible at any stage
        db.session.add(Review(submission=submission, notes="Tongue pale, pulse deep.", rules_version="1"))
        db.session.commit()
        personal_data.erase_submission(submission, staff)
        db.session.commit()
        erased = only_submission()
        assert erased.status == "withdrawn" and erased.contact is None and erased.review is None
        assert [(c.from_status, c.to_status, c.user_id) for c in erased.status_changes] == [
            ("closed", "withdrawn", staff.id)
        ]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "erase"))
        assert event is not None
        assert (event.actor_id, event.actor_email, event.target) == (staff.id, staff.email, f"submission:{erased.id}")
        assert event.detail == {"by": "staff", "at_status": "closed"}
        assert count(Review) == 0
        assert count(StatusChange) == 1
    dump = all_rows_as_text(app)
    for personal in (NAME, EMAIL.lower(), "Tongue pale", MESSAGE):
        assert personal not in dump
    assert client.get(path).status_code == 200


def test_the_practitioner_queue_shows_a_withdrawn_submission_without_personal_data(
    app: Flask, client: FlaskClient, practitioner_client: FlaskClient
) -> None:
    path = sent(client)
    client.post(f"{path}/withdraw")
    with app.app_context():
        reference = only_submission().reference
    page = practitioner_client.get("/staff/").get_data(as_text=True)
    assert reference in page
    assert "withdrawn" in page
    assert NAME not in page and EMAIL.lower() not in page


# Saving and resuming a questionnaire


def test_each_step_shows_its_private_resume_link_ready_to_copy(client: FlaskClient) -> None:
    token = start(client)
    page = client.get(step_url(token, "pain")).get_data(as_text=True)
    assert re.search(rf'<input[^>]*id="resume-url"[^>]*readonly[^>]*value="http://localhost/check/{token}"', page)
    assert 'data-copy="resume-url"' in page
    assert "Finish later, here or on another device" in page


def test_the_start_page_shows_the_resume_link_of_a_questionnaire_in_progress(client: FlaskClient) -> None:
    assert 'id="resume-url"' not in client.get("/").get_data(as_text=True)
    token = start(client)
    page = client.get("/").get_data(as_text=True)
    assert "Continue where you left off" in page
    assert f'value="http://localhost/check/{token}"' in page


def test_a_questionnaire_resumes_on_another_client_at_the_first_unanswered_step(app: Flask) -> None:
    phone, laptop = app.test_client(), app.test_client()
    answers = typical_answers()
    token = start(phone)
    for section in ("safety", "pain"):
        assert phone.post(step_url(token, section), data=form_data(section, answers)).status_code == 303
    response = laptop.get(f"/check/{token}")
    assert response.status_code == 302
    assert response.location == step_url(token, "triggers")
    pain = laptop.get(step_url(token, "pain")).get_data(as_text=True)
    assert re.search(r'id="pain_feel-dull_ache"[^>]*checked', pain)
    # The laptop finishes; the phone's link then leads to the same result rather than a second submission.
    location = response.location
    while location.startswith("/check/"):
        section = location.rsplit("/", 1)[1]
        location = laptop.post(location, data=form_data(section, answers)).location
    assert location.startswith("/result/")
    again = phone.post(step_url(token, "pain"), data=form_data("pain", answers))
    assert again.location == location
    with app.app_context():
        assert count(Submission) == 1


def test_the_privacy_notice_has_its_own_page_with_the_configured_periods(app_factory) -> None:
    app = app_factory(INTAKE_RETENTION_DAYS=400, SCREEN_RETENTION_DAYS=14)
    page = app.test_client().get("/privacy").get_data(as_text=True)
    assert "400 days after the clinic closes your case" in page
    assert "deleted after 14 days" in page
    assert f"Privacy notice version {privacy.VERSION}" in page
    start_page = app.test_client().get("/").get_data(as_text=True)
    assert "plain self-checks are deleted after 14 days" in start_page


def test_intake_pages_are_not_cached_and_allow_no_inline_script(client: FlaskClient) -> None:
    path = sent(client)
    for url in (f"{path}/withdraw", "/privacy", path):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-store"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        body = response.get_data(as_text=True)
        assert "<script>" not in body and " style=" not in body


def test_csrf_protects_sending_and_withdrawing(app_factory) -> None:
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/result/anything/send", data=details()).status_code == 400
    assert client.post("/result/anything/withdraw").status_code == 400
