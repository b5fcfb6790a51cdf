"""The OpenAPI 3.1 contract of /api/v1: it names exactly the routes there are, and schemathesis runs every operation
against it on the suite's database (bounded and seeded; see ``tests/fuzzing.py``)."""

from __future__ import annotations

import re

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from app.api import openapi
from app.questionnaires import current
from tests.fuzzing import Budget

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
DOCUMENT = openapi.document(current())
OPERATIONS = [
    (path, method) for path, methods in DOCUMENT["paths"].items() for method in methods if method != "parameters"
]
# Negative data (what the schema does not allow) exists only where there is a body: headers and paths are strings.
RUNS = [
    (path, method, mode)
    for path, method in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or "requestBody" in DOCUMENT["paths"][path][method]
]
# Per operation and generation mode: together about 15 seconds on either database.
EXAMPLES = {"post": 100, "get": 30}
SECONDS = 10  # per run; an operation that finishes its examples first stops there


def api_routes(app: Flask) -> set[tuple[str, str]]:
    """Every (OpenAPI path, method) the app answers under /api/v1."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            found.update((path, m.lower()) for m in rule.methods or () if m not in ("HEAD", "OPTIONS"))
    return found


def test_the_document_is_served_as_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == DOCUMENT
    assert DOCUMENT["openapi"].startswith("3.1")


def test_every_api_route_is_documented_and_every_documented_path_exists(app):
    assert set(OPERATIONS) == api_routes(app)


def test_the_answers_schema_is_read_from_the_questionnaire():
    answers = DOCUMENT["components"]["schemas"]["AnswersBody"]["properties"]["answers"]["properties"]
    assert list(answers) == [q.link_id for q in current().questions]


@pytest.mark.fuzz
@pytest.mark.parametrize(("path", "method", "mode"), RUNS, ids=[f"{m.upper()} {p} {g.value}" for p, m, g in RUNS])
def test_schemathesis_finds_no_5xx_and_no_answer_outside_the_contract(app, path, method, mode):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path][method]
    budget = Budget(SECONDS)

    @settings(
        max_examples=EXAMPLES[method],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        if budget.spent():
            return
        response = case.call()
        case.validate_response(response, checks=CHECKS)

    run()
