"""Forms of the practitioners' workspace. Choices come from the data (patterns, ``app.clinical_findings``), so a code
that is not in those lists is refused (422) rather than stored."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from app import advice
from app.clinical_findings import GROUPS, PULSE, TONGUE, FindingGroup
from app.models import Review
from app.questionnaire import PATTERNS
from app.review.workflow import MAX_NOTES, WORKFLOW, Assessment
from app.web.field_checks import CleanText, WholeNumberField

NO_PATTERN = ""
PATTERN_CHOICES = [SelectChoice(code, advice.PATTERN_INFO[code].name) for code in PATTERNS]


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def field_name(group: FindingGroup) -> str:
    """The form field of a findings group: ``tongue_body``, ``tongue_coating``, ``tongue_shape``, ``pulse``."""
    return group.key if group is PULSE else f"tongue_{group.key}"


def _findings_field(group: FindingGroup) -> Field:
    choices = [SelectChoice(f.code, f.label) for f in group.findings]
    if group.multiple:
        return _Checkboxes(group.label, choices=choices)
    return RadioField(group.label, choices=[SelectChoice("", "Not recorded"), *choices], default="")


class _VersionedForm(FlaskForm):
    row_version = WholeNumberField(widget=HiddenInput(), minimum=0, validators=[InputRequired()])

    def rebase(self, version: int) -> None:
        """Carry ``version`` from now on: the user has seen the newer saved values and may deliberately save over."""
        self.row_version.data = version
        self.row_version.raw_data = [str(version)]


class _AssessmentBase(_VersionedForm):
    primary = SelectField(
        "Primary pattern",
        choices=[SelectChoice(NO_PATTERN, "No clear pattern"), *PATTERN_CHOICES],
        default=NO_PATTERN,
    )
    secondary = _Checkboxes("Secondary patterns", choices=PATTERN_CHOICES)
    notes = TextAreaField("Notes", validators=[Optional(), CleanText(MAX_NOTES, multiline=True)])

    def validate_secondary(self, field: Field) -> None:
        if self.primary.data and self.primary.data in (field.data or []):
            raise ValidationError("A secondary pattern cannot also be the primary pattern.")

    def assessment(self) -> Assessment:
        return Assessment(
            primary=self.primary.data or None,
            secondary=tuple(self.secondary.data or ()),
            tongue={group.key: _codes(self[field_name(group)].data) for group in TONGUE},
            pulse=tuple(_codes(self[field_name(PULSE)].data)),
            notes=(self.notes.data or "").replace("\r\n", "\n").strip(),
        )


AssessmentForm: type[_AssessmentBase] = type(
    "AssessmentForm", (_AssessmentBase,), {field_name(group): _findings_field(group) for group in GROUPS}
)


def _codes(value: Any) -> list[str]:
    if not value:
        return []
    return list(value) if isinstance(value, list) else [value]


def assessment_form(review: Review | None, version: int, **kwargs: Any) -> _AssessmentBase:
    """The form pre-filled from the saved assessment (a GET), or from the request (a POST)."""
    data: dict[str, Any] = {"row_version": version}
    if review is not None:
        data.update(
            primary=review.primary_pattern or NO_PATTERN,
            secondary=list(review.secondary_patterns),
            pulse=list(review.pulse),
            notes=review.notes,
        )
        for group in TONGUE:
            codes = review.tongue.get(group.key, [])
            data[field_name(group)] = codes if group.multiple else (codes[0] if codes else "")
    return AssessmentForm(data=data, **kwargs)


class StatusForm(_VersionedForm):
    to_status = SelectField("Move to", choices=[SelectChoice(s) for s in WORKFLOW])


class EraseForm(FlaskForm):
    confirm = BooleanField(
        "The person asked for their data to be erased. Erase it now (this cannot be undone).",
        validators=[InputRequired(message="Tick the box to confirm the erasure.")],
    )


class SearchForm(FlaskForm):
    q = StringField("Reference code, or exact name, email or phone", validators=[InputRequired(), CleanText(254)])
