"""The review queue: keyset pagination, counts per status, and a page as the practitioner sees it.

Order: open work first (every status but closed and withdrawn), within it urgent (red-flag) first, then newest,
then id; closed and withdrawn cases follow in the same order. A page is read as a few range scans of the composite
index ``ix_submission_queue`` (kind, status, urgent, created_at, id), one per (kind, status, urgency), each already
in (created_at, id) order, joined with UNION ALL and merged here: an IN list or an OR over the leading columns would
make either engine sort every matching row instead. Pages are keyset-paginated: the next page starts after the last
row's (open, urgent, created_at, id), so the 500th page costs what the first does. Filters and search:
``app.review.filters``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import CompoundSelect, Select, func, literal, or_, select, union_all
from sqlalchemy.orm import defer, joinedload

from app.input_values import LAST_YEAR, Refused, parse_id, parse_integer
from app.models import DONE_STATUSES, STATUSES, Contact, Submission, utcnow
from app.outcomes import service as outcomes
from app.review.filters import NO_PATTERN, Filters
from app.web import audit, crypto
from app.web.extensions import db

PAGE_SIZE = 50
COUNT_CAP = 1000  # counts per status above this show as "1,000+"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A cursor's time is a stored row's: never past the last day the filters accept.
MAX_CURSOR_MICROS = (datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)
_S = TypeVar("_S", bound=Select)  # type: ignore[type-arg]


def is_open(status: str) -> bool:
    """Work still in hand: everything but a closed or withdrawn case."""
    return status not in DONE_STATUSES


@dataclass(frozen=True, order=True)
class Cursor:
    """A row's place in the queue, (open, urgent, created_at, id); a page ends at its last row's."""

    open: bool
    urgent: bool
    created_at: datetime
    id: int

    def encode(self) -> str:
        micros = (self.created_at - EPOCH) // timedelta(microseconds=1)
        return f"{int(self.open)}.{int(self.urgent)}.{micros}.{self.id}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """The cursor in a "next page" link; None (the first page) for anything else."""
        parts = (text or "").split(".")
        if len(parts) != 4 or parts[0] not in ("0", "1") or parts[1] not in ("0", "1"):
            return None
        try:
            micros = parse_integer(parts[2], 0, MAX_CURSOR_MICROS)
            row_id = parse_id(parts[3])
        except Refused:
            return None
        return cls(parts[0] == "1", parts[1] == "1", EPOCH + timedelta(microseconds=micros), row_id)

    @property
    def group(self) -> tuple[bool, bool]:
        return self.open, self.urgent


@dataclass(frozen=True)
class Page:
    rows: list[Submission]
    next_cursor: Cursor | None


def page(filters: Filters, after: Cursor | None = None, size: int | None = None) -> Page:
    """One page of the queue after ``after`` (or the first page), with contact and review loaded."""
    size = size or PAGE_SIZE
    keys = keys_after(filters, after, size + 1)
    more = len(keys) > size
    keys = keys[:size]
    rows = rows_by_id([k.id for k in keys])
    return Page(rows, keys[-1] if more and keys else None)


def rows_by_id(ids: Sequence[int]) -> list[Submission]:
    """Submissions in the given order, without their answers (the queue does not show them)."""
    if not ids:
        return []
    query = (
        select(Submission)
        .where(Submission.id.in_(ids))
        .options(defer(Submission.answers), joinedload(Submission.contact), joinedload(Submission.review))
    )
    found = {s.id: s for s in db.session.scalars(query)}
    return [found[i] for i in ids if i in found]


def keys_after(filters: Filters, after: Cursor | None, limit: int) -> list[Cursor]:
    """Up to ``limit`` rows' places in queue order after ``after``.

    One statement: each (kind, status, urgency) range is its own index scan of at most ``limit`` rows, joined with
    UNION ALL (one round trip to the database), and the few rows are put in queue order here. A search by contact
    detail first finds the few submissions with that keyed hash, then reads just those.
    """
    query = keys_statement(filters, after, limit, among_ids(filters))
    if query is None:
        return []
    keys = [
        Cursor(is_open(status), bool(urgent), created_at, id_)
        for status, urgent, created_at, id_ in db.session.execute(query)
    ]
    if after is not None:
        keys = [key for key in keys if key < after]
    keys.sort(reverse=True)
    return keys[:limit]


def among_ids(filters: Filters) -> list[int] | None:
    """The only submissions that can match a contact search or a check-in filter; None when neither is asked for."""
    found = contact_ids(filters)
    if filters.check_ins:
        # A handful of courses match at any time: read by primary key like a search (``_search``).
        with_check_ins = set(outcomes.submissions_with(filters.check_ins, utcnow()))
        found = sorted(with_check_ins) if found is None else [i for i in found if i in with_check_ins]
    return found


def contact_ids(filters: Filters) -> list[int] | None:
    """The submissions whose contact detail has the searched keyed hash (None when not searching by contact)."""
    if filters.contact is None:
        return None
    field, digest = filters.contact
    column = getattr(Contact, f"{field}_hash")
    return list(db.session.scalars(select(Contact.submission_id).where(column == digest)))


def keys_statement(
    filters: Filters, after: Cursor | None, limit: int, among: list[int] | None = None
) -> Select[Any] | CompoundSelect[Any] | None:
    """The statement ``keys_after`` runs (None when nothing can match), also for EXPLAIN in the benchmark.

    ``among``: the only submissions that can match (a contact search), read by primary key and sorted here.
    """
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        return None
    if among is not None or filters.reference:
        return _search(filters, among)
    scans = []
    for status in (filters.status,) if filters.status else STATUSES:
        for urgent in _urgencies(filters):
            group = (is_open(status), urgent)
            if after is not None and group > after.group:
                continue  # that whole range came before this page
            bound = after if after is not None and group == after.group else None
            scans += [_scan(filters, kind, status, urgent, bound, limit) for kind in filters.kinds]
    if not scans:
        return None
    return scans[0] if len(scans) == 1 else union_all(*(select(scan.subquery()) for scan in scans))


def status_counts_statement() -> CompoundSelect[Any]:
    """Intake per status, each counted up to ``COUNT_CAP + 1`` rows of ``ix_submission_queue`` (from the index alone).

    Counting every closed case of years would grow with the table (over 100 ms for 300,000 intake rows on
    PostgreSQL); the work in hand (new, contacted, booked) is what needs an exact number, and it is small.
    """
    capped = [
        select(literal(status).label("status"), func.count().label("n")).select_from(
            select(Submission.id)
            .where(Submission.kind == "intake", Submission.status == status)
            .limit(COUNT_CAP + 1)
            .subquery()
        )
        for status in STATUSES
    ]
    return union_all(*capped)


def _urgencies(filters: Filters) -> tuple[bool, ...]:
    # Every range is read, whatever the pattern filter: an urgent first screen never names a pattern (app.rules), but
    # an intake with a pattern is urgent while a check-in's red flag waits for a practitioner (app.outcomes).
    return {"urgent": (True,), "none": (False,)}.get(filters.red_flags or "", (True, False))


def _scan(filters: Filters, kind: str, status: str, urgent: bool, after: Cursor | None, limit: int) -> Select[Any]:
    """One index range, (kind, status, urgent) newest first; ``after`` a row of this same range."""
    query = select(Submission.status, Submission.urgent, Submission.created_at, Submission.id)
    query = query.where(Submission.kind == kind, Submission.status == status, Submission.urgent == urgent)
    query = _filtered(query, filters)
    if after is not None:
        # The first condition bounds the index range on both engines; the second skips rows already shown.
        query = query.where(
            Submission.created_at <= after.created_at,
            or_(Submission.created_at < after.created_at, Submission.id < after.id),
        )
    return query.order_by(Submission.created_at.desc(), Submission.id.desc()).limit(limit)


def _search(filters: Filters, among: list[int] | None) -> Select[Any] | None:
    """A search matches a handful of rows: fetch them by reference or primary key, then filter that handful
    (``keys_after`` drops the ones before the cursor).

    The handful is read first, in a subquery with a LIMIT (which SQLite does not merge into the outer query), so no
    planner is tempted to walk an index range of every intake and test each row against the list, as SQLite does
    when it has no statistics. No ORDER BY either: ``keys_after`` sorts and cuts the few rows.
    """
    if among is not None and not among:
        return None
    columns = (Submission.urgent, Submission.created_at, Submission.id, Submission.kind, Submission.status)
    picked = select(*columns, Submission.primary_pattern, Submission.reference)
    if among is not None:
        picked = picked.where(Submission.id.in_(among)).limit(len(among))
    else:
        picked = picked.where(Submission.reference == filters.reference).limit(1)
    rows = picked.subquery("found")
    query = select(rows.c.status, rows.c.urgent, rows.c.created_at, rows.c.id).where(rows.c.kind.in_(filters.kinds))
    query = _filtered(query, filters, rows.c)
    urgencies = _urgencies(filters)
    if len(urgencies) == 1:
        query = query.where(rows.c.urgent == urgencies[0])
    return query


def _filtered(query: _S, filters: Filters, source: Any = Submission) -> _S:
    """The filters other than kind and urgency (which pick the index range), on the table or a subquery's columns."""
    if filters.status:
        query = query.where(source.status == filters.status)
    if filters.pattern == NO_PATTERN:
        query = query.where(source.primary_pattern.is_(None))
    elif filters.pattern:
        query = query.where(source.primary_pattern == filters.pattern)
    if filters.date_from:
        query = query.where(source.created_at >= _start_of(filters.date_from))
    if filters.date_to:
        query = query.where(source.created_at < _start_of(filters.date_to + timedelta(days=1)))
    if filters.reference:
        query = query.where(source.reference == filters.reference)
    return query


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def status_counts() -> dict[str, int]:
    """How many intake submissions are in each status (the workflow's workload: self-screens have none), each
    counted up to ``COUNT_CAP + 1``; ``count_label`` shows a larger count as "1,000+"."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, count in db.session.execute(status_counts_statement()):
        counts[status] = int(count)
    return counts


def count_label(count: int) -> str:
    return f"{COUNT_CAP:,}+" if count > COUNT_CAP else f"{count:,}"


def contact_names(rows: Iterable[Submission]) -> dict[int, str]:
    """The names of intake submissions on a page (call only for staff allowed to see contact details)."""
    return {s.id: crypto.decrypt(s.contact.name_enc) for s in rows if s.contact is not None}


def all_keys(filters: Filters, batch: int = 1000) -> Iterator[list[int]]:
    """Every matching submission id in queue order, in batches (for exports)."""
    after: Cursor | None = None
    while True:
        keys = keys_after(filters, after, batch)
        if not keys:
            return
        yield [k.id for k in keys]
        if len(keys) < batch:
            return
        after = keys[-1]


@dataclass(frozen=True)
class Listing:
    page: Page
    counts: dict[str, int]
    names: dict[int, str]


def listing(filters: Filters, after: Cursor | None, *, with_contact: bool) -> Listing:
    """A queue page with the counts per status and, for staff allowed to see them, names; recorded as a "list"."""
    result = page(filters, after)
    audit.record("list", target="queue", count=len(result.rows), first_page=after is None, **filters.summary())
    names = contact_names(result.rows) if with_contact else {}
    return Listing(result, status_counts(), names)
