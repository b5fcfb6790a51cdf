"""A step's questions as HTML: the field macro draws each question once per language, requests fill in the choices.

Drawing a question means translating and escaping every option label, which was most of the cost of a step page.
Without an error message a question's markup depends only on the language, the questionnaire version, the question
and what is chosen or typed, so the macro in ``_macros/fields.html`` is rendered once with a placeholder wherever an
answer shows (``checked``, ``aria-checked``, the text typed) and each request fills them in
(``app/patient/fragments.py``).
A question with an error is drawn in full: its markup changes with the message, and errors are the rare case.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from markupsafe import Markup

from app.patient.fragments import Skeleton, cached, choice, hole, store
from app.questionnaire import Answers, FieldError, Question, Questionnaire, Section


@dataclass(frozen=True)
class Choices:
    """What the macro asks of an answer: which options are chosen, and the text typed."""

    chosen: Collection[str]
    text: str = ""

    def when(self, code: str, yes: str = "checked", no: str = "") -> str:
        return yes if code in self.chosen else no


class Placeholders:
    """Stands in for ``Choices`` while a question is drawn once, marking where the answer shows."""

    text = hole("text")

    def when(self, code: str, yes: str = "checked", no: str = "") -> Markup:
        return choice(code, yes, no)


def choices(question: Question, value: Any) -> Choices:
    """The choices a raw answer (from the draft or from the posted form) stands for."""
    if question.kind == "text":
        return Choices((), "" if value is None else str(value))
    values = value if isinstance(value, list) else [] if value in (None, "") else [value]
    return Choices(frozenset(str(v) for v in values))


def step_fields(
    q: Questionnaire, section: Section, answers: Answers, values: Mapping[str, Any], errors: Mapping[str, FieldError]
) -> Markup:
    """A step's questions in order: ``answers`` (the draft) decide which apply, ``values`` are what they show.

    A question that depends on another on the same step is always drawn, inside its condition; one that depends
    on an earlier step is drawn only when that answer enables it.
    """
    out: list[Markup] = []
    for question in section.questions:
        toggles = section.toggles(question)
        if not toggles and not q.is_enabled(question, answers):
            continue
        field = question_html(q.version, question, values.get(question.link_id), errors.get(question.link_id))
        out.append(_macro("conditional_question")(q, question, field) if toggles else field)
    return Markup("\n").join(out)


def question_html(version: str, question: Question, value: Any, error: FieldError | None) -> Markup:
    """One question as HTML, showing ``value`` and, when given, the error next to it."""
    answer = choices(question, value)
    kept = store()
    if error is not None or kept is None:
        return _macro("question_markup")(question, error, answer)
    skeleton = cached(
        kept,
        ("question", version, question.link_id),
        lambda: Skeleton.parse(_macro("question_markup")(question, None, Placeholders())),
    )
    return skeleton.fill({"text": answer.text}, answer.chosen)


def _macro(name: str) -> Callable[..., Markup]:
    """A macro of ``_macros/fields.html``; templates are autoescaped, so it returns Markup."""
    macro: Callable[..., Markup] = getattr(current_app.jinja_env.get_template("_macros/fields.html").module, name)
    return macro
