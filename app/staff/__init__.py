"""Staff identity: sign-in and server-side sessions, two-factor, passwords, accounts, the admin pages (accounts, the
clinic's settings, the audit trail, the outbox), the guard every staff blueprint uses and who may see what.

May import the core, the shared services (``app.services``, ``app.clinic``), ``app.models`` and ``app.web``; no other
audience package. The staff blueprints of other packages (``app.review``, ``app.outcomes``) stand on ``guards`` and
``permissions``.
"""
