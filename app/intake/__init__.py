"""Sending a screening to the clinic (blueprint ``intake``): the views, the intake use cases, the contact form, the
privacy notice and the mail an intake calls for.

May import the core, the shared services (``app.services``, ``app.clinic``), ``app.models`` and ``app.web``; no other
audience package.
"""
