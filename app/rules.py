"""The rule engine: answers in, assessment out. Pure and deterministic (no Flask, database or clock).

How it decides (``shared/domain/low-back-pain.md`` §4.5 and ``shared/product.md`` §"The rule engine"):

1. **Red flags first.** Any emergency or urgent red flag, raised by an answer or by a combination rule the
   questionnaire declares (answers that count only together, or only while recent), makes the result urgent and no
   pattern is offered; a *refer* flag is reported above the pattern result (``docs/safety.md``).
2. **Scores.** Each answer carries points per pattern in the questionnaire data (primary findings 2, secondary 1),
   and so does each declared point rule: answers that count once together (pain on both sides of the lower back,
   pain reaching the buttocks or legs on the pain map). A pattern's score is its points as a share of the most it
   could reach from the whole questionnaire, 0-100, so a pattern with more questions is not favoured.
3. **Levels.** ``LIKELY`` and ``POSSIBLE`` thresholds (CCMQ-style bands, calibrated on the vignettes) label each
   score. The primary pattern is the highest likely one with at least ``OWN_SIGNS`` of its own signs (answers that
   point to it alone and describe what the person feels, not their circumstances). Another pattern is secondary
   from its own evidence: likely, or possible with ``OWN_SIGNS`` signs of its own (mixed patterns are common). No
   such primary means "no clear pattern".
4. **Damp-heat** findings (outside the clinic's four patterns) lower confidence; when they outweigh every pattern
   no pattern is forced.
5. **Cautions** from the before-therapy answers mark therapies to adapt or avoid; they never change scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from app import advice
from app.questionnaire import (
    DAMP_HEAT,
    KIDNEY,
    PATTERNS,
    SIGNALS,
    Answered,
    Answers,
    FlagRule,
    Option,
    PointRule,
    Question,
    Questionnaire,
    RedFlag,
)

# 2.0.0: red flags from declared combinations and time windows (questionnaire 2); a secondary pattern from its own
# signs rather than its distance to the primary; a primary needs signs of its own. 2.1.0: point rules, answers that
# count once together (questionnaire 3's pain map); questionnaires without them score as before (docs/rules.md).
RULES_VERSION = "2.1.0"

# Thresholds on the 0-100 scores (docs/rules.md explains them). A picture made of all of one pattern's primary findings
# (weight 2) scores 56-73, so LIKELY is about half of them, in the spirit of the "main + secondary symptoms, minimum
# count" rules [S77]. CCMQ's 40/30 [S52] are for Likert items that all add to a score; here one person cannot tick
# every option, so scores run lower. docs/rules.md has the calibration table on the development vignettes.
LIKELY = 30
POSSIBLE = 15
# A pattern needs this many of its own signs to be named at all, primary or (below LIKELY) secondary: "main +
# secondary symptoms, minimum count" [S77]; mixed patterns are common [S25][S26].
OWN_SIGNS = 2
# The primary's lead over every other pattern for "high" confidence.
CONFIDENCE_GAP = 15
# Damp-heat findings this strong (0-100 like a pattern) mean the picture may lie outside the clinic's patterns.
OUT_OF_SCOPE = 20
THRESHOLDS = {"likely": LIKELY, "possible": POSSIBLE, "own_signs": OWN_SIGNS, "out_of_scope": OUT_OF_SCOPE}
URGENT_LEVELS = frozenset({"emergency", "urgent"})
LEVEL_ORDER = {"emergency": 0, "urgent": 1, "refer": 2}


@dataclass(frozen=True)
class Contribution:
    question: str
    answer: str
    text: str
    points: int


@dataclass(frozen=True)
class Finding:
    """A red flag raised by the answers: which answers raised it and, for a declared combination, why they count."""

    code: str
    level: str
    label: str
    answers: tuple[str, ...]
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class TherapyAdvice:
    code: str
    name: str
    detail: str
    status: str  # "recommended", "with_care" or "not_advised"
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assessment:
    rules_version: str
    questionnaire_version: str
    urgent: bool
    red_flags: tuple[Finding, ...]
    primary: str | None
    secondary: tuple[str, ...]
    scores: dict[str, int]
    levels: dict[str, str]
    contributions: dict[str, tuple[Contribution, ...]]
    own_signs: dict[str, int]
    out_of_scope: str | None
    damp_heat_score: int
    confidence: str  # "high", "moderate" or "low"
    kidney_subtype: str | None
    therapies: tuple[TherapyAdvice, ...]
    cautions: tuple[str, ...]
    summary: str = field(default="")

    def to_json(self) -> dict[str, Any]:
        """The assessment in the API's JSON shape (``shared/product.md`` §"Interface contracts")."""
        return {
            "rules_version": self.rules_version,
            "questionnaire_version": self.questionnaire_version,
            "urgent": self.urgent,
            "red_flags": [
                {"code": f.code, "level": f.level, "answers": list(f.answers), "because": list(f.reasons)}
                for f in self.red_flags
            ],
            "primary": self.primary,
            "secondary": list(self.secondary),
            "scores": dict(self.scores),
            "out_of_scope": self.out_of_scope,
            "confidence": self.confidence,
            "kidney_subtype": self.kidney_subtype,
            "explanation": {
                "summary": self.summary,
                "thresholds": THRESHOLDS,
                "patterns": {
                    code: {
                        "score": self.scores[code],
                        "level": self.levels[code],
                        "own_signs": self.own_signs[code],
                        "contributions": [
                            {
                                "question": c.question,
                                "answer": c.answer,
                                "text": c.text,
                                "points": c.points,
                            }
                            for c in self.contributions[code]
                        ],
                    }
                    for code in PATTERNS
                },
                "damp_heat": {
                    "score": self.damp_heat_score,
                    "contributions": [
                        {
                            "question": c.question,
                            "answer": c.answer,
                            "text": c.text,
                            "points": c.points,
                        }
                        for c in self.contributions[DAMP_HEAT]
                    ],
                },
            },
            "therapies": [
                {
                    "code": t.code,
                    "name": t.name,
                    "detail": t.detail,
                    "status": t.status,
                    "notes": list(t.notes),
                }
                for t in self.therapies
            ],
            "cautions": list(self.cautions),
            "disclaimer": advice.DISCLAIMER,
        }

    def to_record(self) -> dict[str, Any]:
        """The assessment as it is stored: ``to_json`` without what ``expand`` derives again (see ``compact``)."""
        return compact(self.to_json())


# What an assessment's JSON repeats from the questionnaire and the advice rather than decides: the option labels of
# its contributions, the therapies' names and details, the disclaimer. A stored record leaves them out, and keeps each
# contribution as [question, answer, points]; ``expand`` puts the rest back from the record's own questionnaire
# version. A typical record is half its JSON.
_DERIVED_THERAPY = ("name", "detail")


def compact(result: Mapping[str, Any]) -> dict[str, Any]:
    """An assessment's JSON without its derived parts; ``expand(compact(j), q) == j`` for any ``to_json`` of ``q``."""
    if "explanation" not in result:
        return dict(result)  # an erased or empty result has nothing derived
    explanation = result["explanation"]
    record = {key: value for key, value in result.items() if key != "disclaimer"}
    record["explanation"] = {
        **explanation,
        "patterns": {
            code: {**pattern, "contributions": _triples(pattern["contributions"])}
            for code, pattern in explanation["patterns"].items()
        },
        "damp_heat": {**explanation["damp_heat"], "contributions": _triples(explanation["damp_heat"]["contributions"])},
    }
    record["therapies"] = _without(result["therapies"], _DERIVED_THERAPY)
    return record


def expand(record: Mapping[str, Any], questionnaire: Questionnaire) -> dict[str, Any]:
    """A stored record as ``to_json`` gave it, with the labels of ``questionnaire`` (the record's own version).

    A record stored whole (before records were compacted) comes back as it is.
    """
    if "explanation" not in record or "disclaimer" in record:
        return dict(record)
    explanation = record["explanation"]

    def labelled(triples: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
        return [
            {
                "question": question,
                "answer": answer,
                "text": _option_text(questionnaire, question, answer),
                "points": points,
            }
            for question, answer, points in triples
        ]

    therapies = []
    for given in record["therapies"]:
        therapy = advice.THERAPY_BY_CODE[given["code"]]
        pattern = _therapy_pattern(therapy, record["primary"], record["secondary"])
        detail = therapy.detail[pattern] if pattern is not None else ""
        therapies.append({"code": therapy.code, "name": therapy.name, "detail": detail, **given})
    patterns = {
        code: {**pattern, "contributions": labelled(pattern["contributions"])}
        for code, pattern in explanation["patterns"].items()
    }
    damp_heat = {**explanation["damp_heat"], "contributions": labelled(explanation["damp_heat"]["contributions"])}
    return {
        **record,
        "explanation": {**explanation, "patterns": patterns, "damp_heat": damp_heat},
        "therapies": therapies,
        "disclaimer": advice.DISCLAIMER,
    }


def _triples(contributions: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    return [[c["question"], c["answer"], c["points"]] for c in contributions]


def _without(items: Sequence[Mapping[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{k: v for k, v in item.items() if k not in keys} for item in items]


def _option_text(questionnaire: Questionnaire, link_id: str, code: str) -> str:
    text = questionnaire.answer_text(link_id, code)
    return text if text is not None else code


def max_points(questionnaire: Questionnaire) -> dict[str, int]:
    """The most each pattern (and the damp-heat cluster) can reach from the whole questionnaire."""
    totals = dict.fromkeys(SIGNALS, 0)
    for question in questionnaire.questions:
        for signal, points in _reachable(question).items():
            totals[signal] += points
    for rule in questionnaire.point_rules:
        for signal, points in rule.points.items():
            totals[signal] += points
    return totals


@dataclass(frozen=True)
class _Choice:
    """One option as the engine uses it: its place in the question and what it contributes to each signal."""

    question: Question
    option: Option
    index: int
    contributions: tuple[tuple[str, Contribution], ...]
    # The pattern this answer is a sign of on its own (see ``own_signs``), if any.
    sign_of: str | None
    # (linkId, code): what the combination rules look for.
    answer: tuple[str, str]


@dataclass(frozen=True)
class _Plan:
    """What ``assess`` needs from a questionnaire's declarations, worked out once."""

    reachable: dict[str, int]
    # What each conditional question adds to ``reachable``; taken off again when it does not apply to a person.
    conditional: tuple[tuple[Question, dict[str, int]], ...]
    # Choice questions (linkId, question, options by code); other kinds select no options.
    questions: tuple[tuple[str, Question, dict[str, _Choice]], ...]
    # Each combination rule with the answers each of its conditions accepts, as (linkId, code) sets, and the rules
    # (by index) that an answer can start, from their first condition: only those are looked at.
    triggers: dict[tuple[str, str], tuple[int, ...]]
    flag_rules: tuple[
        tuple[FlagRule, tuple[frozenset[tuple[str, str]], ...], tuple[frozenset[tuple[str, str]], ...]], ...
    ]
    point_rules: tuple[_PointPlan, ...] = ()


@dataclass(frozen=True)
class _PointPlan:
    """A point rule as the engine uses it: the answers each condition accepts, and what it contributes."""

    accepted: tuple[frozenset[tuple[str, str]], ...]
    contributions: tuple[tuple[str, Contribution], ...]
    sign_of: str | None


def _reachable(question: Question) -> dict[str, int]:
    points = {s: [o.points.get(s, 0) for o in question.options] for s in SIGNALS}
    return {s: sum(p) if question.kind == "multi" else max(p, default=0) for s, p in points.items()}


@cache  # declarations never change after import; questionnaires hash by identity
def _plan(questionnaire: Questionnaire) -> _Plan:
    questions = tuple(
        (
            question.link_id,
            question,
            {
                option.code: _Choice(
                    question,
                    option,
                    index,
                    tuple(
                        (signal, Contribution(question.link_id, option.code, option.text, option.points[signal]))
                        for signal in SIGNALS
                        if option.points.get(signal)
                    ),
                    _sign_of(question, option),
                    (question.link_id, option.code),
                )
                for index, option in enumerate(question.options)
            },
        )
        for question in questionnaire.questions
        if question.kind in ("single", "multi")
    )
    conditional = tuple((q, _reachable(q)) for q in questionnaire.questions if q.enable_when)
    flag_rules = tuple(
        (rule, tuple(_accepted(a) for a in rule.all_of), tuple(_accepted(a) for a in rule.any_of))
        for rule in questionnaire.flag_rules
    )
    triggers: dict[tuple[str, str], list[int]] = {}
    for index, (_, required, _) in enumerate(flag_rules):
        for answer in required[0]:
            triggers.setdefault(answer, []).append(index)
    started = {answer: tuple(indexes) for answer, indexes in triggers.items()}
    point_rules = tuple(_point_plan(rule) for rule in questionnaire.point_rules)
    return _Plan(max_points(questionnaire), conditional, questions, started, flag_rules, point_rules)


def _point_plan(rule: PointRule) -> _PointPlan:
    contributions = tuple(
        (signal, Contribution(rule.question, rule.code, rule.text, rule.points[signal]))
        for signal in SIGNALS
        if rule.points.get(signal)
    )
    patterns = [p for p in PATTERNS if rule.points.get(p)]
    # Where the pain is, is something the person feels: a rule for one pattern is one of its own signs, unless the
    # questionnaire says another pattern shares the finding.
    sign_of = patterns[0] if len(patterns) == 1 and rule.own_sign else None
    return _PointPlan(tuple(_accepted(a) for a in rule.all_of), contributions, sign_of)


def _accepted(condition: Answered) -> frozenset[tuple[str, str]]:
    return frozenset((condition.question, code) for code in condition.answers)


def _sign_of(question: Question, option: Option) -> str | None:
    """The one pattern an answer points to, when it describes what the person feels (not their circumstances)."""
    patterns = [p for p in PATTERNS if option.points.get(p)]
    return patterns[0] if len(patterns) == 1 and not question.background else None


def reachable_for(answers: Answers, questionnaire: Questionnaire) -> dict[str, int]:
    """The most each signal can reach from the questions these answers make applicable.

    A question that does not apply (period questions for someone without periods) is not held against anyone.
    No question that enables another carries points itself for what it enables, so this keeps scores monotone.
    """
    plan = _plan(questionnaire)
    return _reachable_without(plan, _hidden(answers, questionnaire, plan))


def _hidden(answers: Answers, questionnaire: Questionnaire, plan: _Plan) -> frozenset[str]:
    """The conditional questions these answers do not enable, worked out once per assessment."""
    return frozenset(q.link_id for q, _ in plan.conditional if not questionnaire.is_enabled(q, answers))


def _reachable_without(plan: _Plan, hidden: frozenset[str]) -> dict[str, int]:
    reachable = dict(plan.reachable)
    for question, extra in plan.conditional:
        if question.link_id in hidden:
            for signal, points in extra.items():
                reachable[signal] -= points
    return reachable


def assess(answers: Answers, questionnaire: Questionnaire) -> Assessment:
    """Assess validated answers (see ``Questionnaire.validate``) with the current rules."""
    plan = _plan(questionnaire)
    hidden = _hidden(answers, questionnaire, plan)
    chosen = _chosen(answers, hidden, plan)
    red_flags = _red_flags(chosen, plan)
    urgent = any(f.level in URGENT_LEVELS for f in red_flags)

    reachable = _reachable_without(plan, hidden)
    collected: dict[str, list[Contribution]] = {signal: [] for signal in SIGNALS}
    for choice in chosen:
        for signal, contribution in choice.contributions:
            collected[signal].append(contribution)
    held = _point_rules_held(chosen, plan)
    for rule in held:
        for signal, contribution in rule.contributions:
            collected[signal].append(contribution)
    contributions = {signal: tuple(collected[signal]) for signal in SIGNALS}
    raw = {signal: sum(c.points for c in contributions[signal]) for signal in SIGNALS}
    normalised = {s: round(100 * raw[s] / reachable[s]) if reachable[s] else 0 for s in SIGNALS}
    scores = {p: normalised[p] for p in PATTERNS}
    levels = {p: _level(scores[p]) for p in PATTERNS}
    heat = normalised[DAMP_HEAT]

    signs = dict.fromkeys(PATTERNS, 0)
    for sign in (*(c.sign_of for c in chosen), *(r.sign_of for r in held)):
        if sign:
            signs[sign] += 1
    named = {p for p in PATTERNS if signs[p] >= OWN_SIGNS}
    out_of_scope = DAMP_HEAT if heat >= OUT_OF_SCOPE else None
    # Ties break by the declared pattern order, so equal scores always give the same answer.
    candidates = sorted(
        (p for p in PATTERNS if levels[p] == "likely" and p in named),
        key=lambda p: (-scores[p], PATTERNS.index(p)),
    )
    primary = candidates[0] if candidates and not urgent else None
    if primary is not None and out_of_scope and heat >= scores[primary]:
        primary = None
    secondary = (
        tuple(
            p
            for p in sorted(PATTERNS, key=lambda p: (-scores[p], PATTERNS.index(p)))
            if p != primary and (levels[p] == "likely" or (levels[p] == "possible" and p in named))
        )
        if primary
        else ()
    )
    confidence = _confidence(primary, secondary, scores, out_of_scope)
    subtype = _kidney_subtype(chosen) if KIDNEY in (primary, *secondary) else None
    caution_codes = tuple(dict.fromkeys(c.option.caution for c in chosen if c.option.caution))
    therapies = _therapies(primary, secondary, subtype, caution_codes) if primary else ()

    return Assessment(
        rules_version=RULES_VERSION,
        questionnaire_version=questionnaire.version,
        urgent=urgent,
        red_flags=red_flags,
        primary=primary,
        secondary=secondary,
        scores=scores,
        levels=levels,
        contributions=contributions,
        own_signs=signs,
        out_of_scope=out_of_scope,
        damp_heat_score=heat,
        confidence=confidence,
        kidney_subtype=subtype,
        therapies=therapies,
        cautions=caution_codes,
        summary=_summary(urgent, primary, secondary, out_of_scope),
    )


def _chosen(answers: Answers, hidden: frozenset[str], plan: _Plan) -> list[_Choice]:
    """The options the answers select, question by question in declaration order (as ``chosen_options``)."""
    chosen: list[_Choice] = []
    get = answers.get
    for link_id, _question, choices in plan.questions:
        value = get(link_id)
        if value is None or link_id in hidden:
            continue
        if isinstance(value, str):
            if value in choices:
                chosen.append(choices[value])
        elif isinstance(value, list):
            picked = [choices[c] for c in value if isinstance(c, str) and c in choices]
            # Validated answers are already in declaration order without repeats; anything else is put so.
            if len(picked) > 1:
                indexes = [c.index for c in picked]
                if indexes != sorted(set(indexes)):
                    picked = sorted({c.index: c for c in picked}.values(), key=lambda c: c.index)
            chosen.extend(picked)
    return chosen


def _point_rules_held(chosen: list[_Choice], plan: _Plan) -> list[_PointPlan]:
    """The point rules whose every condition the chosen answers meet, in declaration order."""
    if not plan.point_rules:
        return []
    picked = {choice.answer for choice in chosen}
    return [rule for rule in plan.point_rules if not any(accepted.isdisjoint(picked) for accepted in rule.accepted)]


def _red_flags(chosen: list[_Choice], plan: _Plan) -> tuple[Finding, ...]:
    """Every red flag the chosen answers raise: by an option, by a count of signs, or by a declared combination.

    Of several flags for one condition (past cancer on its own, and past cancer with new pain) only those at the
    most serious level are reported, so a result never says both "see a doctor today" and "mention it some time".
    """
    raised: dict[str, tuple[RedFlag, list[str], list[str]]] = {}

    def raise_(flag: RedFlag, answers: list[str], reason: str | None = None) -> None:
        _, found, reasons = raised.setdefault(flag.code, (flag, [], []))
        found.extend(a for a in answers if a not in found)
        if reason is not None and reason not in reasons:
            reasons.append(reason)

    signs: dict[str, tuple[tuple[int, RedFlag], list[str]]] = {}
    picked = {choice.answer for choice in chosen}
    for choice in chosen:
        question, option = choice.question, choice.option
        if option.red_flag:
            raise_(option.red_flag, [f"{question.link_id}.{option.code}"])
        if question.flag_at_least and not option.exclusive:
            signs.setdefault(question.link_id, (question.flag_at_least, []))[1].append(option.code)
    # A flag raised by several signs of one question together (version 1's inflammatory back pain).
    for link_id, ((count, flag), codes) in signs.items():
        if len(codes) >= count:
            raise_(flag, [f"{link_id}.{s}" for s in codes])
    candidates = sorted({i for answer in picked for i in plan.triggers.get(answer, ())})  # in declaration order
    for rule, required, optional in (plan.flag_rules[i] for i in candidates):
        # Set tests first (most rules do not fire); only a rule that fires lists its answers, in declaration order.
        if any(accepted.isdisjoint(picked) for accepted in required):
            continue
        if optional and sum(not accepted.isdisjoint(picked) for accepted in optional) < rule.at_least:
            continue
        met = [*rule.all_of]
        met += [a for a, accepted in zip(rule.any_of, optional, strict=True) if not accepted.isdisjoint(picked)]
        raise_(rule.flag, [answer for condition in met for answer in _matches(condition, picked)], rule.reason)

    worst: dict[str, int] = {}
    for flag, _, _ in raised.values():
        worst[flag.group] = min(worst.get(flag.group, 3), LEVEL_ORDER[flag.level])
    findings = [
        Finding(f.code, f.level, f.label, tuple(a), tuple(r))
        for f, a, r in raised.values()
        if LEVEL_ORDER[f.level] == worst[f.group]
    ]
    return tuple(sorted(findings, key=lambda f: (LEVEL_ORDER[f.level], f.code)))


def _matches(condition: Answered, picked: set[tuple[str, str]]) -> list[str]:
    """The chosen answers (``linkId.code``) that meet a rule's condition; empty when it does not hold."""
    return [f"{condition.question}.{code}" for code in condition.answers if (condition.question, code) in picked]


def _level(score: int) -> str:
    if score >= LIKELY:
        return "likely"
    return "possible" if score >= POSSIBLE else "unlikely"


def _confidence(primary: str | None, secondary: tuple[str, ...], scores: dict[str, int], heat: str | None) -> str:
    if primary is None or heat:
        return "low"
    runner_up = max((scores[p] for p in PATTERNS if p != primary), default=0)
    return "high" if not secondary and scores[primary] - runner_up >= CONFIDENCE_GAP else "moderate"


def _kidney_subtype(chosen: list[_Choice]) -> str | None:
    """Yang or yin from the temperature and related items; "mixed" only when both are clearly present [S12].

    One sign of each is too little to call either, so no sub-type is named.
    """
    yang = sum(1 for c in chosen if c.option.subtype == "yang")
    yin = sum(1 for c in chosen if c.option.subtype == "yin")
    if yang >= 2 and yin >= 2:
        return "mixed"
    if yang > yin:
        return "yang"
    if yin > yang:
        return "yin"
    return None


def _therapies(
    primary: str, secondary: tuple[str, ...], subtype: str | None, cautions: tuple[str, ...]
) -> tuple[TherapyAdvice, ...]:
    """The clinic's therapies for the primary pattern (and any secondary one), shaped by the cautions."""
    result = []
    for therapy in advice.THERAPIES:
        pattern = _therapy_pattern(therapy, primary, secondary)
        if pattern is None:
            continue
        effects = [
            advice.CAUTIONS[c].effects[therapy.code] for c in cautions if therapy.code in advice.CAUTIONS[c].effects
        ]
        notes = [note for _, note in effects]
        if therapy.code == "acupuncture" and pattern == KIDNEY and subtype in ("yin", "mixed"):
            notes.append(advice.YIN_MOXA_NOTE)
        actions = {action for action, _ in effects}
        status = "not_advised" if "avoid" in actions else "with_care" if actions else "recommended"
        result.append(TherapyAdvice(therapy.code, therapy.name, therapy.detail[pattern], status, tuple(notes)))
    return tuple(result)


def _therapy_pattern(therapy: advice.Therapy, primary: str | None, secondary: Sequence[str]) -> str | None:
    """The pattern whose detail a therapy's advice gives: the primary's, else the first secondary's that has one."""
    return next((p for p in (primary, *secondary) if p in therapy.detail), None)


def _summary(urgent: bool, primary: str | None, secondary: tuple[str, ...], out_of_scope: str | None) -> str:
    if urgent:
        return "Red flags need conventional medical care first; no TCM pattern is offered."
    if primary is None:
        if out_of_scope:
            return "The answers fit damp-heat, which the clinic does not treat as one of its patterns."
        return "No clear pattern: the practitioner will assess in person."
    text = f"Most consistent with {primary}"
    if secondary:
        text += " with " + ", ".join(secondary)
    if out_of_scope:
        text += "; some damp-heat findings lower confidence"
    return text + "."
