"""Forms of outcomes: the person's check-in (built per request from the check-in questionnaire, like a screening
step) and the practitioner's course of treatment (choices from the data, so a code outside them is refused)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from app import advice
from app.forms import StepForm, step_form
from app.models import Course
from app.outcomes import measures
from app.outcomes.service import CourseDetails
from app.questionnaire import AnswerValue, FieldError
from app.questionnaires.check_in import QUESTIONNAIRE as CHECK_IN
from app.review.forms import PATTERN_CHOICES
from app.web.field_checks import CleanText, WholeNumberField


class CheckInForm:
    """The whole check-in on one page: one ``StepForm`` per section of the check-in questionnaire."""

    def __init__(self, saved: dict[str, Any] | None = None) -> None:
        self.parts: list[StepForm] = [step_form(CHECK_IN, section, saved or {}) for section in CHECK_IN.sections]

    def answers(self) -> dict[str, Any]:
        """What the person entered, as raw answers (kept on the page whatever happens)."""
        return {k: v for part in self.parts for k, v in part.answers().items()}

    def check(self) -> dict[str, AnswerValue] | None:
        """Validate CSRF and every section; on failure the fields carry their messages and None is returned."""
        clean: dict[str, AnswerValue] = {}
        valid = True
        for part in self.parts:
            checked = part.check(clean)
            valid = valid and checked is not None
            clean.update(checked or {})
        return clean if valid else None

    def errors(self) -> dict[str, FieldError]:
        return {k: v for part in self.parts for k, v in part.question_errors().items()}


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


NO_PATTERN = ""
THERAPY_CHOICES = [SelectChoice(t.code, t.name) for t in advice.THERAPIES]


class CourseForm(FlaskForm):
    row_version = WholeNumberField(widget=HiddenInput(), minimum=0, validators=[InputRequired()])
    pattern = SelectField(
        "Pattern you treat",
        choices=[SelectChoice(NO_PATTERN, "No clear pattern"), *PATTERN_CHOICES],
        default=NO_PATTERN,
    )
    therapies = _Checkboxes("Therapies given", choices=THERAPY_CHOICES)
    weeks = StringField(
        "Check-ins at these weeks after the start",
        validators=[CleanText(200)],
        default=measures.format_weeks(measures.DEFAULT_WEEKS),
    )
    reminders = BooleanField("The person agreed to email reminders when a check-in is due")

    def validate_therapies(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Tick at least one therapy.")

    def validate_weeks(self, field: Field) -> None:
        try:
            measures.parse_weeks(field.data or "")
        except measures.ScheduleError as problem:
            raise ValidationError(str(problem)) from None

    def details(self) -> CourseDetails:
        codes = set(self.therapies.data or ())
        return CourseDetails(
            pattern=self.pattern.data or None,
            therapies=tuple(code for code in advice.THERAPY_CODES if code in codes),
            weeks=measures.parse_weeks(self.weeks.data or ""),
            reminders=bool(self.reminders.data),
        )

    def rebase(self, version: int) -> None:
        """Carry ``version`` from now on: the user has seen the newer saved values and may deliberately save over."""
        self.row_version.data = version
        self.row_version.raw_data = [str(version)]


def course_form(course: Course | None, default_pattern: str | None, **kwargs: Any) -> CourseForm:
    """The form pre-filled from the saved course (a GET), or a new course's defaults, or the request (a POST)."""
    if course is None:
        data: dict[str, Any] = {"row_version": 0, "pattern": default_pattern or NO_PATTERN}
    else:
        data = {
            "row_version": course.row_version,
            "pattern": course.pattern or NO_PATTERN,
            "therapies": list(course.therapies),
            "weeks": measures.format_weeks(course.weeks),
            "reminders": course.reminders,
        }
    return CourseForm(data=data, **kwargs)


class VersionForm(FlaskForm):
    """A button that changes a course (finish it): carries the version it was made from."""

    row_version = WholeNumberField(widget=HiddenInput(), minimum=0, validators=[InputRequired()])
