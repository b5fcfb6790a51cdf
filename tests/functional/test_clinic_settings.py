"""The clinic's settings: the admin page, ``flask clinic``, the audit trail, and every process seeing a change."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from app import clinic
from app.advice import THERAPY_CODES
from app.models import ClinicSettings
from app.web.extensions import db
from tests.clinic import HARBOUR, set_up_clinic
from tests.staff import events

PAGE = "/admin/clinic"


def form(**changes: Any) -> dict[str, Any]:
    """The settings form as a browser posts it (the ticked therapies as a list)."""
    return {**HARBOUR, **changes}


def settings(app: Flask) -> clinic.Clinic:
    with app.app_context():
        return clinic.current()


def rows(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ClinicSettings)) or 0


def test_a_fresh_install_is_not_set_up_and_offers_every_therapy(app: Flask) -> None:
    fresh = settings(app)
    assert (fresh.configured, fresh.version, fresh.therapies) == (False, 0, THERAPY_CODES)
    assert fresh.name("en") == "TCM back pain clinic"
    assert fresh.name("zh_Hans") == "中医腰痛诊所"
    assert fresh.emergency_number == fresh.urgent_number == fresh.email == ""


def test_the_name_falls_back_to_the_other_language(app: Flask) -> None:
    assert set_up_clinic(app, name_zh="").name("zh_Hans") == "Harbour Clinic"
    assert set_up_clinic(app, name_en="", name_zh="海港中医诊所").name("en") == "海港中医诊所"
    both = settings(app)
    assert both.name("zh_Hans") == "海港中医诊所"


def ticked(page: str, code: str) -> bool:
    return re.search(rf'<input[^>]*checked[^>]*value="{code}"|<input[^>]*value="{code}"[^>]*checked', page) is not None


def test_the_page_shows_the_form_with_every_therapy_ticked_on_a_fresh_install(admin_client: FlaskClient) -> None:
    page = admin_client.get(PAGE).text
    for name in clinic.FIELDS:
        assert f'name="{name}"' in page
    assert all(ticked(page, code) for code in THERAPY_CODES)
    assert "Set up your clinic." not in page  # not on the settings page itself


def test_saving_stores_the_settings_and_every_page_then_shows_them(app: Flask, admin_client: FlaskClient) -> None:
    response = admin_client.post(PAGE, data=form(therapies=["acupuncture", "tuina"]))
    assert response.status_code == 303 and response.location == PAGE
    saved = settings(app)
    assert saved.configured and saved.version == 1
    assert (saved.name_en, saved.emergency_number, saved.urgent_number) == ("Harbour Clinic", "999", "111")
    assert saved.therapies == ("acupuncture", "tuina")
    page = admin_client.get(PAGE).text
    assert "Clinic settings saved." in page
    assert 'value="Harbour Clinic"' in page
    assert not ticked(page, "cupping") and ticked(page, "tuina")


def test_values_are_stored_in_one_form(app: Flask, admin_client: FlaskClient) -> None:
    admin_client.post(
        PAGE,
        data=form(
            phone="020 7946 0000",
            email="  Hello@Harbour.Example ",
            website="harbour.example/contact",
            emergency_number="１２０",  # typed on a Chinese keyboard
            urgent_number=" 116  117 ",
            address="1 Quay Street\r\nLondon",
        ),
    )
    saved = settings(app)
    assert saved.phone == "+44 20 7946 0000"  # read in PHONE_REGION (GB), kept as written abroad
    assert saved.email == "hello@harbour.example"
    assert saved.website == "https://harbour.example/contact"
    assert (saved.emergency_number, saved.urgent_number) == ("120", "116 117")
    assert saved.address == "1 Quay Street\nLondon"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name_en": "", "name_zh": ""}, "name_en", "Give the clinic's name in English or Chinese, or both."),
        ({"email": ""}, "email", "Give the clinic's email address."),
        ({"email": "not an address"}, "email", "Give an email address"),
        ({"data_controller": ""}, "data_controller", "Name who is responsible for patients' data."),
        ({"emergency_number": ""}, "emergency_number", "Give the emergency number patients should call."),
        ({"emergency_number": "999; DROP"}, "emergency_number", "Give the number as it is dialled"),
        ({"emergency_number": "9"}, "emergency_number", "Give the number as it is dialled"),
        ({"urgent_number": "call 111"}, "urgent_number", "Give the number as it is dialled"),
        ({"phone": "12"}, "phone", "Give a phone number that can be dialled"),
        ({"website": "javascript:alert(1)"}, "website", "Give the clinic's web address"),
        ({"website": "ftp://harbour.example"}, "website", "Give the clinic's web address"),
        ({"therapies": []}, "therapies", "Tick at least one therapy the clinic offers."),
        ({"therapies": ["acupuncture", "reiki"]}, "therapies", "not a valid choice"),
        ({"name_en": "x" * 121}, "name_en", "Keep this to 120 characters or fewer."),
        ({"name_zh": "诊所\x00"}, "name_zh", "Remove the invisible or unusual characters"),
    ],
)
def test_a_refused_value_is_shown_beside_its_field_and_nothing_typed_is_lost(
    app: Flask, admin_client: FlaskClient, changes: dict[str, Any], field: str, message: str
) -> None:
    data = form(**changes, opening_hours="Saturdays 10:00-14:00")
    response = admin_client.post(PAGE, data=data)
    assert response.status_code == 422
    page = response.text
    assert f'id="error-{field}"' in page
    error = page[page.index(f'id="error-{field}"') :]
    assert message in error[: error.index("</p>")].replace("&#39;", "'")
    assert 'aria-invalid="true"' in page or field == "therapies"
    kept = {name: value for name, value in data.items() if isinstance(value, str) and name not in changes}
    assert all(html.escape(value, quote=False) in page for value in kept.values())
    assert "Saturdays 10:00-14:00" in page  # the rest of the form as typed
    assert rows(app) == 0 and events(app, "clinic_settings_changed") == []


def test_a_preset_fills_in_a_countrys_numbers_keeping_what_was_typed(app: Flask, admin_client: FlaskClient) -> None:
    typed = form(name_en="Typed Name", emergency_number="", urgent_number="111")
    page = admin_client.post(PAGE, data={**typed, "preset": "US"}).text
    assert "Filled in the numbers for United States" in page
    assert 'value="911"' in page
    assert re.search(r'<input[^>]*id="urgent_number"[^>]*value=""', page)  # none in the US
    assert 'value="Typed Name"' in page
    assert rows(app) == 0  # nothing is stored until Save
    china = admin_client.post(PAGE, data={**typed, "preset": "CN"}).text
    assert 'value="120"' in china
    uk = admin_client.post(PAGE, data={**typed, "preset": "GB"}).text
    assert 'value="999"' in uk and 'value="111"' in uk


def test_each_change_is_audited_with_what_changed(app: Flask, admin_client: FlaskClient) -> None:
    admin_client.post(PAGE, data=form())
    admin_client.post(PAGE, data=form(phone="+44 20 7946 0001", therapies=["acupuncture"]))
    admin_client.post(PAGE, data=form(phone="+44 20 7946 0001", therapies=["acupuncture"]))  # nothing new
    first, second = events(app, "clinic_settings_changed")
    assert (first.actor_email, first.target, first.outcome) == ("admin@clinic.test", "clinic", "success")
    assert first.detail["version"] == 1 and set(first.detail["changed"]) >= {"name_en", "emergency_number"}
    assert second.detail["version"] == 2
    assert second.detail["changed"] == ["phone", "therapies"]
    assert second.detail["before"] == {"phone": "+44 20 7946 0000", "therapies": list(THERAPY_CODES)}
    assert second.detail["after"] == {"phone": "+44 20 7946 0001", "therapies": ["acupuncture"]}
    assert settings(app).version == 2  # saving the same values again changes nothing


def test_the_settings_are_for_admins_only(app: Flask, practitioner_client: FlaskClient) -> None:
    assert practitioner_client.get(PAGE).status_code == 403
    assert practitioner_client.post(PAGE, data=form()).status_code == 403
    assert rows(app) == 0
    assert "Clinic settings" not in practitioner_client.get("/staff/").text


def test_admins_see_a_set_up_notice_until_the_clinic_is_set_up(
    app: Flask, admin_client: FlaskClient, practitioner_client: FlaskClient
) -> None:
    page = admin_client.get("/staff/").text
    assert "Set up your clinic." in page and f'href="{PAGE}"' in page
    assert "Set up your clinic." not in practitioner_client.get("/staff/").text
    admin_client.post(PAGE, data=form())
    assert "Set up your clinic." not in admin_client.get("/staff/").text
    assert f'<a href="{PAGE}">Clinic settings</a>' in admin_client.get("/staff/").text


def test_a_change_through_another_app_shows_at_once(app: Flask, app_factory: Any, client: FlaskClient) -> None:
    """Two processes on one database: each keeps its settings, and each sees the other's change on its next page."""
    other = app_factory()
    assert "TCM back pain clinic" in client.get("/").text  # this process now keeps "not set up"
    set_up_clinic(other)
    assert "Harbour Clinic" in client.get("/").text
    set_up_clinic(other, name_en="Quayside Clinic", emergency_number="112")
    page = client.get("/").text
    assert "Quayside Clinic" in page and "call 112" in page and "Harbour Clinic" not in page
    assert settings(app) == settings(other)


def test_a_request_reads_the_version_once_and_the_row_only_when_it_changed(app: Flask, app_factory: Any) -> None:
    """The version is one read on a pooled connection of its own; the row is read through SQLAlchemy when it moved."""
    set_up_clinic(app)  # this process keeps version 1
    with app.app_context():
        engine = db.engine
    checkouts: list[int] = []
    statements: list[str] = []

    def checkout(*_args: Any) -> None:
        checkouts.append(1)

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    def reads(during: Any) -> tuple[int, list[str]]:
        checkouts.clear()
        statements.clear()
        during()
        return len(checkouts), list(statements)

    def request_twice() -> None:
        with app.test_request_context("/"):
            first = clinic.current()
            assert clinic.current() is first  # asked again in the same request: nothing read

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert reads(request_twice) == (1, [])  # the version only
        set_up_clinic(app_factory(), name_en="Quayside Clinic")  # another process changes them
        connections, changed = reads(request_twice)
        assert connections == 2 and len(changed) == 1 and "clinic_settings.name_en" in changed[0]
        assert reads(request_twice) == (1, [])
    finally:
        event.remove(engine, "checkout", checkout)
        event.remove(engine, "before_cursor_execute", seen)
    assert settings(app).name_en == "Quayside Clinic"


def test_with_the_database_away_pages_show_the_settings_last_seen(app: Flask, app_factory: Any) -> None:
    """The start page needs nothing else from the database, and the 503 page must render too."""
    away = app_factory("postgresql+psycopg://postgres@127.0.0.1:1/unreachable", DB_POOL_TIMEOUT=1)
    client = away.test_client()
    start = client.get("/")
    assert start.status_code == 200 and "TCM back pain clinic" in start.text
    unavailable = client.post("/check/some-token/pain", data={"pain_worst": "8"})
    assert unavailable.status_code == 503 and "TCM back pain clinic" in unavailable.text
    # A process that has seen the settings keeps showing them.
    set_up_clinic(app)
    with app.test_request_context("/"):
        seen = clinic.current()
    app.extensions["clinic"] = seen
    away.extensions["clinic"] = seen
    assert "Harbour Clinic" in client.get("/").text


# flask clinic


def test_clinic_set_stores_checked_values_and_is_audited_as_the_command_line(app: Flask) -> None:
    runner = app.test_cli_runner()
    arguments = [f"{name}={value}" for name, value in HARBOUR.items() if name != "therapies"]
    result = runner.invoke(args=["clinic", "set", *arguments, "therapies=cupping, acupuncture", "phone=020 7946 0000"])
    assert result.exit_code == 0, result.output
    assert "Saved (version 1)" in result.output
    saved = settings(app)
    assert saved.therapies == ("acupuncture", "cupping")  # in the declared order
    assert saved.phone == "+44 20 7946 0000"
    (event,) = events(app, "clinic_settings_changed")
    assert (event.actor_id, event.actor_email, event.detail["via"]) == (None, None, "cli")


def test_clinic_set_keeps_the_other_settings_and_takes_a_preset(app: Flask) -> None:
    set_up_clinic(app)
    result = app.test_cli_runner().invoke(args=["clinic", "set", "--preset", "CN", "name_zh=海港诊所"])
    assert result.exit_code == 0, result.output
    saved = settings(app)
    assert (saved.emergency_number, saved.urgent_number, saved.name_zh) == ("120", "", "海港诊所")
    assert saved.name_en == "Harbour Clinic" and saved.version == 2
    (_, event) = events(app, "clinic_settings_changed")
    assert event.detail["changed"] == ["name_zh", "emergency_number", "urgent_number"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["emergency_number=call me"], "emergency_number: Give the number as it is dialled"),
        (["therapies="], "therapies: Tick at least one therapy the clinic offers."),
        (["therapies=reiki"], "therapies: 'reiki' is not a valid choice"),
        (["website=javascript:alert(1)"], "website: Give the clinic's web address"),
    ],
)
def test_clinic_set_refuses_what_the_page_refuses_and_changes_nothing(
    app: Flask, arguments: list[str], message: str
) -> None:
    set_up_clinic(app)
    result = app.test_cli_runner().invoke(args=["clinic", "set", *arguments])
    assert result.exit_code == 1
    assert "Nothing was changed" in result.output and message in result.output
    assert settings(app).version == 1


def test_clinic_set_on_a_fresh_install_names_every_missing_setting(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["clinic", "set", "name_en=Harbour Clinic"])
    assert result.exit_code == 1
    for name in ("email", "data_controller", "emergency_number"):
        assert f"{name}: " in result.output
    assert rows(app) == 0


@pytest.mark.parametrize("arguments", [["colour=blue"], ["name_en"], []])
def test_clinic_set_refuses_an_unknown_or_malformed_setting(app: Flask, arguments: list[str]) -> None:
    result = app.test_cli_runner().invoke(args=["clinic", "set", *arguments])
    assert result.exit_code == 2
    assert "KEY=VALUE" in result.output
    assert rows(app) == 0


def test_clinic_show_prints_the_settings(app: Flask) -> None:
    runner = app.test_cli_runner()
    fresh = runner.invoke(args=["clinic", "show"])
    assert fresh.exit_code == 0 and "not set up yet" in fresh.output
    set_up_clinic(app, therapies=["tuina", "acupuncture"])
    shown = runner.invoke(args=["clinic", "show"]).output
    assert "version 1" in shown
    assert "name_zh          = 海港中医诊所" in shown
    assert "therapies        = acupuncture,tuina" in shown
    assert "address          = 1 Quay Street\n                   London E1 1AA" in shown
    as_json = json.loads(runner.invoke(args=["clinic", "show", "--json"]).output)
    assert as_json == {**HARBOUR, "therapies": ["acupuncture", "tuina"], "configured": True, "version": 1}
