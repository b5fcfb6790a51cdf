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

from dataclasses import dataclass, field
from typing import Any

from app import advice
from app.answer_plan import (
    Choice,
    Contribution,
    chosen_choices,
    hidden_questions,
    plan_for,
    point_rules_held,
    reachable_without,
)
from app.cautions import CAUTIONS, YIN_MOXA_NOTE
from app.compact_record import compact
from app.questionnaire import DAMP_HEAT, KIDNEY, PATTERNS, SIGNALS, Answers, Questionnaire
from app.red_flags import URGENT_LEVELS, Finding, raised

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


def assess(answers: Answers, questionnaire: Questionnaire) -> Assessment:
    """Assess validated answers (see ``Questionnaire.validate``) with the current rules."""
    plan = plan_for(questionnaire)
    hidden = hidden_questions(answers, questionnaire, plan)
    chosen = chosen_choices(answers, hidden, plan)
    red_flags = raised(chosen, plan)
    urgent = any(f.level in URGENT_LEVELS for f in red_flags)

    reachable = reachable_without(plan, hidden)
    collected: dict[str, list[Contribution]] = {signal: [] for signal in SIGNALS}
    for choice in chosen:
        for signal, contribution in choice.contributions:
            collected[signal].append(contribution)
    held = point_rules_held(chosen, plan)
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


def _level(score: int) -> str:
    if score >= LIKELY:
        return "likely"
    return "possible" if score >= POSSIBLE else "unlikely"


def _confidence(primary: str | None, secondary: tuple[str, ...], scores: dict[str, int], heat: str | None) -> str:
    if primary is None or heat:
        return "low"
    runner_up = max((scores[p] for p in PATTERNS if p != primary), default=0)
    return "high" if not secondary and scores[primary] - runner_up >= CONFIDENCE_GAP else "moderate"


def _kidney_subtype(chosen: list[Choice]) -> str | None:
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
        pattern = advice.detail_pattern(therapy, primary, secondary)
        if pattern is None:
            continue
        effects = [CAUTIONS[c].effects[therapy.code] for c in cautions if therapy.code in CAUTIONS[c].effects]
        notes = [note for _, note in effects]
        if therapy.code == "acupuncture" and pattern == KIDNEY and subtype in ("yin", "mixed"):
            notes.append(YIN_MOXA_NOTE)
        actions = {action for action, _ in effects}
        status = "not_advised" if "avoid" in actions else "with_care" if actions else "recommended"
        result.append(TherapyAdvice(therapy.code, therapy.name, therapy.detail[pattern], status, tuple(notes)))
    return tuple(result)


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
