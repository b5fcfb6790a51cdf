"""Reading answers sent to the API or the CLI: raw bytes to validated answers, or errors per linkId.

The accepted body is ``{"answers": {linkId: value}}`` or a FHIR ``QuestionnaireResponse``; other top-level fields
are ignored. Pure, so ``POST /api/v1/assessments`` and ``flask assess`` read input identically.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from app import fhir
from app.questionnaire import N_, AnswerValue, FieldError, Questionnaire

JSON_MIMETYPES = ("application/json", "application/fhir+json")


class InputError(Exception):
    """Input the API answers with ``status`` and ``{"errors": {key: message}}``."""

    def __init__(self, status: int, errors: Mapping[str, FieldError | str]) -> None:
        super().__init__(status)
        self.status = status
        self.errors = {key: str(message) for key, message in errors.items()}


def is_json_mimetype(mimetype: str) -> bool:
    return mimetype in JSON_MIMETYPES or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def load_json(raw: bytes) -> object:
    try:
        return json.loads(raw)
    # RecursionError: deeply nested arrays are valid JSON that Python's parser cannot hold.
    except (ValueError, RecursionError):
        raise InputError(400, {"_": N_("The body is not valid JSON.")}) from None


def raw_answers(body: object, questionnaire: Questionnaire) -> Mapping[str, object]:
    """The answers map in the body, not yet validated."""
    if not isinstance(body, dict):
        raise InputError(422, {"_": N_('Send a JSON object: {"answers": {...}} or a QuestionnaireResponse.')})
    if "resourceType" in body:
        if body["resourceType"] != "QuestionnaireResponse":
            raise InputError(422, {"resourceType": N_("Only a QuestionnaireResponse is accepted.")})
        answers, errors = fhir.answers_from_response(body, questionnaire)
        if errors:
            raise InputError(422, errors)
        return answers
    answers_map = body.get("answers")
    if not isinstance(answers_map, dict):
        raise InputError(422, {"answers": N_("Send the answers as a JSON object: {linkId: value}.")})
    return answers_map


def clean_answers(body: object, questionnaire: Questionnaire) -> dict[str, AnswerValue]:
    """Validated answers from a decoded body, or ``InputError(422)`` with a message per question."""
    clean, errors = questionnaire.validate(raw_answers(body, questionnaire))
    if errors:
        raise InputError(422, errors)
    return clean
