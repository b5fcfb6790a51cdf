"""Assessments per second of the rule engine on one core, over varied valid answer sets.

The answer sets are drawn at random (fixed seed) from the questionnaire declarations, checked with ``validate``,
then assessed in a loop; the best of several timed runs is reported as a Markdown row. Target: 20,000/s.

    .venv/bin/python bench/bench_rules.py [--count 20000] [--repeat 5] [--distinct 2000] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.questionnaire import AnswerValue, Questionnaire
from app.questionnaires import CURRENT
from app.rules import RULES_VERSION, assess

TARGET = 20_000


def random_answers(questionnaire: Questionnaire, rng: random.Random) -> dict[str, AnswerValue]:
    """One complete answer set, every enabled question answered as the declarations allow."""
    # Answers a combination rule looks at (a recent injury, new nerve symptoms, an age band).
    watched = {(a.question, c) for r in questionnaire.flag_rules for a in (*r.all_of, *r.any_of) for c in a.answers}
    answers: dict[str, AnswerValue] = {}
    for question in questionnaire.questions:
        if not questionnaire.is_enabled(question, answers):
            continue
        # Most people answer the safety questions with nothing to flag; a few raise a flag, as in real use.
        flags = (
            question.flag_at_least
            or any(o.red_flag for o in question.options)
            or any((question.link_id, code) in watched for code in question.codes)
        )
        if question.kind == "single":
            calm = [c for c in question.codes if (question.link_id, c) not in watched]
            answers[question.link_id] = rng.choice(calm if calm and flags and rng.random() < 0.9 else question.codes)
        elif question.kind == "multi":
            exclusive = [o.code for o in question.options if o.exclusive]
            others = [o.code for o in question.options if not o.exclusive]
            if exclusive and rng.random() < (0.9 if flags else 0.5):
                answers[question.link_id] = exclusive
            else:
                picked = set(rng.sample(others, rng.randint(1, min(5, len(others)))))
                answers[question.link_id] = [c for c in others if c in picked]
        elif question.kind == "integer":
            answers[question.link_id] = rng.randint(question.minimum, question.maximum)
        elif rng.random() < 0.5:
            answers[question.link_id] = "ibuprofen"
    return answers


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000, help="assessments per timed run")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs; the best is reported")
    parser.add_argument("--distinct", type=int, default=2_000, help="different answer sets, cycled")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    # One core: pin the process where the platform allows it, so the figure does not depend on the scheduler.
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    rng = random.Random(args.seed)
    sets = []
    for _ in range(args.distinct):
        clean, errors = CURRENT.validate(random_answers(CURRENT, rng))
        assert not errors, errors
        sets.append(clean)
    batch = [sets[i % len(sets)] for i in range(args.count)]
    urgent = sum(assess(a, CURRENT).urgent for a in sets)

    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        for answers in batch:
            assess(answers, CURRENT)
        timings.append(time.perf_counter() - start)
    best = min(timings)
    rate = args.count / best

    print(
        f"Rule engine {RULES_VERSION}, questionnaire {CURRENT.version}: {args.distinct} distinct answer sets "
        f"({urgent} urgent), {args.count} assessments per run, best of {args.repeat}.\n"
    )
    print("| machine | nproc | python | assessments | best run (s) | assessments/s | target |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {cpu_model()} | {os.cpu_count()} | {platform.python_implementation()} {platform.python_version()} "
        f"| {args.count} | {best:.3f} | {rate:,.0f} | {'met' if rate >= TARGET else 'missed'} (≥ {TARGET:,}) |"
    )


if __name__ == "__main__":
    main()
