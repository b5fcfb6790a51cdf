"""Flask-WTF forms built per request from the questionnaire.

WTForms parses the request and carries CSRF; the questionnaire's own ``validate`` decides what is valid, so the
rules for an answer live in one place whether it comes from a page or from the API.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import Field, SelectMultipleField, StringField, TextAreaField

from app.questionnaire import AnswerValue, FieldError, Question, Questionnaire, Section


def _field(question: Question) -> Field:
    """A field that parses the question's raw answer; the macro in ``_macros/fields.html`` draws it from the data."""
    label = lazy_gettext(question.text)
    if question.kind == "multi":
        return SelectMultipleField(label, validate_choice=False)
    if question.kind == "text":
        return TextAreaField(label)
    return StringField(label)  # one chosen code, or a number tapped on the 0-10 row


class StepForm(FlaskForm):
    """One section of the questionnaire; fields are added by ``step_form``."""

    section: Section
    questionnaire: Questionnaire

    def answers(self) -> dict[str, Any]:
        """What the person entered on this step, as raw answers."""
        return {q.link_id: self[q.link_id].data for q in self.section.questions}

    def check(self, earlier: dict[str, Any]) -> dict[str, AnswerValue] | None:
        """Validate CSRF and the answers; on failure attach messages to the fields and return None."""
        csrf_ok = super().validate()
        clean, errors = self.questionnaire.validate({**earlier, **self.answers()}, only=self.section)
        for link_id, error in errors.items():
            self[link_id].errors = [error]
        return clean if csrf_ok and not errors else None

    def question_errors(self) -> dict[str, FieldError]:
        return {q.link_id: self[q.link_id].errors[0] for q in self.section.questions if self[q.link_id].errors}


def step_form(questionnaire: Questionnaire, section: Section, saved: dict[str, Any], **kwargs: Any) -> StepForm:
    """A form for one step, pre-filled from the draft (a GET) or from the request (a POST)."""
    fields = {q.link_id: _field(q) for q in section.questions}
    form_class = type("SectionForm", (StepForm,), fields)
    form = form_class(data={k: _as_form_value(v) for k, v in saved.items()}, **kwargs)
    form.section = section
    form.questionnaire = questionnaire
    return form


def _as_form_value(value: Any) -> Any:
    return [str(v) for v in value] if isinstance(value, list) else str(value)
