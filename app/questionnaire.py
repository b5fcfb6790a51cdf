"""The questionnaire as data: declarations, answer validation and conditional logic.

Everything that shows, checks, scores or exports a question derives from the declarations in
``app/questionnaires/``. This module is pure (standard library only) so the rule engine, the CLI and the tests
can use it without an application.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from app.flag_rules import FlagRule, RedFlag
from app.input_values import Refused, clean_text, parse_integer
from app.point_rules import PointRule
from app.point_rules import check as check_point_rules

Kind = Literal["single", "multi", "integer", "text"]
AnswerValue = str | list[str] | int | bool
Answers = Mapping[str, AnswerValue]

KIDNEY = "kidney_deficiency"
STAGNATION = "qi_blood_stagnation"
COLD_DAMP = "cold_damp"
LIVER = "liver_qi_stagnation"
DAMP_HEAT = "damp_heat"  # recognised so it can be handed off; never offered as a clinic pattern
PATTERNS: tuple[str, ...] = (KIDNEY, STAGNATION, COLD_DAMP, LIVER)
SIGNALS: tuple[str, ...] = (*PATTERNS, DAMP_HEAT)


def N_(text: str) -> str:
    """Mark a string for translation; it is translated where it is shown."""
    return text


@dataclass(frozen=True)
class Option:
    code: str
    text: str
    # Points this answer gives each pattern (or the damp-heat cluster), from the domain reference.
    points: Mapping[str, int] = field(default_factory=dict)
    # Kidney deficiency sub-type this answer points to ("yang" or "yin"); never decides presence.
    subtype: str | None = None
    red_flag: RedFlag | None = None
    caution: str | None = None
    # "None of these": chosen alone or not at all.
    exclusive: bool = False
    # A follow-up's answer for something long past or long-standing and unchanged: it reaches the practitioner but
    # never makes a result urgent on its own (a property test holds every such option to that).
    not_recent: bool = False


@dataclass(frozen=True)
class EnableWhen:
    """Show a question only when another question's answer includes ``answer``."""

    question: str
    answer: str


@dataclass(frozen=True)
class Question:
    link_id: str
    kind: Kind
    text: str
    help: str = ""
    options: tuple[Option, ...] = ()
    required: bool = True
    minimum: int = 0
    maximum: int = 10
    min_label: str = ""
    max_label: str = ""
    max_length: int = 500
    enable_when: tuple[EnableWhen, ...] = ()
    # A flag raised when at least this many of the options (other than "none") are chosen together.
    flag_at_least: tuple[int, RedFlag] | None = None
    # Shown as a pain map where the browser can draw it; the option list stays the fallback.
    widget: str = ""
    # Asks about circumstances (age, how long, work, surroundings) rather than what the person feels: its points add
    # to a pattern's score, but they are not that pattern's own signs (see ``rules.own_signs``).
    background: bool = False

    def option(self, code: str) -> Option | None:
        return self._options_by_code.get(code)

    @cached_property
    def _options_by_code(self) -> dict[str, Option]:
        return {o.code: o for o in self.options}

    @cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    questions: tuple[Question, ...]

    def toggles(self, question: Question) -> bool:
        """True when the question depends on an answer on this same step: the page shows or hides it as they answer."""
        return bool(question.enable_when) and any(q.link_id == question.enable_when[0].question for q in self.questions)


@dataclass(frozen=True)
class FieldError:
    """A message for one question; ``params`` fill its placeholders after translation."""

    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per version
class Questionnaire:
    version: str
    url: str
    title: str
    sections: tuple[Section, ...]
    flag_rules: tuple[FlagRule, ...] = ()
    point_rules: tuple[PointRule, ...] = ()

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for question in self.questions:
            if question.link_id in seen:
                raise ValueError(f"duplicate linkId {question.link_id!r}")
            for condition in question.enable_when:
                target = self.by_id.get(condition.question) if condition.question in seen else None
                if target is None or target.option(condition.answer) is None:
                    raise ValueError(f"{question.link_id}: enableWhen must name an earlier option")
            seen.add(question.link_id)
        for rule in self.flag_rules:
            if not rule.all_of:
                raise ValueError(f"flag rule {rule.code}: at least one condition must always hold")
            for answered in (*rule.all_of, *rule.any_of):
                asked = self.by_id.get(answered.question)
                if asked is None or not answered.answers or any(asked.option(a) is None for a in answered.answers):
                    raise ValueError(f"flag rule {rule.code}: {answered.question} must name its options")
        check_point_rules(self.point_rules, self.by_id)

    @property
    def questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions

    @cached_property
    def by_id(self) -> dict[str, Question]:
        return {q.link_id: q for q in self.questions}

    @cached_property
    def red_flags(self) -> dict[str, RedFlag]:
        """Every red flag the questionnaire can raise, by code."""
        flags = {o.red_flag.code: o.red_flag for q in self.questions for o in q.options if o.red_flag}
        flags.update({q.flag_at_least[1].code: q.flag_at_least[1] for q in self.questions if q.flag_at_least})
        flags.update({r.flag.code: r.flag for r in self.flag_rules})
        return flags

    def answer_text(self, link_id: str, code: str) -> str | None:
        """The declared words for an answer the engine lists: an option's, or a point rule's."""
        question = self.by_id.get(link_id)
        option = question.option(code) if question is not None else None
        if option is not None:
            return option.text
        rule = next((r for r in self.point_rules if r.question == link_id and r.code == code), None)
        return rule.text if rule is not None else None

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def section_index(self, key: str) -> int:
        return [s.key for s in self.sections].index(key)

    def is_enabled(self, question: Question, answers: Mapping[str, object]) -> bool:
        """True when any of the question's conditions holds (FHIR ``enableBehavior: any``).

        A condition on a question that is itself hidden does not hold, so a stale answer never enables anything.
        """
        if not question.enable_when:
            return True
        for target, codes in self._conditions[question.link_id]:
            if _includes_any(answers.get(target.link_id), codes) and self.is_enabled(target, answers):
                return True
        return False

    @cached_property
    def _conditions(self) -> dict[str, tuple[tuple[Question, frozenset[str]], ...]]:
        """Each conditional question's conditions grouped by the question they look at, for ``is_enabled``."""
        grouped: dict[str, dict[str, set[str]]] = {}
        for question in self.questions:
            for condition in question.enable_when:
                grouped.setdefault(question.link_id, {}).setdefault(condition.question, set()).add(condition.answer)
        return {
            link_id: tuple((self.by_id[target], frozenset(codes)) for target, codes in targets.items())
            for link_id, targets in grouped.items()
        }

    def validate(
        self, answers: Mapping[str, object], only: Section | None = None
    ) -> tuple[dict[str, AnswerValue], dict[str, FieldError]]:
        """Check answers against the declarations and return ``(clean, errors)``.

        Unknown questions are errors; answers to questions their conditions hide are dropped. With ``only``,
        just that section's questions are checked and returned (a wizard step).
        """
        scope = only.questions if only else tuple(self.by_id.values())
        errors: dict[str, FieldError] = {}
        if only is None:
            for key in answers:
                if key not in self.by_id:
                    errors[str(key)] = FieldError(N_("This is not a question in this questionnaire."))
        clean: dict[str, AnswerValue] = {}
        for question in scope:
            # Conditions read checked answers first; earlier sections' answers come from the draft.
            if question.enable_when and not self.is_enabled(question, {**answers, **clean}):
                continue
            raw = answers.get(question.link_id)
            if _is_blank(raw):
                if question.required:
                    errors[question.link_id] = FieldError(_missing_message(question))
                continue
            value, error = _coerce(question, raw)
            if error is not None:
                errors[question.link_id] = error
            elif value is not None:
                clean[question.link_id] = value
        return clean, errors

    def first_incomplete(self, answers: Answers) -> Section | None:
        """The first section whose answers do not yet validate (where a returning person resumes)."""
        for section in self.sections:
            if self.validate(answers, only=section)[1]:
                return section
        return None


def _missing_message(question: Question) -> str:
    if question.kind == "multi":
        if any(o.exclusive for o in question.options):
            return N_("Please tick at least one answer, or the “none” answer if nothing applies.")
        return N_("Please choose at least one answer.")
    return {
        "single": N_("Please choose one answer."),
        "integer": N_("Please give a number."),
        "text": N_("Please fill this in."),
    }[question.kind]


def _includes_any(value: object, codes: frozenset[str]) -> bool:
    """Whether an answer (a code, or a list of them as posted) includes any of ``codes``."""
    if isinstance(value, str):
        return value in codes
    if isinstance(value, list):
        return any(isinstance(v, str) and v in codes for v in value)
    return False


def _is_blank(raw: object) -> bool:
    return raw is None or raw == "" or raw == []


def _coerce(question: Question, raw: object) -> tuple[AnswerValue | None, FieldError | None]:
    if question.kind == "single":
        if not isinstance(raw, str) or question.option(raw) is None:
            return None, FieldError(N_("Please choose one of the answers shown."))
        return raw, None
    if question.kind == "multi":
        codes = [raw] if isinstance(raw, str) else raw
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            return None, FieldError(N_("Please choose from the answers shown."))
        options = [question.option(c) for c in codes]
        if any(o is None for o in options):
            return None, FieldError(N_("Please choose from the answers shown."))
        if len(codes) > 1 and any(o is not None and o.exclusive for o in options):
            return None, FieldError(N_("“None of these” cannot be chosen together with other answers."))
        ordered = [c for c in question.codes if c in codes]  # declaration order, no duplicates
        return ordered, None
    if question.kind == "integer":
        try:
            # A JSON number may come as 7.0; anything else goes through the one integer parser.
            whole = int(raw) if isinstance(raw, float) and raw.is_integer() else raw
            return parse_integer(whole, question.minimum, question.maximum), None
        except Refused:
            return None, FieldError(
                N_("Please give a whole number from %(minimum)s to %(maximum)s."),
                {"minimum": question.minimum, "maximum": question.maximum},
            )
    try:
        text = clean_text(raw, max_length=question.max_length, multiline=True)
    except Refused as refused:
        if refused.reason == "type":
            return None, FieldError(N_("Please type your answer as text."))
        if refused.reason == "length":
            return None, FieldError(
                N_("Please keep this to %(maximum)s characters or fewer."),
                {"maximum": question.max_length},
            )
        return None, FieldError(
            N_("Please remove the invisible or unusual characters from your answer, then try again.")
        )
    return (text or None), None


def chosen_options(question: Question, value: AnswerValue | None) -> list[Option]:
    """The options an answer selects, in declaration order."""
    if value is None or question.kind not in ("single", "multi"):
        return []
    codes = value if isinstance(value, list) else [value]
    return [o for o in question.options if o.code in codes]
