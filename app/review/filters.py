"""The review queue's filters and search: parsed from the query string, written back into links.

Search never puts a name, email address or phone number in a URL (nor in the audit trail): the search form is
posted, and the queue is then addressed by the reference code or by the keyed hash of the contact detail, the same
hash ``app.personal_data`` stores for exact-match search.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select

from app.contact_values import InvalidContact, normalise_email, normalise_name, normalise_phone
from app.input_values import FIRST_YEAR, LAST_YEAR, Refused, parse_date
from app.models import STATUSES, Submission
from app.outcomes.service import QUEUE_FILTERS as CHECK_IN_FILTERS
from app.personal_data import contact_hash, normalise_reference
from app.questionnaire import PATTERNS
from app.web.extensions import db

KINDS = ("intake", "screen")
NO_PATTERN = "none"  # urgent, withdrawn, or no clear pattern
RED_FLAG_CHOICES = ("urgent", "none")
CONTACT_FIELDS = ("name", "email", "phone")
_DIGEST = re.compile(r"[0-9a-f]{64}")
_PHONE_LIKE = re.compile(r"[+\d][\d\s().-]*")


@dataclass(frozen=True)
class Filters:
    include_screens: bool = False
    status: str | None = None
    pattern: str | None = None  # a pattern code, or NO_PATTERN
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    red_flags: str | None = None  # "urgent" (emergency or urgent flag) or "none"
    reference: str | None = None
    contact: tuple[str, str] | None = None  # (field, keyed hash of the normalised value)
    check_ins: str | None = None  # outcomes: "due", "missed" or "worse" (app.outcomes.service.submissions_with)

    @property
    def kinds(self) -> tuple[str, ...]:
        return KINDS if self.include_screens else ("intake",)

    @property
    def searching(self) -> str | None:
        """What the search looks for ("reference", "name", "email" or "phone"), never the value itself."""
        if self.reference:
            return "reference"
        return self.contact[0] if self.contact else None

    def args(self, **changes: Any) -> dict[str, str]:
        """The filters as query-string arguments, for links to other pages, the export and back."""
        f = replace(self, **changes)
        values = {
            "screens": "1" if f.include_screens else None,
            "status": f.status,
            "pattern": f.pattern,
            "from": f.date_from.isoformat() if f.date_from else None,
            "to": f.date_to.isoformat() if f.date_to else None,
            "flags": f.red_flags,
            "ref": f.reference,
            "find": f"{f.contact[0]}.{f.contact[1]}" if f.contact else None,
            "checkins": f.check_ins,
        }
        return {k: v for k, v in values.items() if v}

    def summary(self) -> dict[str, Any]:
        """For the audit trail: what was filtered on, and by what kind of search (no searched value)."""
        args = self.args()
        args.pop("find", None)
        args.pop("ref", None)
        return {"filters": args, "search": self.searching}


def parse_filters(args: Mapping[str, str]) -> tuple[Filters, list[str]]:
    """Filters from query-string arguments; values that are not allowed are dropped and named in the problems."""
    problems: list[str] = []

    def choice(key: str, allowed: Iterable[str], label: str) -> str | None:
        value = (args.get(key) or "").strip()
        if value and value not in allowed:
            problems.append(f"Unknown {label} ignored.")
            return None
        return value or None

    def day(key: str, label: str) -> date | None:
        value = (args.get(key) or "").strip()
        if not value:
            return None
        try:
            return parse_date(value)
        except Refused:
            problems.append(
                f"The {label} date was not a date (YYYY-MM-DD) from {FIRST_YEAR} to {LAST_YEAR} and is ignored."
            )
            return None

    reference = None
    if args.get("ref"):
        reference = normalise_reference(args["ref"])
        if reference is None:
            problems.append("That is not a reference code; the search is ignored.")
    contact = None
    if args.get("find"):
        field, _, digest = args["find"].partition(".")
        if field in CONTACT_FIELDS and _DIGEST.fullmatch(digest):
            contact = (field, digest)
        else:
            problems.append("The search link is damaged; the search is ignored.")
    filters = Filters(
        include_screens=args.get("screens") == "1",
        status=choice("status", STATUSES, "status"),
        pattern=choice("pattern", (*PATTERNS, NO_PATTERN), "pattern"),
        date_from=day("from", "from"),
        date_to=day("to", "to"),
        red_flags=choice("flags", RED_FLAG_CHOICES, "red-flag filter"),
        reference=reference,
        contact=contact,
        check_ins=choice("checkins", CHECK_IN_FILTERS, "check-in filter"),
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        problems.append("The date range ends before it starts: no submission can match.")
    return filters, problems


class SearchProblem(ValueError):
    """The search text is neither a reference code nor a name, email address or phone number we can read."""


def search_args(text: str, region: str) -> dict[str, str]:
    """The query arguments that find ``text``: a reference code, else the keyed hash of a name, email or phone."""
    text = text.strip()
    if not text:
        return {}
    reference = normalise_reference(text)
    # Some names also spell a valid code ("Mary Kate"): a code that no submission has is searched as a name.
    if reference and (text.upper().startswith("LBP") or _reference_exists(reference)):
        return {"ref": reference}
    try:
        if "@" in text:
            field, value = "email", normalise_email(text)
        elif _PHONE_LIKE.fullmatch(text) and sum(c.isdigit() for c in text) >= 6:
            field, value = "phone", normalise_phone(text, region)
        else:
            field, value = "name", normalise_name(text)
    except InvalidContact:
        raise SearchProblem("not a readable email address or phone number") from None
    return {"find": f"{field}.{contact_hash(field, value)}"}


def _reference_exists(reference: str) -> bool:
    return db.session.scalar(select(Submission.id).where(Submission.reference == reference)) is not None
