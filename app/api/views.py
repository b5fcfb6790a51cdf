"""JSON API under /api/v1: the questionnaire as FHIR, and assessments (``shared/product.md`` §"Interface contracts")."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from sqlalchemy.exc import IntegrityError

from app import clinic, fhir, services
from app.api import openapi
from app.api.input import InputError, clean_answers, is_json_mimetype, load_json
from app.questionnaire import N_
from app.questionnaires import by_version, current
from app.questionnaires.check_in import QUESTIONNAIRE as CHECK_IN
from app.web.extensions import db, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")

FHIR_JSON = "application/fhir+json"
IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 64
# Public ids are 43 characters; anything past the column's width cannot be one.
MAX_ID_LENGTH = 64


def error_response(status: int, errors: Mapping[str, str]) -> tuple[Response, int]:
    """The API's one error shape (the app's error handlers answer the same for 404, 405, 413, 5xx)."""
    return jsonify({"errors": dict(errors), "status": status}), status


@bp.errorhandler(InputError)
def _input_error(error: InputError) -> tuple[Response, int]:
    return error_response(error.status, error.errors)


@lru_cache(maxsize=4)
def _questionnaire_body(version: str) -> bytes:
    questionnaire = by_version(version)
    assert questionnaire is not None
    return json.dumps(fhir.questionnaire_resource(questionnaire), ensure_ascii=False).encode()


@lru_cache(maxsize=4)
def _openapi_body(version: str) -> bytes:
    questionnaire = by_version(version)
    assert questionnaire is not None
    return json.dumps(openapi.document(questionnaire), ensure_ascii=False).encode()


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3.1 contract of this API (``app/api/openapi.py``)."""
    return current_app.response_class(_openapi_body(current().version), mimetype="application/json")


@bp.get("/questionnaire")
def questionnaire() -> Response:
    """The current questionnaire as a FHIR R4 Questionnaire; conditional GETs answer 304."""
    return _fhir_resource(_questionnaire_body(current().version))


@lru_cache(maxsize=1)
def _check_in_body() -> bytes:
    return json.dumps(fhir.questionnaire_resource(CHECK_IN), ensure_ascii=False).encode()


@bp.get("/questionnaires/check-in")
def check_in_questionnaire() -> Response:
    """The check-in questionnaire of courses of treatment (``app/questionnaires/check_in.py``), like the first."""
    return _fhir_resource(_check_in_body())


def _fhir_resource(body: bytes) -> Response:
    mimetype = request.accept_mimetypes.best_match([FHIR_JSON, "application/json"], default=FHIR_JSON)
    response = current_app.response_class(body, mimetype=mimetype)
    response.vary.add("Accept")
    response.add_etag()
    response.make_conditional(request)  # answers 304 in place when the client's ETag matches
    return response


@bp.post("/assessments")
@limiter.limit(lambda: str(current_app.config["API_SUBMIT_LIMIT"]))
def create_assessment() -> tuple[Response, int, dict[str, str]]:
    """Assess and store answers; with an Idempotency-Key a retry returns the first submission."""
    token = _idempotency_token()
    if not is_json_mimetype(request.mimetype):
        raise InputError(400, {"_": N_("Send the body as JSON (Content-Type: application/json).")})
    questionnaire = current()
    answers = clean_answers(load_json(request.get_data()), questionnaire)
    if token is None:
        submission, created = services.record_assessment(answers, questionnaire, source="api"), True
    else:
        try:
            submission, created = services.record_assessment_once(answers, questionnaire, source="api", token=token)
        except IntegrityError:
            # Another request with the same key committed between our lookup and insert.
            db.session.rollback()
            found = services.submission_for_token(token)
            if found is None:
                raise
            submission, created = services.Recorded.of(found), False
        if not created and submission.answers != answers:
            db.session.rollback()
            raise InputError(422, {IDEMPOTENCY_HEADER: N_("This key was already used with different answers.")})
    db.session.commit()
    headers = {"Location": url_for(".read_assessment", public_id=submission.public_id)}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return jsonify(_assessment_json(submission)), 201, headers


@bp.get("/assessments/<public_id>")
def read_assessment(public_id: str) -> Response | tuple[Response, int]:
    submission = services.submission_by_public_id(public_id) if len(public_id) <= MAX_ID_LENGTH else None
    if submission is None:
        return error_response(404, {"_": N_("There is no assessment with this id.")})
    return jsonify(_assessment_json(services.Recorded.of(submission)))


def _assessment_json(submission: services.Recorded) -> dict[str, Any]:
    """The stored assessment with its therapies as the clinic offers them now (``app.clinic.as_offered``)."""
    return {"id": submission.public_id, **clinic.as_offered(submission.result)}


def _idempotency_token() -> str | None:
    """The client's key, namespaced so it can never match a key the web form stored."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all("!" <= ch <= "~" for ch in key):
        raise InputError(
            400,
            {IDEMPOTENCY_HEADER: N_("Use 1 to 64 visible ASCII characters, e.g. a UUID.")},
        )
    return f"api:{key}"
