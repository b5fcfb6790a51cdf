"""Every page that names the clinic or a number to call shows the clinic's settings, in both languages; neutral
wording until the clinic is set up; and a therapy the clinic does not offer is never recommended anywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import advice, catalogues, clinic, services
from app.intake import privacy
from app.models import Submission
from app.questionnaires import current
from app.staff import two_factor
from app.web.extensions import db
from tests.answers import typical_answers
from tests.clinic import HARBOUR, set_up_clinic
from tests.functional.patient.test_languages import visible_text
from tests.functional.patient.test_page_fragments import kept_and_full
from tests.functional.patient.test_wizard import start, step_url
from tests.practitioner import sent
from tests.staff import add_user, signed_in

Q = current()
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEH"
BROWSERS = {"en": "en", "zh_Hans": "zh-CN,zh;q=0.9"}
LANGUAGES = sorted(BROWSERS)
EMERGENCY = typical_answers(rf_nerves=["saddle_numbness"], rf_nerves_when="new")
URGENT = typical_answers(rf_history=["cancer"], duration="under_6_weeks")
NEUTRAL_NAMES = ("TCM back pain clinic", "中医腰痛诊所")
NAMES = {"en": HARBOUR["name_en"], "zh_Hans": HARBOUR["name_zh"]}
# Wording of the templates (the advice and the notice are read from app/advice.py and app/intake/privacy.py).
FOOTER = "This self-check is a screening aid, not a diagnosis, and not an emergency service. In an emergency call %s."
START = "It is not an emergency service. If you are very unwell, call %s."
LOCAL_NUMBER = "your local emergency number"
EMERGENCY_ADVICE = advice.LEVEL_ADVICE["emergency"]
URGENT_ADVICE = advice.LEVEL_ADVICE["urgent"]


def said(text: str, language: str, **params: Any) -> str:
    """``text`` as a reader of ``language`` sees it (a Chinese page must have its translation)."""
    if language != "en":
        translated = catalogues.translate(text, language)
        assert translated is not None, f"no {language} translation of {text!r}"
        text = translated
    return text % params if params else text


def recorded(app: Flask, answers: dict[str, Any]) -> str:
    """A stored self-check's result page."""
    clean, errors = Q.validate(answers)
    assert errors == {}
    with app.app_context():
        result = services.record_assessment(clean, Q, source="web")
        db.session.commit()
    return f"/result/{result.public_id}"


def page(client: FlaskClient, path: str, language: str) -> str:
    response = client.get(path, headers={"Accept-Language": BROWSERS[language]})
    assert response.status_code in (200, 404), (path, response.status_code)
    return response.text


def patient_pages(app: Flask, client: FlaskClient) -> dict[str, str]:
    """One of each kind of patient page."""
    token = start(client)
    result = recorded(app, typical_answers())
    return {
        "start": "/",
        "step": step_url(token, "pain"),
        "result": result,
        "emergency": recorded(app, EMERGENCY),
        "urgent": recorded(app, URGENT),
        "send": f"{result}/send",
        "privacy": "/privacy",
        "not found": "/no-such-page",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_patient_page_names_the_clinic_in_its_title_and_header(
    app: Flask, client: FlaskClient, language: str
) -> None:
    settings = set_up_clinic(app)
    name = settings.name(language)
    assert name == NAMES[language]
    for kind, path in patient_pages(app, client).items():
        text = page(client, path, language)
        title = re.search(r"<title>(.*?)</title>", text, re.S)
        assert title is not None and title.group(1).strip().endswith(f"· {name}"), kind
        assert f'<a class="brand" href="/">{name}</a>' in text, kind
        assert not any(neutral in text for neutral in NEUTRAL_NAMES), kind
        footer = text[text.index('<footer class="site-footer">') :]
        assert said(FOOTER % "%(number)s", language, number="999") in footer, kind


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_name_given_in_one_language_is_shown_in_both(app: Flask, client: FlaskClient, language: str) -> None:
    set_up_clinic(app, name_zh="")
    assert '<a class="brand" href="/">Harbour Clinic</a>' in page(client, "/", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_start_page_and_the_results_give_the_emergency_number(
    app: Flask, client: FlaskClient, language: str
) -> None:
    set_up_clinic(app, emergency_number="112")
    start_page = visible_text(page(client, "/", language))
    assert said(START % "%(number)s", language, number="112") in start_page
    result = visible_text(page(client, recorded(app, typical_answers()), language))
    assert said(advice.SAFETY_NET_CALLING, language, number="112") in result


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_emergency_page_says_call_the_configured_number_now(app: Flask, client: FlaskClient, language: str) -> None:
    set_up_clinic(app)
    text = page(client, recorded(app, EMERGENCY), language)
    call = re.search(r'<p class="call-now"><a class="button-danger" href="tel:999">(.*?)</a>', text)
    assert call is not None and call.group(1) == said("Call %(number)s now", language, number="999")
    assert said(EMERGENCY_ADVICE.calling or "", language, number="999") in visible_text(text)
    assert "120 in mainland China" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_urgent_advice_gives_the_urgent_advice_line_where_there_is_one(
    app: Flask, client: FlaskClient, language: str
) -> None:
    set_up_clinic(app)
    path = recorded(app, URGENT)
    text = page(client, path, language)
    assert 'href="tel:111"' in text
    assert said("Call %(number)s for urgent medical advice", language, number="111") in text
    action = URGENT_ADVICE.calling or ""
    assert said(action, language, number="111") in visible_text(text)
    assert said(action, language, number="111") in visible_text(page(client, f"{path}/send", language))
    # Where the country has no such line, the advice stays general and nothing is offered to dial.
    set_up_clinic(app, emergency_number="911", urgent_number="")
    text = page(client, path, language)
    assert "call-now" not in text and "tel:111" not in text
    assert said(URGENT_ADVICE.what_to_do, language) in visible_text(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_privacy_notice_names_the_data_controller_and_how_to_reach_them(
    app: Flask, client: FlaskClient, language: str
) -> None:
    set_up_clinic(app)
    expected = said(
        privacy.CONTROLLER.paragraphs[0], language, controller="Harbour Clinic Ltd", email="hello@harbour.example"
    )
    assert expected in visible_text(page(client, "/privacy", language))
    result = recorded(app, typical_answers())
    assert expected in visible_text(page(client, f"{result}/send", language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_results_give_the_clinics_contact_details_for_screen_and_paper(
    app: Flask, client: FlaskClient, language: str
) -> None:
    set_up_clinic(app)
    for answers in (typical_answers(), EMERGENCY):
        text = page(client, recorded(app, answers), language)
        card = text[text.index('<section class="card clinic-contact"') :]
        card = card[: card.index("</section>")]
        assert f'<h2 id="clinic-title">{NAMES[language]}</h2>' in card
        assert '<a href="tel:+442079460000">+44 20 7946 0000</a>' in card
        assert '<a href="mailto:hello@harbour.example">hello@harbour.example</a>' in card
        assert "1 Quay Street\nLondon E1 1AA" in card and "Monday to Friday 9:00-18:00" in card
        assert said("Opening hours", language) in card and 'href="https://harbour.example"' in card
        assert "no-print" not in card  # printed with the result


@pytest.mark.parametrize("language", LANGUAGES)
def test_before_the_clinic_is_set_up_patients_see_neutral_wording(
    app: Flask, client: FlaskClient, language: str
) -> None:
    neutral = clinic.NOT_SET_UP.name(language)
    assert neutral == NEUTRAL_NAMES[LANGUAGES.index(language)]
    pages = patient_pages(app, client)
    for kind, path in pages.items():
        text = page(client, path, language)
        assert f'<a class="brand" href="/">{neutral}</a>' in text, kind
        assert said(FOOTER % LOCAL_NUMBER, language) in text, kind
        assert "clinic-contact" not in text and "call-now" not in text, kind
    start_page = visible_text(page(client, "/", language))
    assert said(START % LOCAL_NUMBER, language) in start_page
    emergency = visible_text(page(client, pages["emergency"], language))
    assert said(EMERGENCY_ADVICE.what_to_do, language) in emergency  # 999 in the UK, 120 in mainland China …
    assert said(advice.SAFETY_NET, language) in emergency
    assert said(privacy.CONTROLLER_NOT_SET_UP.paragraphs[0], language) in visible_text(
        page(client, "/privacy", language)
    )


def test_a_kept_page_shows_a_change_at_once_and_is_the_page_rendered_in_full(
    app: Flask, app_factory: Any, client: FlaskClient
) -> None:
    other = app_factory()
    for language in LANGUAGES:
        page(client, "/", language)  # keeps the start page as it is before the set-up
    set_up_clinic(other)
    for language in LANGUAGES:
        kept, full = kept_and_full(app, client, "GET", "/", language)
        assert kept == full
        assert f'<a class="brand" href="/">{NAMES[language]}</a>' in kept[1]


# Therapies the clinic does not offer


def test_the_result_recommends_only_offered_therapies_and_says_what_else_the_clinic_offers(
    app: Flask, client: FlaskClient
) -> None:
    set_up_clinic(app, therapies=["cupping", "herbal_medicine"])
    text = page(client, recorded(app, typical_answers()), "en")  # kidney deficiency: acupuncture, tuina, herbs
    therapies = text[text.index('id="therapies-title"') : text.index('id="selfcare-title"')]
    assert "Chinese herbal medicine" in therapies
    assert "Acupuncture" not in therapies and "Tuina" not in therapies
    assert (
        "The clinic also offers <strong>Cupping</strong>. Your practitioner can tell you whether it would suit you."
        in therapies
    )
    zh_text = page(client, recorded(app, typical_answers()), "zh_Hans")
    assert "本诊所还提供<strong>拔罐</strong>" in zh_text and "针灸" not in zh_text


def test_a_clinic_offering_none_of_the_usual_treatments_says_so(app: Flask, client: FlaskClient) -> None:
    set_up_clinic(app, therapies=["cupping"])
    text = page(client, recorded(app, typical_answers()), "en")
    assert "The clinic does not offer the treatments usually used for this pattern." in text
    assert "The clinic also offers <strong>Cupping</strong>." in text
    assert '<ul class="therapies">' not in text


def test_with_every_therapy_offered_nothing_is_left_out_or_added(app: Flask, client: FlaskClient) -> None:
    set_up_clinic(app)
    text = page(client, recorded(app, typical_answers()), "en")
    for name in ("Acupuncture", "Tuina", "Chinese herbal medicine"):
        assert name in text
    assert "other-therapies" not in text


def test_the_api_answers_only_offered_therapies_and_keeps_the_rules_output_as_the_record(
    app: Flask, client: FlaskClient
) -> None:
    set_up_clinic(app, therapies=["cupping", "herbal_medicine"])
    body = client.post("/api/v1/assessments", json={"answers": typical_answers()}).get_json()
    assert [t["code"] for t in body["therapies"]] == ["herbal_medicine"]
    assert body["other_therapies"] == [{"code": "cupping", "name": "Cupping"}]
    read = client.get(f"/api/v1/assessments/{body['id']}").get_json()
    assert read == body
    with app.app_context():
        stored = db.session.scalars(select(Submission)).one()
        assert [t["code"] for t in stored.result["therapies"]] == ["acupuncture", "tuina", "herbal_medicine"]
    # Offered again later: the same stored assessment recommends it again.
    set_up_clinic(app)
    again = client.get(f"/api/v1/assessments/{body['id']}").get_json()
    assert [t["code"] for t in again["therapies"]] == ["acupuncture", "tuina", "herbal_medicine"]
    assert again["other_therapies"] == []


def test_flask_assess_answers_as_the_api_does(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    set_up_clinic(app, therapies=["tuina"])
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": typical_answers()}))
    printed = json.loads(app.test_cli_runner().invoke(args=["assess", str(path)]).stdout)
    api = client.post("/api/v1/assessments", json={"answers": typical_answers()}).get_json()
    assert printed == {k: v for k, v in api.items() if k != "id"}
    assert [t["code"] for t in printed["therapies"]] == ["tuina"]


def test_the_practitioners_summary_and_print_show_cautions_only_for_offered_therapies(app: Flask) -> None:
    set_up_clinic(app, therapies=["acupuncture", "tuina"])
    submission_id = sent(app, typical_answers(cautions=["pregnant"]))
    staff = signed_in(app, add_user(app))
    for path in (f"/staff/submissions/{submission_id}", f"/staff/submissions/{submission_id}/print"):
        text = staff.get(path).text
        cautions = text[text.index('id="cautions-title"') :]
        cautions = cautions[: cautions.index("</section>")]
        assert "<strong>Acupuncture</strong>: with care" in cautions
        assert "herbal" not in cautions.lower() and "Cupping" not in cautions
    printed = staff.get(f"/staff/submissions/{submission_id}/print").text
    assert (
        '<p class="print-clinic">Harbour Clinic<br><span class="multiline">1 Quay Street\nLondon E1 1AA</span>'
        in printed
    )


def test_the_two_factor_issuer_is_the_clinics_name(app: Flask) -> None:
    with app.test_request_context("/"):
        assert "issuer=TCM%20back%20pain%20clinic" in two_factor.provisioning_uri(SECRET, "a@clinic.test")
    set_up_clinic(app, name_en="Harbour: Clinic")
    with app.test_request_context("/"):
        uri = two_factor.provisioning_uri(SECRET, "a@clinic.test")
    assert uri.startswith("otpauth://totp/Harbour%20%20Clinic:a%40clinic.test?") and "issuer=Harbour%20%20Clinic" in uri
