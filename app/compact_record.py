"""The compact record of an assessment, as a submission stores it: ``compact`` leaves out, ``expand`` puts back. Pure.

What an assessment's JSON repeats from the questionnaire and the advice rather than decides: the option labels of
its contributions, the therapies' names and details, the disclaimer. A stored record leaves them out, and keeps each
contribution as [question, answer, points]; ``expand`` puts the rest back from the record's own questionnaire
version. A typical record is half its JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app import advice
from app.questionnaire import Questionnaire

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
        pattern = advice.detail_pattern(therapy, record["primary"], record["secondary"])
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
