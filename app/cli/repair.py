"""Repair text stored before the input checks (``app.input_values``): ``flask clean-text``.

Such text may hold lone surrogates or control characters that no page, export or database can take. Each is
replaced with U+FFFD (so a reader sees that something was there) and the text put in NFC; text that passed the
checks is left as it is. Like ``app.services``: it flushes, the command commits. The audit trail is append-only and
holds no free text, so it is not touched.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any, TypeVar

from sqlalchemy import select

from app.contact_values import normalise_name
from app.input_values import printable, printable_json
from app.models import Contact, Draft, Review, Submission
from app.personal_data import contact_hash
from app.web import crypto
from app.web.database import begin_write
from app.web.extensions import db

BATCH = 500
_M = TypeVar("_M")


def repaired(text: str) -> str:
    return unicodedata.normalize("NFC", printable(text))


def repaired_json(value: Any) -> Any:
    cleaned = printable_json(value)
    if isinstance(cleaned, str):
        return unicodedata.normalize("NFC", cleaned)
    if isinstance(cleaned, dict):
        return {k: repaired_json(v) for k, v in cleaned.items()}
    if isinstance(cleaned, list):
        return [repaired_json(v) for v in cleaned]
    return cleaned


def repair_stored_text() -> dict[str, int]:
    """Repair every stored answer, draft, practitioner's note and contact detail; return how many rows changed."""
    counts = {"submissions": 0, "drafts": 0, "reviews": 0, "contacts": 0}
    for submission in _rows(Submission, Submission.id):
        if submission.answers and (fixed := repaired_json(submission.answers)) != submission.answers:
            submission.answers = fixed
            counts["submissions"] += 1
    for draft in _rows(Draft, Draft.token):
        if draft.answers and (fixed := repaired_json(draft.answers)) != draft.answers:
            draft.answers = fixed
            counts["drafts"] += 1
    for review in _rows(Review, Review.id):
        if review.notes and (fixed := repaired(review.notes)) != review.notes:
            review.notes = fixed
            counts["reviews"] += 1
    for contact in _rows(Contact, Contact.id):
        if _repair_contact(contact):
            counts["contacts"] += 1
    db.session.flush()
    return counts


def _repair_contact(contact: Contact) -> bool:
    changed = False
    for column in ("name_enc", "message_enc", "signature_enc"):
        token = getattr(contact, column)
        if token is None:
            continue
        text = crypto.decrypt(token)
        if (fixed := repaired(text)) != text:
            setattr(contact, column, crypto.encrypt(fixed))
            changed = True
    if changed:
        contact.name_hash = contact_hash("name", normalise_name(crypto.decrypt(contact.name_enc)))
    return changed


def _rows(model: type[_M], key: Any) -> Iterator[_M]:
    """Every row of ``model``, a batch at a time, in a write transaction (the command commits once)."""
    begin_write()
    last = None
    while True:
        query = select(model).order_by(key).limit(BATCH)
        if last is not None:
            query = query.where(key > last)
        batch = db.session.scalars(query).all()
        if not batch:
            return
        yield from batch
        last = getattr(batch[-1], key.key)
        db.session.flush()
