"""The development vignettes (``shared/domain/vignettes.jsonl``), answered as each patient would, through the engine.

Each fixture in ``tests/fixtures/vignettes/`` is one narrative turned into a complete answer set; its ``notes`` say
which words led to which answer. The expected result is the practitioner's label, not what the engine happens to say.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.questionnaire import DAMP_HEAT, PATTERNS
from app.questionnaires import CURRENT
from app.rules import assess

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "vignettes"
SOURCE = ROOT.parent / "shared" / "domain" / "vignettes.jsonl"
CASES = sorted(FIXTURES.glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_vignette_gets_the_practitioners_result(path: Path) -> None:
    case = _load(path)
    assert case["id"] == path.stem
    clean, errors = CURRENT.validate(case["answers"])
    assert errors == {}
    # Nothing in the fixture is silently dropped (e.g. an answer to a question its conditions hide).
    assert clean.keys() == case["answers"].keys()

    result = assess(clean, CURRENT)
    expected = case["expected_primary"]
    if expected == "red_flag":
        assert result.urgent
        assert result.primary is None
    elif expected == DAMP_HEAT:
        assert not result.urgent
        assert result.out_of_scope == DAMP_HEAT
        assert result.primary is None or result.confidence == "low"
    else:
        assert expected in PATTERNS
        assert not result.urgent
        assert result.primary == expected


def test_every_vignette_has_an_answer_set() -> None:
    if not SOURCE.exists():
        pytest.skip(f"{SOURCE} is not beside the project")
    lines = [line for line in SOURCE.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = {case["id"]: case["expected_primary"] for case in map(json.loads, lines)}
    assert {path.stem: _load(path)["expected_primary"] for path in CASES} == labels
