"""Answer sets shared by tests: small builders, not fixtures, so any test can vary them."""

from __future__ import annotations

from typing import Any

from app.questionnaire import Questionnaire
from app.questionnaires import current

# The safety check answered by someone with none of its findings: long-standing, steady pain and no injury.
NO_RED_FLAGS: dict[str, Any] = {
    "trend": "same",
    "rf_nerves": ["none"],
    "rf_now": ["none"],
    "rf_injury": "no",
    "rf_history": ["none"],
    "rf_inflammatory": ["none"],
}


def typical_answers(**changes: Any) -> dict[str, Any]:
    """A complete, valid answer set of a kidney-deficiency picture with no red flags (the current questionnaire)."""
    answers: dict[str, Any] = {
        **NO_RED_FLAGS,
        "pain_area": ["lower_back_middle"],
        "leg_spread": "no",
        "duration": "over_12_weeks",
        "onset": "gradual",
        "pattern_over_time": "keeps_returning",
        "pain_worst": 6,
        "pain_feel": ["dull_ache", "sore_weak"],
        "pain_spot": "wide_area",
        "worse_with": ["exertion", "standing"],
        "better_with": ["rest", "pressure_rubbing"],
        "other_symptoms": ["weak_knees", "night_urination", "feel_cold"],
        "periods": "no",
        "age_band": "65_plus",
        "sitting_hours": "under_4",
        "heavy_work": "often",
        "exercise": "rarely",
        "cold_damp_places": "rarely",
        "stress": "low",
        "sleep": "fair",
        "peg_pain": 5,
        "peg_enjoyment": 4,
        "peg_activity": 5,
        "cautions": ["none"],
    }
    answers.update(changes)
    return answers


def typical_v1_answers(**changes: Any) -> dict[str, Any]:
    """The same picture as questionnaire version 1 asked it (stored submissions and drafts from before version 2)."""
    answers = {k: v for k, v in typical_answers().items() if k not in NO_RED_FLAGS}
    answers.update({"rf_now": ["none"], "rf_history": ["none"], "rf_inflammatory": ["none"]})
    answers.update(changes)
    return answers


def with_answer(
    answers: dict[str, Any], link_id: str, code: str, questionnaire: Questionnaire | None = None
) -> dict[str, Any]:
    """The answers with ``code`` chosen for ``link_id`` (added to a multi-select), made valid around it.

    A question hidden by its condition is enabled by choosing the condition's answer first; questions the change
    enables are answered plainly ("none", or the first option), and answers it hides are left out.
    """
    q = questionnaire or current()
    question = q.by_id[link_id]
    out = dict(answers)
    if not q.is_enabled(question, out):
        condition = question.enable_when[0]
        out = with_answer(out, condition.question, condition.answer, q)
    if question.kind == "multi":
        before = out.get(link_id, [])
        kept = [c for c in before if not getattr(question.option(c), "exclusive", False)]
        out[link_id] = [c for c in question.codes if c in kept or c == code]
    else:
        out[link_id] = code
    return completed(out, q)


def completed(answers: dict[str, Any], questionnaire: Questionnaire | None = None) -> dict[str, Any]:
    """The answers with every required question their conditions enable answered plainly, and hidden ones dropped."""
    q = questionnaire or current()
    out = dict(answers)
    for question in q.questions:  # declaration order: a condition always names an earlier question
        enabled = q.is_enabled(question, out)
        if not enabled:
            out.pop(question.link_id, None)
        elif question.link_id not in out and question.required:
            out[question.link_id] = _plain_answer(question)
    return out


def _plain_answer(question: Any) -> Any:
    if question.kind == "multi":
        exclusive = [o.code for o in question.options if o.exclusive]
        return exclusive or [question.options[0].code]
    if question.kind == "integer":
        return question.minimum
    # A follow-up is answered as long past, so filling it in never raises a flag by itself.
    return next((o.code for o in question.options if o.not_recent), question.options[0].code)
