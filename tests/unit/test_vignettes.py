"""The development vignettes (``shared/domain/vignettes.jsonl``), answered as each patient would, through the engine.

Each fixture in ``tests/fixtures/vignettes/`` is one narrative turned into a complete answer set by someone who had
only the narrative; its ``notes`` say which words led to which answer. The expected result is the practitioner's
label, not what the engine happens to say. ``bench/vignettes.py`` prints the same measures as a table.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.questionnaire import PATTERNS
from bench import vignettes

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT.parent / "shared" / "domain" / "vignettes.jsonl"
CASES = {case.id: case for case in vignettes.cases()}

# Cases the engine gets partly right, with why; each still shows both expected patterns. Listed so the report's
# numbers are honest, and checked so a fix (or a regression) shows up here.
KNOWN_MISSES = {
    # Liver qi stagnation that has turned into a fixed, stabbing spot [S17][S18]: both patterns are shown, but the
    # answers cannot say which came first, and stasis leads on its normalised score.
    "mx-15": "both shown, stagnation first",
}


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_vignette_gets_the_practitioners_result(case_id: str) -> None:
    case = CASES[case_id]
    if case_id in KNOWN_MISSES:
        assert not case.correct
        assert {case.expected_primary, case.expected_secondary} <= set(case.shown)
    else:
        assert case.correct, vignettes.case_rows([case])


def test_every_vignette_has_an_answer_set() -> None:
    if not SOURCE.exists():
        pytest.skip(f"{SOURCE} is not beside the project")
    lines = [json.loads(line) for line in SOURCE.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = {c["id"]: (c["expected_primary"], c.get("expected_secondary")) for c in lines}
    assert {c.id: (c.expected_primary, c.expected_secondary) for c in CASES.values()} == labels


def test_the_development_set_meets_the_clinics_bar() -> None:
    found = list(CASES.values())
    flagged = [c for c in found if c.expected_primary == vignettes.RED_FLAG]
    ordinary = [c for c in found if c.expected_primary in PATTERNS]
    mixed = [c for c in ordinary if c.expected_secondary]
    assert all(c.result.red_flags for c in flagged)
    assert not any(c.result.urgent for c in found if c.expected_primary != vignettes.RED_FLAG)
    assert sum(c.result.primary == c.expected_primary for c in ordinary) >= 0.9 * len(ordinary)
    assert sum(c.expected_primary in c.shown for c in ordinary) >= 0.97 * len(ordinary)
    assert sum({c.expected_primary, c.expected_secondary} <= set(c.shown) for c in mixed) >= 0.8 * len(mixed)


@pytest.mark.parametrize("doc", ["docs/rules.md", "README.md"])
def test_the_docs_show_the_current_report(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    table = vignettes.table(list(CASES.values()))
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| measure")]
    missing = [row for row in rows if row not in text]
    assert not missing, f"{doc} is out of date; run bench/vignettes.py:\n" + "\n".join(missing)
    assert re.search(rf"Rules {re.escape(vignettes.RULES_VERSION)}, {len(CASES)} development vignettes", text)


def test_the_held_out_cases_are_answered_validly_and_their_report_is_in_the_docs() -> None:
    # Measured, not asserted case by case: the held-out set is for checking generalisation, not for tuning.
    found = vignettes.cases(ROOT / "tests" / "fixtures" / "holdout")
    assert len(found) == 30
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    table = vignettes.table(found, f"cases in {Path('tests/fixtures/holdout')}")
    assert table in text, "docs/rules.md is out of date; run bench/vignettes.py --fixtures tests/fixtures/holdout"
