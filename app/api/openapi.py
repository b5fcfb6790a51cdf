"""The OpenAPI 3.1 contract of /api/v1, served at ``/api/v1/openapi.json``.

Written here once. The answers' schema is read from the questionnaire declarations (each question's codes, range or
length), so a new question is in the contract without a change here; ``tests/functional/api/test_openapi.py`` checks
that every /api/v1 route is documented and every documented path exists, and runs schemathesis against it.
"""

from __future__ import annotations

from typing import Any

from app.questionnaire import Question, Questionnaire

FHIR_JSON = "application/fhir+json"
JSON = "application/json"
IDEMPOTENCY_KEY_PATTERN = "^[!-~]{1,64}$"  # app.api.views: 1 to 64 visible ASCII characters

_REF = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref("Error")}}}


def _answer_schema(question: Question) -> dict[str, Any]:
    """What ``Questionnaire.validate`` can accept for one question (conditions and "none" alone aside)."""
    if question.kind == "single":
        return {"type": "string", "enum": list(question.codes)}
    if question.kind == "multi":
        codes = {"type": "string", "enum": list(question.codes)}
        return {"anyOf": [{"type": "array", "items": codes, "minItems": 1, "uniqueItems": True}, codes]}
    if question.kind == "integer":
        return {"type": "integer", "minimum": question.minimum, "maximum": question.maximum}
    return {
        "type": "string",
        "maxLength": question.max_length,
        "description": "Unicode text, stored in NFC; lone surrogates and control characters other than newline "
        "and tab are refused (422).",
    }


_FINDING = {
    "type": "object",
    "required": ["code", "level", "answers"],
    "properties": {
        "code": {"type": "string"},
        "level": {"type": "string", "enum": ["emergency", "urgent", "refer"]},
        "answers": {"type": "array", "items": {"type": "string"}, "description": "linkId.code of each answer"},
        "because": {
            "type": "array",
            "items": {"type": "string"},
            "description": "For a flag that answers raise only together (docs/safety.md): why they count.",
        },
    },
}
_CONTRIBUTION = {
    "type": "object",
    "required": ["question", "answer", "text", "points"],
    "properties": {
        "question": {"type": "string"},
        "answer": {"type": "string"},
        "text": {"type": "string"},
        "points": {"type": "integer"},
    },
}
_THERAPY = {
    "type": "object",
    "required": ["code", "name", "detail", "status", "notes"],
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "detail": {"type": "string"},
        "status": {"type": "string", "enum": ["recommended", "with_care", "not_advised"]},
        "notes": {"type": "array", "items": {"type": "string"}},
    },
}
_NULLABLE_STRING = {"type": ["string", "null"]}


def _assessment() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "The rule engine's assessment (docs/api.md), with the stored assessment's id.",
        "required": [
            "id",
            "rules_version",
            "urgent",
            "red_flags",
            "primary",
            "secondary",
            "scores",
            "out_of_scope",
            "explanation",
            "therapies",
            "cautions",
        ],
        "properties": {
            "id": {"type": "string", "description": "The stored assessment's unguessable id."},
            "rules_version": {"type": "string"},
            "questionnaire_version": {"type": "string"},
            "urgent": {"type": "boolean"},
            "red_flags": {"type": "array", "items": _FINDING},
            "primary": _NULLABLE_STRING,
            "secondary": {"type": "array", "items": {"type": "string"}},
            "scores": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 100}},
            "out_of_scope": _NULLABLE_STRING,
            "confidence": {"type": "string"},
            "kidney_subtype": _NULLABLE_STRING,
            "explanation": {
                "type": "object",
                "required": ["summary", "thresholds", "patterns"],
                "properties": {
                    "summary": {"type": "string"},
                    "thresholds": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "patterns": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "required": ["score", "level", "contributions"],
                            "properties": {
                                "score": {"type": "integer"},
                                "level": {"type": "string"},
                                "contributions": {"type": "array", "items": _CONTRIBUTION},
                            },
                        },
                    },
                },
            },
            "therapies": {
                "type": "array",
                "items": _THERAPY,
                "description": "Only therapies the clinic offers now; the stored assessment keeps all the rules gave.",
            },
            "other_therapies": {
                "type": "array",
                "description": "What else the clinic offers, when one it does not offer was left out of therapies.",
                "items": {
                    "type": "object",
                    "required": ["code", "name"],
                    "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
                },
            },
            "cautions": {"type": "array", "items": {"type": "string"}},
            "disclaimer": {"type": "string"},
        },
    }


def document(questionnaire: Questionnaire) -> dict[str, Any]:
    """The OpenAPI 3.1 document of /api/v1 for the current questionnaire."""
    answers = {
        "type": "object",
        "description": "Answers by linkId. Required questions, conditions (enableWhen) and exclusive options are "
        "checked too: a body this schema allows can still be refused with 422 and a message per linkId.",
        "properties": {q.link_id: _answer_schema(q) for q in questionnaire.questions},
        "required": [q.link_id for q in questionnaire.questions if q.required and not q.enable_when],
        "additionalProperties": True,
    }
    body = {
        "required": True,
        "content": {
            media: {"schema": {"anyOf": [_ref("AnswersBody"), _ref("QuestionnaireResponse")]}}
            for media in (JSON, FHIR_JSON)
        },
    }
    unavailable = {
        "description": "The database is unreachable or busy; retry after the given seconds.",
        "headers": {"Retry-After": {"schema": {"type": "string"}}},
        "content": {JSON: {"schema": _ref("Error")}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lower back pain self-screening API",
            "version": "1",
            "description": "JSON only, no cookies or CSRF token. Every answer, errors included, is JSON; errors "
            'have the shape {"errors": {field: message}, "status": code}. See docs/api.md.',
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/questionnaire": {
                "get": {
                    "operationId": "getQuestionnaire",
                    "summary": "The current questionnaire as a FHIR R4 Questionnaire",
                    "parameters": [
                        {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "The questionnaire, with an ETag.",
                            "headers": {"ETag": {"schema": {"type": "string"}}},
                            "content": {
                                FHIR_JSON: {"schema": _ref("Questionnaire")},
                                JSON: {"schema": _ref("Questionnaire")},
                            },
                        },
                        "304": {"description": "Unchanged since the ETag sent in If-None-Match."},
                    },
                }
            },
            "/api/v1/questionnaires/check-in": {
                "get": {
                    "operationId": "getCheckInQuestionnaire",
                    "summary": "The check-in questionnaire of courses of treatment as a FHIR R4 Questionnaire",
                    "parameters": [
                        {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "The check-in questionnaire, with an ETag.",
                            "headers": {"ETag": {"schema": {"type": "string"}}},
                            "content": {
                                FHIR_JSON: {"schema": _ref("Questionnaire")},
                                JSON: {"schema": _ref("Questionnaire")},
                            },
                        },
                        "304": {"description": "Unchanged since the ETag sent in If-None-Match."},
                    },
                }
            },
            "/api/v1/assessments": {
                "post": {
                    "operationId": "createAssessment",
                    "summary": "Assess answers and store them",
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "description": "A retry with the same key returns the first assessment.",
                            "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN},
                        }
                    ],
                    "requestBody": body,
                    "responses": {
                        "201": {
                            "description": "Assessed and stored (or, with a used Idempotency-Key, found again).",
                            "headers": {
                                "Location": {"schema": {"type": "string"}},
                                "Idempotent-Replayed": {"schema": {"type": "string", "enum": ["true"]}},
                            },
                            "content": {JSON: {"schema": _ref("Assessment")}},
                        },
                        "400": _error("Not JSON, not sent as JSON, or a malformed Idempotency-Key."),
                        "409": _error("Stored by another request with the same key at the same moment; send it again."),
                        "413": _error("The body is larger than the service takes."),
                        "422": _error("The answers are not valid: a message per linkId."),
                        "429": _error("Too many stored assessments from this client; see Retry-After."),
                        "503": unavailable,
                    },
                }
            },
            "/api/v1/assessments/{public_id}": {
                "get": {
                    "operationId": "readAssessment",
                    "summary": "A stored assessment",
                    "parameters": [{"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {"description": "The assessment.", "content": {JSON: {"schema": _ref("Assessment")}}},
                        "404": _error("There is no assessment with this id."),
                        "503": unavailable,
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.1 document.",
                            "content": {JSON: {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["errors", "status"],
                    "properties": {
                        "errors": {"type": "object", "additionalProperties": {"type": "string"}},
                        "status": {"type": "integer"},
                    },
                },
                "AnswersBody": {
                    "type": "object",
                    "required": ["answers"],
                    "properties": {"answers": answers},
                },
                "QuestionnaireResponse": {
                    "type": "object",
                    "description": "A FHIR R4 QuestionnaireResponse to this questionnaire; items may sit in groups.",
                    "required": ["resourceType"],
                    "properties": {
                        "resourceType": {"const": "QuestionnaireResponse"},
                        "questionnaire": {"type": "string"},
                        "item": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Questionnaire": {
                    "type": "object",
                    "required": ["resourceType", "url", "version", "status", "item"],
                    "properties": {
                        "resourceType": {"const": "Questionnaire"},
                        "url": {"type": "string"},
                        "version": {"type": "string"},
                        "status": {"type": "string"},
                        "item": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Assessment": _assessment(),
            }
        },
    }
