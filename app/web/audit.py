"""Write the audit trail: who did what to which record, when and from where. Nothing about patients."""

from __future__ import annotations

import ipaddress
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from app.models import AuditEvent, User
from app.web.database import reading_request, write_apart
from app.web.extensions import db


def record(
    action: str,
    *,
    target: str | None = None,
    outcome: str = "success",
    actor: User | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the session: the caller commits it with the change it describes.

    A page view changes nothing, so its event (a list, a view, an export) is committed on its own at once.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user  # type: ignore[assignment]
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else None,
        action=action,
        outcome=outcome,
        target=target,
        ip=client_address() if has_request_context() else None,
        detail=detail,
    )
    if reading_request():
        with write_apart() as apart:
            apart.add(event)
    else:
        db.session.add(event)
    return event


def client_address() -> str | None:
    """The client's address as an IP address, or None: behind a proxy it comes from a header anyone can write."""
    try:
        return str(ipaddress.ip_address(request.remote_addr or ""))
    except ValueError:
        return None


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_changes(state: ORMExecuteState) -> None:
    """Refuse ``update(AuditEvent)`` and ``delete(AuditEvent)`` through a session.

    The model's own guard sees only objects changed one by one; bulk statements skip it. PostgreSQL's trigger
    refuses both at the database; SQLite's refuses updates (tests empty the table between runs).
    """
    if (state.is_update or state.is_delete) and any(m.class_ is AuditEvent for m in state.all_mappers):
        raise RuntimeError("the audit trail is append-only")
