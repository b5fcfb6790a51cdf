"""The review queue: order, filters, search through the keyed hashes, counts per status, keyset pages, audit."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Submission
from app.personal_data import erase_submission
from app.review import queue
from app.web.extensions import db
from tests.practitioner import COLD_DAMP, URGENT, audit_events, reference_of, references, sent, stored

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def page(client: FlaskClient, **args: str) -> str:
    response = client.get("/staff/", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def refs(app: Flask, *ids: int) -> list[str]:
    return [reference_of(app, i) for i in ids]


def test_intake_only_by_default_urgent_first_then_newest(app, practitioner_client):
    old = sent(app, created_at=T0)
    new = sent(app, created_at=T0 + timedelta(days=2))
    urgent_old = sent(app, URGENT, created_at=T0 - timedelta(days=30))
    screen = stored(app, created_at=T0 + timedelta(days=5))
    screen_urgent = stored(app, URGENT, created_at=T0 + timedelta(days=1))

    assert references(page(practitioner_client)) == refs(app, urgent_old, new, old)
    everything = references(page(practitioner_client, screens="1"))
    assert everything == refs(app, screen_urgent, urgent_old, screen, new, old)


def test_open_work_comes_first_then_closed_and_withdrawn_cases(app, practitioner_client):
    open_old = sent(app, created_at=T0, status="seen")
    urgent_open = sent(app, URGENT, created_at=T0 - timedelta(days=3), status="contacted")
    newest_closed = sent(app, created_at=T0 + timedelta(days=9), status="closed")
    urgent_closed = sent(app, URGENT, created_at=T0 + timedelta(days=8), status="closed")
    withdrawn = sent(app, created_at=T0 + timedelta(days=7), status="withdrawn")
    open_new = sent(app, created_at=T0 + timedelta(days=1))

    text = page(practitioner_client)
    assert references(text) == refs(app, urgent_open, open_new, open_old, urgent_closed, newest_closed, withdrawn)
    # One heading between the open cases and the rest.
    assert text.count("Closed and withdrawn cases") == 1
    assert text.index(reference_of(app, open_old)) < text.index("Closed and withdrawn cases")
    assert text.index("Closed and withdrawn cases") < text.index(reference_of(app, urgent_closed))
    # Under their own filter, closed cases are the whole list, in the same order.
    assert references(page(practitioner_client, status="closed")) == refs(app, urgent_closed, newest_closed)


def test_filters_by_status_pattern_date_and_red_flags(app, practitioner_client):
    kidney_new = sent(app, created_at=T0)
    cold_booked = sent(app, COLD_DAMP, created_at=T0 + timedelta(days=1), status="booked")
    urgent_new = sent(app, URGENT, created_at=T0 + timedelta(days=10))
    cold_screen = stored(app, COLD_DAMP, created_at=T0 + timedelta(days=3))

    c = practitioner_client
    assert references(page(c, status="booked")) == refs(app, cold_booked)
    assert references(page(c, status="new")) == refs(app, urgent_new, kidney_new)
    assert references(page(c, pattern="cold_damp")) == refs(app, cold_booked)
    assert references(page(c, pattern="cold_damp", screens="1")) == refs(app, cold_screen, cold_booked)
    assert references(page(c, pattern="none")) == refs(app, urgent_new)
    assert references(page(c, flags="urgent")) == refs(app, urgent_new)
    assert references(page(c, flags="none")) == refs(app, cold_booked, kidney_new)
    assert references(page(c, pattern="kidney_deficiency", flags="urgent")) == []
    # Dates are whole UTC days, both ends included.
    assert references(page(c, **{"from": "2026-03-03", "to": "2026-03-12"})) == refs(app, urgent_new, cold_booked)
    assert references(page(c, **{"from": "2026-03-02", "to": "2026-03-02"})) == refs(app, kidney_new)
    assert references(page(c, status="new", flags="none", **{"to": "2026-03-05"})) == refs(app, kidney_new)


def test_unknown_filter_values_are_ignored_and_said_so(app, practitioner_client):
    one = sent(app)
    text = page(practitioner_client, status="lost", pattern="<b>x</b>", flags="maybe", **{"from": "yesterday"})
    assert references(text) == refs(app, one)
    assert "Unknown status ignored." in text
    assert "Unknown pattern ignored." in text
    assert "not a date" in text
    assert "<b>x</b>" not in text


def test_counts_per_status_are_the_intake_workload(app, practitioner_client):
    sent(app)
    sent(app, status="contacted")
    sent(app, status="contacted")
    stored(app)
    for text in (page(practitioner_client), page(practitioner_client, screens="1", status="booked")):
        # Self-screens have no workflow, so they are not counted, whatever the list shows.
        assert "New (1)" in text
        assert "Contacted (2)" in text
        assert "Booked (0)" in text


def search(client: FlaskClient, text: str, **filters: str) -> tuple[str, dict[str, list[str]]]:
    """Post the search form; return the redirect's location and its query arguments."""
    response = client.post("/staff/search", data={"q": text, **filters})
    assert response.status_code == 303
    location = response.location
    return location, parse_qs(urlsplit(location).query)


def test_large_counts_are_capped(app, practitioner_client, monkeypatch):
    monkeypatch.setattr(queue, "COUNT_CAP", 2)
    for _ in range(3):
        sent(app)
    sent(app, status="booked")
    sent(app, status="booked")
    text = page(practitioner_client)
    assert "New (2+)" in text
    assert "Booked (2)" in text
    assert "Seen (0)" in text
    assert queue.count_label(1234) == "2+"
    monkeypatch.setattr(queue, "COUNT_CAP", 1000)
    assert queue.count_label(1234) == "1,000+"
    assert queue.count_label(999) == "999"


def test_search_by_reference_in_any_usual_form(app, practitioner_client):
    wanted = sent(app)
    sent(app, name="Someone Else", email="else@example.com", phone="+447400999888")
    reference = reference_of(app, wanted)
    for typed in (reference, reference.lower(), reference.replace("-", " ")[4:], " " + reference[4:] + " "):
        location, args = search(practitioner_client, typed)
        assert args["ref"] == [reference]
        assert references(practitioner_client.get(location).get_data(as_text=True)) == [reference]


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ("  ann   LEE-wong ", "name"),
        ("Ann.Lee@Example.COM", "email"),
        ("07400 123456", "phone"),
        ("+44 7400 123456", "phone"),
    ],
)
def test_search_by_name_email_or_phone_keeps_them_out_of_the_url(app, practitioner_client, typed, field):
    wanted = sent(app, name="Ann Lee-Wong", email="ann.lee@example.com", phone="+447400123456")
    sent(app, name="Ann Lee", email="ann@example.com", phone="+447400123457")
    location, args = search(practitioner_client, typed)
    kind, _, digest = args["find"][0].partition(".")
    assert kind == field
    assert len(digest) == 64
    for part in ("ann", "lee", "example", "7400", "123456"):
        assert part not in location.lower()
    text = practitioner_client.get(location).get_data(as_text=True)
    assert references(text) == refs(app, wanted)
    assert f"match the {field} searched for (exact match)" in text


def test_search_is_exact_and_keeps_the_other_filters(app, practitioner_client):
    booked = sent(app, name="Ann Lee-Wong", status="booked")
    sent(app, name="Ann Lee-Wong", email="other@example.com", phone=None)
    _, args = search(practitioner_client, "Ann Lee", status="booked")
    assert references(practitioner_client.get("/staff/", query_string=args).get_data(as_text=True)) == []
    location, args = search(practitioner_client, "ann lee-wong", status="booked")
    assert args["status"] == ["booked"]
    assert references(practitioner_client.get(location).get_data(as_text=True)) == refs(app, booked)


def test_a_name_that_spells_a_reference_code_is_searched_as_a_name(app, practitioner_client):
    # "Mary Kate" uses only letters of the code alphabet, but no submission has the code LBP-MARY-KATE.
    wanted = sent(app, name="Mary Kate")
    _, args = search(practitioner_client, "Mary Kate")
    assert args["find"][0].startswith("name.")
    assert references(practitioner_client.get("/staff/", query_string=args).get_data(as_text=True)) == refs(app, wanted)


def test_unreadable_phone_numbers_are_explained(app, practitioner_client):
    response = practitioner_client.post("/staff/search", data={"q": "12 34 56"}, follow_redirects=True)
    assert "not an email address or phone number" in response.get_data(as_text=True)
    response = practitioner_client.post("/staff/search", data={"q": "ann@"}, follow_redirects=True)
    assert "not an email address or phone number" in response.get_data(as_text=True)


def test_a_damaged_search_link_is_ignored(app, practitioner_client):
    sent(app)
    text = page(practitioner_client, find="name.not-a-digest", ref="nonsense")
    assert "search link is damaged" in text
    assert "not a reference code" in text
    assert len(references(text)) == 1


def test_withdrawn_submissions_show_withdrawn_and_no_personal_data(app, practitioner_client):
    gone = sent(app, name="Zed Withdrawn-Person")
    with app.app_context():
        submission = db.session.get(Submission, gone)
        assert submission is not None
        erase_submission(submission, None)
        db.session.commit()
    text = page(practitioner_client)
    assert references(text) == refs(app, gone)
    assert "Withdrawn: personal data erased" in text
    assert "Zed" not in text


def test_names_are_shown_and_escaped(app, practitioner_client):
    sent(app, name='<img src=x onerror="alert(1)">')
    text = page(practitioner_client)
    assert '<img src=x onerror="alert(1)">' not in text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in text


def test_keyset_pages_visit_every_row_once_in_queue_order(app, practitioner_client, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_SIZE", 7)
    rng = random.Random(20261129)
    expected = []
    for _ in range(45):
        # Few distinct times, so many rows tie on created_at and the id decides.
        created = T0 + timedelta(hours=rng.randrange(6))
        urgent = rng.random() < 0.25
        screen = rng.random() < 0.4
        status = rng.choice(("new", "new", "booked", "closed", "withdrawn"))
        answers = URGENT if urgent else None
        store = stored if screen else sent
        submission_id = store(app, answers, created_at=created, status=status)
        expected.append((status not in ("closed", "withdrawn"), urgent, created, submission_id))
    expected.sort(reverse=True)
    wanted = refs(app, *(row[3] for row in expected))

    seen: list[str] = []
    args = {"screens": "1"}
    for _ in range(20):
        text = page(practitioner_client, **args)
        on_page = references(text)
        assert len(on_page) <= 7
        seen += on_page
        if 'rel="next"' not in text:
            break
        args = {"screens": "1", "after": next_cursor(text)}
    assert seen == wanted


def next_cursor(text: str) -> str:
    import html
    import re

    match = re.search(r'href="([^"]*)" rel="next"', text)
    assert match
    return parse_qs(urlsplit(html.unescape(match.group(1))).query)["after"][0]


def test_search_results_page_in_queue_order_too(app, practitioner_client, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    ids = [
        sent(
            app,
            URGENT if n in (1, 3) else None,
            name="Ann Lee-Wong",
            created_at=T0 + timedelta(hours=n % 3),
            status="closed" if n in (0, 3) else "new",
        )
        for n in range(5)
    ]
    sent(app, name="Someone Else", email="else@example.com", phone="+447400999888")
    with app.app_context():
        rows = sorted(
            (db.session.get(Submission, i) for i in ids),
            key=lambda s: (s.status != "closed", s.urgent, s.created_at, s.id),  # type: ignore[union-attr]
            reverse=True,
        )
        wanted = [s.reference for s in rows]  # type: ignore[union-attr]
    _, args = search(practitioner_client, "Ann Lee-Wong")
    query = {"find": args["find"][0]}
    seen: list[str] = []
    for _ in range(5):
        text = page(practitioner_client, **query)
        seen += references(text)
        if 'rel="next"' not in text:
            break
        query["after"] = next_cursor(text)
    assert seen == wanted


def test_a_damaged_cursor_starts_at_the_first_page(app, practitioner_client):
    one = sent(app)
    for cursor in ("x", "1.2.3.4", "1.1.5", "2.1.5.5", "1.1.99999999999999999999.1", "1.0.-5.3", "1.1.5.0"):
        assert references(page(practitioner_client, after=cursor)) == refs(app, one)


def test_listing_is_audited_without_the_searched_value(app, practitioner_client):
    sent(app)
    location, _ = search(practitioner_client, "ann lee-wong", status="new")
    practitioner_client.get(location)
    events = audit_events(app, "list")
    assert len(events) == 1
    event = events[0]
    assert event.target == "queue"
    assert event.actor_email == "practitioner@clinic.test"
    assert event.detail["count"] == 1
    assert event.detail["search"] == "name"
    assert event.detail["filters"] == {"status": "new"}
    assert "ann" not in str(event.detail).lower()


def test_admins_see_the_queue_and_names_too(app, admin_client):
    sent(app, name="Ann Lee-Wong")
    assert "Ann Lee-Wong" in page(admin_client)


def test_contact_details_stay_hidden_from_roles_not_allowed_them(app, practitioner_client, monkeypatch):
    from app.staff import permissions

    sent(app, name="Ann Lee-Wong")
    monkeypatch.setattr(permissions, "CONTACT_ROLES", frozenset({"admin"}))
    text = page(practitioner_client)
    assert "Ann Lee-Wong" not in text
    assert ">Name<" not in text


@pytest.mark.parametrize(
    "path",
    ["/staff/", "/staff/submissions/1", "/staff/export.csv", "/staff/submissions/1/fhir.json", "/staff/overview"],
)
def test_every_practitioner_page_needs_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/staff/sign-in" in response.location
