"""The JSON API under /api/v1 (blueprint ``api``): the views, reading the answers sent to it, its OpenAPI contract.

May import the core (``app.fhir`` among it), the shared services (``app.services``, ``app.clinic``), ``app.models``
and ``app.web``; no other audience package.
"""
