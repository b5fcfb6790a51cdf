"""Who on the staff may see what: the one place that decides, for pages and exports alike."""

from __future__ import annotations

from typing import Protocol

# Intake contact details and consent (name, date of birth, phone, email, message, signature).
CONTACT_ROLES = frozenset({"practitioner", "admin"})


class _Staff(Protocol):
    role: str


def may_see_contact(user: _Staff) -> bool:
    return getattr(user, "role", None) in CONTACT_ROLES
