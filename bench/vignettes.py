"""The development-set report: how the safety check and the engine do on the answered vignettes.

    .venv/bin/python bench/vignettes.py            # the summary table (as in docs/rules.md and the README)
    .venv/bin/python bench/vignettes.py --cases    # and one row per case
    .venv/bin/python bench/vignettes.py --fixtures tests/fixtures/holdout   # the held-out set (docs/rules.md)

Each fixture in ``tests/fixtures/vignettes/`` is one narrative of ``shared/domain/vignettes.jsonl`` answered as that
patient would on the current questionnaire (3), with the practitioner's expected result beside it;
``tests/fixtures/v2/`` keeps the same cases as answered on questionnaire 2 (``--fixtures tests/fixtures/v2/vignettes``).
The answers go through their questionnaire's validation and the pure rule engine, exactly as a submission does.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.questionnaire import DAMP_HEAT, PATTERNS  # noqa: E402
from app.questionnaires import VERSIONS  # noqa: E402
from app.rules import RULES_VERSION, Assessment, assess  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "vignettes"
RED_FLAG = "red_flag"
NO_CLEAR_PATTERN = "no_clear_pattern"


@dataclass(frozen=True)
class Case:
    id: str
    expected_primary: str
    expected_secondary: str | None
    result: Assessment

    @property
    def shown(self) -> tuple[str, ...]:
        return (self.result.primary, *self.result.secondary) if self.result.primary else ()

    @property
    def correct(self) -> bool:
        """The practitioner's expected result, the secondary pattern included."""
        result, expected = self.result, self.expected_primary
        if expected == RED_FLAG:
            return bool(result.red_flags)
        if result.urgent:
            return False
        if expected == DAMP_HEAT:
            return result.out_of_scope == DAMP_HEAT and (result.primary is None or result.confidence == "low")
        if expected == NO_CLEAR_PATTERN:
            return result.primary is None
        return result.primary == expected and (
            self.expected_secondary is None or self.expected_secondary in result.secondary
        )


def load(path: Path) -> tuple[dict[str, Any], Assessment]:
    """A fixture and the engine's result for it, on the questionnaire version it was answered in."""
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    questionnaire = VERSIONS[case.get("questionnaire_version", "2")]
    clean, errors = questionnaire.validate(case["answers"])
    if errors or clean.keys() != case["answers"].keys():
        raise ValueError(f"{path.name}: the answers do not validate: {errors or set(case['answers']) - set(clean)}")
    return case, assess(clean, questionnaire)


def cases(folder: Path = FIXTURES) -> list[Case]:
    found = []
    for path in sorted(folder.glob("*.json")):
        case, result = load(path)
        found.append(Case(case["id"], case["expected_primary"], case.get("expected_secondary"), result))
    return found


def _share(hits: int, total: int) -> str:
    return f"{hits} of {total} ({round(100 * hits / total)}%)" if total else "no cases"


def measures(found: list[Case]) -> list[tuple[str, str]]:
    """The issue's measures, in its order: what each counts, and the count."""
    flagged = [c for c in found if c.expected_primary == RED_FLAG]
    ordinary = [c for c in found if c.expected_primary in PATTERNS]
    mixed = [c for c in ordinary if c.expected_secondary]
    heat = [c for c in found if c.expected_primary == DAMP_HEAT]
    vague = [c for c in found if c.expected_primary == NO_CLEAR_PATTERN]
    calm = [c for c in found if c.expected_primary != RED_FLAG]
    return [
        (
            "serious-pathology cases that got any red flag",
            _share(sum(bool(c.result.red_flags) for c in flagged), len(flagged)),
        ),
        (
            "... of them made urgent (emergency or urgent flag)",
            _share(sum(c.result.urgent for c in flagged), len(flagged)),
        ),
        (
            "other cases wrongly given an emergency or urgent flag",
            _share(sum(c.result.urgent for c in calm), len(calm)),
        ),
        (
            "expected pattern shown first",
            _share(sum(c.result.primary == c.expected_primary for c in ordinary), len(ordinary)),
        ),
        (
            "expected pattern shown first or as secondary",
            _share(sum(c.expected_primary in c.shown for c in ordinary), len(ordinary)),
        ),
        (
            "mixed cases with both patterns shown",
            _share(sum({c.expected_primary, c.expected_secondary} <= set(c.shown) for c in mixed), len(mixed)),
        ),
        ("damp-heat cases not forced into one of the four", _share(sum(c.correct for c in heat), len(heat))),
        ("vague cases answered \u201cno clear pattern\u201d", _share(sum(c.correct for c in vague), len(vague))),
        ("every case's expected result, secondary included", _share(sum(c.correct for c in found), len(found))),
    ]


def table(found: list[Case], name: str = "development vignettes") -> str:
    lines = [f"Rules {RULES_VERSION}, {len(found)} {name}:", "", "| measure | result |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in measures(found)]
    return "\n".join(lines)


def case_rows(found: list[Case]) -> str:
    lines = ["| case | expected | result | red flags | scores (K, QB, CD, LQ) |", "|---|---|---|---|---|"]
    for c in found:
        r = c.result
        expected = c.expected_primary + (f" + {c.expected_secondary}" if c.expected_secondary else "")
        got = "urgent" if r.urgent else " + ".join(c.shown) or (r.out_of_scope or NO_CLEAR_PATTERN)
        flags = ", ".join(f"{f.code} ({f.level})" for f in r.red_flags) or "none"
        scores = ", ".join(str(r.scores[p]) for p in PATTERNS)
        lines.append(f"| {c.id} | {expected} | {got}{'' if c.correct else ' ✗'} | {flags} | {scores} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", action="store_true", help="also print one row per case")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES, help="a folder of answered cases")
    args = parser.parse_args()
    found = cases(args.fixtures)
    print(table(found, "development vignettes" if args.fixtures == FIXTURES else f"cases in {args.fixtures}"))
    if args.cases:
        print()
        print(case_rows(found))


if __name__ == "__main__":
    main()
