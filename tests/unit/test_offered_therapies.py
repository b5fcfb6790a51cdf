"""A result's therapies as one clinic offers them (``advice.offered_therapies``): an unoffered one is never shown."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app import rules
from app.advice import THERAPY_CODES, offered_therapies
from app.cautions import CAUTIONS
from app.questionnaire import KIDNEY
from app.questionnaires import current
from tests.answers import typical_answers
from tests.strategies import answer_sets

Q = current()
# Any non-empty set of the therapies the advice layer knows (a clinic offers at least one).
offerings = st.sets(st.sampled_from(THERAPY_CODES), min_size=1).map(frozenset)


def result_of(answers: dict[str, Any]) -> dict[str, Any]:
    return rules.assess(answers, Q).to_json()


@settings(max_examples=300, deadline=None)
@given(answers=st.one_of(answer_sets(red_flags=False), answer_sets()), offered=offerings)
def test_no_unoffered_therapy_is_ever_recommended(answers: dict[str, Any], offered: frozenset[str]) -> None:
    result = result_of(answers)
    given_codes = [t["code"] for t in result["therapies"]]
    shown = offered_therapies(result["therapies"], result["cautions"], offered)
    shown_codes = [t["code"] for t in shown.shown]
    assert set(shown_codes) <= offered
    # Nothing the clinic offers is dropped, and what is shown is what the rules said about it.
    assert shown_codes == [code for code in given_codes if code in offered]
    assert list(shown.shown) == [t for t in result["therapies"] if t["code"] in offered]
    assert list(shown.not_offered) == [code for code in given_codes if code not in offered]
    # What else the clinic offers: only when something was left out, only what it offers, none a caution rules out.
    assert set(shown.others) <= offered - set(given_codes)
    assert not shown.others or shown.not_offered
    avoided = {
        code
        for caution in result["cautions"]
        for code, (action, _) in CAUTIONS[caution].effects.items()
        if action == "avoid"
    }
    assert not set(shown.others) & avoided
    if shown.not_offered:
        assert set(shown.others) == offered - set(given_codes) - avoided


def test_with_every_therapy_offered_the_result_is_shown_as_the_rules_gave_it() -> None:
    result = result_of(typical_answers())
    shown = offered_therapies(result["therapies"], result["cautions"], THERAPY_CODES)
    assert list(shown.shown) == result["therapies"]
    assert (shown.not_offered, shown.others) == ((), ())


def test_a_clinic_without_the_usual_treatments_says_what_else_it_offers() -> None:
    result = result_of(typical_answers())
    assert result["primary"] == KIDNEY
    assert {t["code"] for t in result["therapies"]} == {"acupuncture", "tuina", "herbal_medicine"}
    shown = offered_therapies(result["therapies"], result["cautions"], {"cupping"})
    assert (shown.shown, shown.not_offered, shown.others) == (
        (),
        ("acupuncture", "tuina", "herbal_medicine"),
        ("cupping",),
    )


def test_what_else_is_offered_leaves_out_what_a_caution_advises_against() -> None:
    result = result_of(typical_answers(cautions=["pregnant"]))
    shown = offered_therapies(result["therapies"], result["cautions"], {"acupuncture", "cupping"})
    assert [t["code"] for t in shown.shown] == ["acupuncture"]
    assert shown.others == ()  # cupping is not advised in pregnancy
