"""The ``flask`` commands, one module per group, and the synthetic data behind ``flask seed``.

The operator's console: a command module may import the core, the shared services, ``app.models``, ``app.web`` and
the use cases of the audience it serves (``app.review.exports``, ``app.staff.accounts`` …), never a views module.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from app.cli import check_ins, clinic, engine, intake, outbox, records, seed, users

    engine.register(app)
    users.register(app)
    intake.register(app)
    seed.register(app)
    records.register(app)
    clinic.register(app)
    outbox.register(app)
    check_ins.register(app)
