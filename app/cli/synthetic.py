"""Synthetic submissions for load tests and demonstrations (``flask seed``). Never for a clinic's real database.

Each synthetic person answers the questionnaire as ``app.cli.synthetic_answers`` draws it, and the real rule engine
assesses every answer set, so scores, levels and urgency are what the app would have stored. Rows go in through Core
``executemany`` batches, without the ORM's per-object work.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection, insert, select

from app import rules
from app.cli.synthetic_answers import answers_for
from app.clinical_findings import PULSE, TONGUE
from app.contact_values import normalise_name
from app.intake import privacy
from app.intake.service import CONTACT_METHODS, CONTACT_TIMES
from app.models import REFERENCE_ALPHABET, Contact, Review, StatusChange, Submission, new_token
from app.personal_data import contact_hash
from app.questionnaire import PATTERNS, Questionnaire
from app.review.workflow import WORKFLOW
from app.web import crypto

INTAKE_SHARE = 0.3
SPAN = timedelta(days=730)  # two years of submissions
# Enough combinations (with a middle initial, some 60,000) that a name search finds a few people, as in a clinic.
FIRST_NAMES = (
    "Ann",
    "Wei",
    "Mei",
    "John",
    "Priya",
    "Tom",
    "Li",
    "Sara",
    "Omar",
    "Grace",
    "Jun",
    "Ella",
    "Ravi",
    "Yan",
    "Maria",
    "David",
    "Aisha",
    "Hui",
    "James",
    "Fatima",
    "Chloe",
    "Ming",
    "Peter",
    "Amir",
    "Lucy",
    "Xin",
    "Sam",
    "Nadia",
    "George",
    "Ling",
    "Emma",
    "Kenji",
    "Zara",
    "Paul",
    "Rosa",
    "Hao",
    "Anna",
    "Tariq",
    "Jia",
    "Mark",
)
LAST_NAMES = (
    "Lee",
    "Chen",
    "Smith",
    "Wong",
    "Patel",
    "Jones",
    "Zhang",
    "Brown",
    "Khan",
    "Liu",
    "Taylor",
    "Wu",
    "Wang",
    "Evans",
    "Singh",
    "Huang",
    "Wilson",
    "Ahmed",
    "Lin",
    "Davies",
    "Zhao",
    "Thomas",
    "Ali",
    "Yang",
    "Roberts",
    "Zhou",
    "Walker",
    "Hussain",
    "Xu",
    "Wright",
    "Sun",
    "Green",
    "Ma",
    "Hall",
    "Hu",
    "Clarke",
    "Guo",
    "Hughes",
    "He",
    "Lewis",
    "Gao",
    "Begum",
    "Lam",
    "Moore",
    "Tan",
    "Hill",
    "Ng",
    "Young",
    "Ho",
    "King",
    "Cheung",
    "Scott",
)
# How an intake's status depends on its age: the older, the further along (and the likelier closed).
RECENT_STATUSES = (("new", 45), ("contacted", 25), ("booked", 15), ("seen", 8), ("closed", 5), ("withdrawn", 2))
OLD_STATUSES = (("new", 3), ("contacted", 3), ("booked", 4), ("seen", 15), ("closed", 72), ("withdrawn", 3))
AGREEMENT = 0.75  # how often a synthetic practitioner agrees with the engine


@dataclass(frozen=True)
class Counts:
    submissions: int
    intakes: int
    urgent: int
    reviews: int


def _reference(rng: random.Random, taken: set[str]) -> str:
    while True:
        chars = "".join(rng.choices(REFERENCE_ALPHABET, k=8))
        reference = f"LBP-{chars[:4]}-{chars[4:]}"
        if reference not in taken:
            taken.add(reference)
            return reference


def _status(rng: random.Random, age: timedelta) -> str:
    table = RECENT_STATUSES if age < timedelta(days=45) else OLD_STATUSES
    return rng.choices([s for s, _ in table], weights=[w for _, w in table])[0]


def rows(
    rng: random.Random, questionnaire: Questionnaire, now: datetime, count: int, taken: set[str]
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``count`` submission rows, each with what else it needs (contact, review, status history) as ``extra``."""
    for _ in range(count):
        answers = answers_for(rng, questionnaire)
        assessment = rules.assess(answers, questionnaire)
        created_at = now - SPAN * rng.random() ** 1.3  # more recent than old: the clinic is growing
        intake = rng.random() < INTAKE_SHARE
        status = _status(rng, now - created_at) if intake else "new"
        row: dict[str, Any] = {
            "public_id": new_token(),
            "reference": _reference(rng, taken),
            "created_at": created_at,
            "source": "web",
            "language": "zh_Hans" if rng.random() < 0.2 else "en",
            "kind": "intake" if intake else "screen",
            "questionnaire_version": questionnaire.version,
            "rules_version": assessment.rules_version,
            "answers": answers,
            "result": assessment.to_record(),
            "urgent": assessment.urgent,
            "primary_pattern": assessment.primary,
            "status": status,
            "status_changed_at": created_at + timedelta(days=rng.randint(1, 20)) if status != "new" else None,
            "intake_at": created_at + timedelta(minutes=rng.randint(1, 30)) if intake else None,
            "withdrawn_at": None,
            "idempotency_key": None,
            "row_version": 1,
        }
        if status == "withdrawn":  # what erasure leaves (app.personal_data.erase_submission)
            row.update(answers={}, result={"erased": True}, urgent=False, primary_pattern=None)
            row["withdrawn_at"] = row["status_changed_at"]
        yield row, {"intake": intake and status != "withdrawn", "reviewed": status in ("seen", "closed")}


def _contact(rng: random.Random, submission_id: int, consent_at: datetime) -> dict[str, Any]:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {rng.choice(LAST_NAMES)}"
    phone = f"+447700{rng.randrange(900000, 1000000):06d}"
    email = f"{name.replace(' ', '.').lower()}{rng.randrange(10000)}@example.com"
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
    return {
        "submission_id": submission_id,
        "name_enc": crypto.encrypt(name),
        "birth_enc": crypto.encrypt(json.dumps({"date_of_birth": birth.isoformat()})),
        "phone_enc": crypto.encrypt(phone),
        "email_enc": crypto.encrypt(email),
        "message_enc": None,
        "signature_enc": crypto.encrypt(name),
        "name_hash": contact_hash("name", normalise_name(name)),
        "phone_hash": contact_hash("phone", phone),
        "email_hash": contact_hash("email", email),
        "preferred_contact": rng.choice(CONTACT_METHODS),
        "preferred_times": rng.sample(CONTACT_TIMES, rng.randint(1, 2)),
        "consent_version": privacy.VERSION,
        "consent_at": consent_at,
        "form_key": None,
        "created_at": consent_at,
    }


def _review(rng: random.Random, submission_id: int, row: dict[str, Any]) -> dict[str, Any]:
    engine = row["primary_pattern"]
    agrees = rng.random() < AGREEMENT
    primary = engine if agrees else rng.choice([p for p in (*PATTERNS, None) if p != engine])
    at = row["status_changed_at"] or row["created_at"]
    return {
        "submission_id": submission_id,
        "practitioner_id": None,
        "primary_pattern": primary,
        "secondary_patterns": [],
        "tongue": {g.key: rng.sample(g.codes, 1 if not g.multiple else rng.randint(0, 2)) for g in TONGUE},
        "pulse": rng.sample(PULSE.codes, rng.randint(1, 2)),
        "notes": "",
        "engine_primary": engine,
        "rules_version": row["rules_version"],
        "created_at": at,
        "updated_at": at,
        "row_version": 1,
    }


def _history(submission_id: int, row: dict[str, Any]) -> list[dict[str, Any]]:
    status, at = row["status"], row["status_changed_at"]
    if status == "new":
        return []
    if status == "withdrawn":
        return [{"submission_id": submission_id, "from_status": "new", "to_status": status, "user_id": None, "at": at}]
    steps = WORKFLOW[: WORKFLOW.index(status) + 1]
    return [
        {"submission_id": submission_id, "from_status": a, "to_status": b, "user_id": None, "at": at}
        for a, b in pairwise(steps)
    ]


def existing_references(conn: Connection) -> set[str]:
    return set(conn.scalars(select(Submission.reference)))


def seed(
    conn: Connection,
    questionnaire: Questionnaire,
    now: datetime,
    count: int,
    *,
    rng: random.Random,
    batch: int = 2000,
    progress: Any = None,
) -> Counts:
    """Insert ``count`` synthetic submissions (with contacts, reviews and status history) in batches; commits each."""
    taken = existing_references(conn)
    conn.rollback()  # end the read, so each batch is its own transaction
    made = Counts(0, 0, 0, 0)
    generated = rows(rng, questionnaire, now, count, taken)
    while made.submissions < count:
        chunk = [next(generated) for _ in range(min(batch, count - made.submissions))]
        with conn.begin():
            ids = conn.scalars(
                insert(Submission.__table__).returning(Submission.id, sort_by_parameter_order=True),
                [row for row, _ in chunk],
            ).all()
            contacts, reviews, history = [], [], []
            for submission_id, (row, extra) in zip(ids, chunk, strict=True):
                if extra["intake"]:
                    contacts.append(_contact(rng, submission_id, row["intake_at"]))
                if extra["reviewed"]:
                    reviews.append(_review(rng, submission_id, row))
                history += _history(submission_id, row)
            for model, values in ((Contact, contacts), (Review, reviews), (StatusChange, history)):
                if values:
                    conn.execute(insert(model.__table__), values)
        made = Counts(
            made.submissions + len(chunk),
            made.intakes + len(contacts),
            made.urgent + sum(1 for row, _ in chunk if row["urgent"]),
            made.reviews + len(reviews),
        )
        if progress:
            progress(made)
    return made
