"""The patient pages in Simplified Chinese: chosen with the switch or by the browser, and kept with the submission."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask, session
from flask.testing import FlaskClient
from flask_babel import get_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import advice, catalogues
from app.models import Draft, Submission
from app.patient import pain_map
from app.questionnaire import KIDNEY
from app.questionnaires import current
from app.web.extensions import db
from app.web.i18n import language
from tests.answers import typical_answers
from tests.functional.patient.test_wizard import complete, form_data, start, step_url

Q = current()
CHINESE_BROWSER = "zh-CN,zh;q=0.9,en;q=0.5"
zh = catalogues.translations("zh_Hans").gettext


@pytest.fixture
def zh_client(client: FlaskClient) -> FlaskClient:
    """A browser that asks for Chinese on every request."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = CHINESE_BROWSER
    return client


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(
        st.tuples(
            st.sampled_from(["en", "en-GB", "zh", "zh-CN", "zh-TW", "zh-Hans", "zh-SG", "fr", "*"]), st.integers(1, 9)
        ),
        max_size=4,
    ).map(lambda parts: ",".join(f"{tag};q=0.{q}" for tag, q in parts)),
    chosen=st.sampled_from([None, "en", "zh_Hans", "xx"]),
)
def test_the_language_of_kept_markup_is_the_one_flask_babel_chooses(
    app: Flask, header: str, chosen: str | None
) -> None:
    with app.test_request_context("/", headers={"Accept-Language": header}):
        if chosen is not None:
            session["lang"] = chosen
        assert language() == str(get_locale())


def visible_text(page: str) -> str:
    """What a reader sees: the text between tags, unescaped (attributes, scripts and styles left out)."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", page)))


def texts_of(section_key: str) -> list[str]:
    """Every string a step shows from the questionnaire data."""
    section = Q.section(section_key)
    assert section is not None
    found = [section.title, section.intro]
    for question in section.questions:
        found += [question.text, question.help, question.min_label, question.max_label]
        found += [option.text for option in question.options]
    return [text for text in found if text]


def test_every_step_is_in_chinese_for_a_chinese_browser(zh_client: FlaskClient) -> None:
    token = start(zh_client)
    for number, section in enumerate(Q.sections, start=1):
        page = zh_client.get(step_url(token, section.key)).get_data(as_text=True)
        assert '<html lang="zh-Hans">' in page
        text = visible_text(page)
        assert f"第 {number} 步，共 {len(Q.sections)} 步" in text
        assert zh("See my result" if number == len(Q.sections) else "Next") in text
        for source in texts_of(section.key):
            assert zh(source) != source, f"no translation for {source!r}"
            assert zh(source) in text
            if len(source) > 3:  # short words ("No", "Yes") occur inside longer Chinese-free strings
                assert source not in text, f"English left on the {section.key} step: {source!r}"


def test_problems_on_a_step_are_explained_in_chinese(zh_client: FlaskClient) -> None:
    token = start(zh_client)
    zh_client.post(step_url(token, "safety"), data=form_data("safety", typical_answers()))
    data = {**form_data("pain", typical_answers()), "pain_worst": "11"}
    del data["pain_spot"]
    response = zh_client.post(step_url(token, "pain"), data=data)
    assert response.status_code == 422
    text = visible_text(response.get_data(as_text=True))
    assert "本页有 2 个问题" in text
    assert "请选择一项。" in text
    assert "请填写 0 到 10 之间的整数。" in text
    assert "错误：" in text
    assert "Please" not in text

    conflict = {**form_data("safety", typical_answers()), "rf_history": ["none", "cancer"]}
    text = visible_text(zh_client.post(step_url(token, "safety"), data=conflict).get_data(as_text=True))
    assert "“以上都没有”不能与其他答案同时选择。" in text


def test_the_result_names_the_pattern_and_gives_the_advice_in_chinese(zh_client: FlaskClient) -> None:
    page = zh_client.get(complete(zh_client, typical_answers())).get_data(as_text=True)
    text = visible_text(page)
    title = re.search(r'<h2 id="pattern-title">(.*?)</h2>', page, re.S)
    assert title is not None
    assert visible_text(title.group(1)).strip() == "肾虚 (阳虚型)"  # the Chinese name once, not twice
    info = advice.PATTERN_INFO[KIDNEY]
    for source in (info.description, *info.self_care, advice.DISCLAIMER, advice.SAFETY_NET, "A dull ache"):
        assert zh(source) != source and zh(source) in text
    for therapy in ("针灸", "推拿（中医按摩）", "中药"):
        assert therapy in text
    assert "很可能" in text  # the score table
    assert re.search(r"检查日期：\d{4}年\d{1,2}月\d{1,2}日", text)  # dates as Chinese readers write them
    assert "Kidney Deficiency" not in text and "Acupuncture" not in text


def test_urgent_advice_is_clear_in_chinese(zh_client: FlaskClient) -> None:
    token = start(zh_client)
    data = {**form_data("safety", typical_answers()), "rf_nerves": ["saddle_numbness"], "rf_nerves_when": "new"}
    page = zh_client.get(zh_client.post(step_url(token, "safety"), data=data).location).get_data(as_text=True)
    text = visible_text(page)
    assert "请立即就医" in text
    assert "急诊" in text and "120" in text
    assert zh(advice.SAFETY_NET) in text
    assert zh(Q.red_flags["cauda_equina"].label) in text
    assert "Get medical help now" not in text


def test_the_result_shows_in_the_language_chosen_when_it_is_viewed(app, client: FlaskClient) -> None:
    path = complete(client, typical_answers())
    assert "Kidney Deficiency" in client.get(path).get_data(as_text=True)
    client.post("/language", data={"lang": "zh_Hans", "next": path})
    text = visible_text(client.get(path).get_data(as_text=True))
    assert "肾虚" in text and "针灸" in text and "Kidney Deficiency" not in text
    # Someone the link is shared with reads it in their own language.
    other = app.test_client()
    assert "Kidney Deficiency" in other.get(path, headers={"Accept-Language": "en-GB"}).get_data(as_text=True)


def test_the_submission_records_the_language_the_person_used(app, zh_client: FlaskClient) -> None:
    complete(zh_client, typical_answers())
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert submission is not None
        assert submission.language == "zh_Hans"


def test_switching_language_mid_questionnaire_updates_the_draft_and_the_submission(app, client: FlaskClient) -> None:
    token = start(client)
    client.post(step_url(token, "safety"), data=form_data("safety", typical_answers()))

    def draft_language() -> str:
        with app.app_context():
            draft = db.session.get(Draft, token)
            assert draft is not None
            return draft.language

    assert draft_language() == "en"
    client.get(step_url(token, "pain"))
    client.post("/language", data={"lang": "zh_Hans", "next": step_url(token, "pain")})
    assert draft_language() == "zh_Hans"
    answers = typical_answers()
    for section in Q.sections[1:]:
        response = client.post(step_url(token, section.key), data=form_data(section.key, answers))
        assert response.status_code == 303
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert submission is not None
        assert submission.language == "zh_Hans"


def test_a_chinese_browser_that_chooses_english_is_recorded_as_english(app, zh_client: FlaskClient) -> None:
    token = start(zh_client)
    zh_client.post("/language", data={"lang": "en", "next": step_url(token, "safety")})
    page = zh_client.get(step_url(token, "safety")).get_data(as_text=True)
    assert '<html lang="en">' in page and "Safety check" in page
    zh_client.post(step_url(token, "safety"), data=form_data("safety", typical_answers()))
    with app.app_context():
        draft = db.session.get(Draft, token)
        assert draft is not None
        assert draft.language == "en"


def test_the_pain_map_is_drawn_from_the_options_and_waits_for_the_script(zh_client: FlaskClient) -> None:
    token = start(zh_client)
    zh_client.post(step_url(token, "safety"), data=form_data("safety", typical_answers()))
    zh_client.post(step_url(token, "pain"), data={"pain_area": ["buttock_left", "flank_left"], "action": "back"})
    page = zh_client.get(step_url(token, "pain")).get_data(as_text=True)
    assert re.search(r'<div class="pain-map" data-pain-map hidden>', page)  # no script, no map: the list is enough
    question = Q.by_id["pain_area"]
    for option in question.options:
        tag = re.search(rf'<g class="pain-region"[^>]*data-code="{option.code}"[^>]*>', page)
        assert tag is not None, option.code
        assert 'role="checkbox"' in tag.group(0) and 'tabindex="0"' in tag.group(0)
        assert f'aria-label="{zh(option.text)}"' in tag.group(0)
        checked = "true" if option.code in ("buttock_left", "flank_left") else "false"
        assert f'aria-checked="{checked}"' in tag.group(0)
        assert f'id="pain_area-{option.code}"' in page  # the checkbox stays
        assert tag.group(0).count("data-code") == 1
    assert page.count('class="pain-shape"') == sum(len(pain_map.REGIONS[code]) for code in question.codes)
    # The regions marked are listed in words beside the map, in the page's language.
    for code in ("buttock_left", "flank_left"):
        item = re.search(rf'<li data-code="{code}"\s*>([^<]*)</li>', page)
        assert item is not None and item.group(1) == zh(question.option(code).text), code
    assert re.search(r'<li data-code="groin"\s*hidden>', page)


def test_a_second_pattern_and_the_list_of_problems_read_as_chinese_sentences(zh_client: FlaskClient) -> None:
    answers = typical_answers(
        onset="injury",
        pain_feel=["dull_ache", "sore_weak", "stabbing"],
        worse_with=["exertion", "standing", "pressure", "night"],
        sitting_hours="over_8",
    )
    text = visible_text(zh_client.get(complete(zh_client, answers)).get_data(as_text=True))
    assert "您的回答也符合：气滞血瘀。" in text.replace(" ", "")

    token = start(zh_client)
    page = zh_client.post(step_url(token, "safety"), data={"rf_now": ["none"]}).get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert summary is not None
    assert "以下有符合您的情况吗？：请至少勾选一项" in visible_text(summary.group(0)).replace(" ", "")
