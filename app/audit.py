"""Write the audit trail: who did what to which record, when and from where. Nothing about patients."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from app.extensions import db
from app.models import AuditEvent, User


def record(
    action: str,
    *,
    target: str | None = None,
    outcome: str = "success",
    actor: User | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the session (the caller commits with the change it describes)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user  # type: ignore[assignment]
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else None,
        action=action,
        outcome=outcome,
        target=target,
        ip=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
    db.session.add(event)
    return event
