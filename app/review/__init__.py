"""The practitioners' workspace (blueprints ``practitioner`` and ``reports``): the views, their forms, the review
workflow, the queue and its filters, the overview and its charts, the exports.

May import the core, the shared services (``app.services``, ``app.clinic``), ``app.models`` and ``app.web``, and of
the staff package the guard and the permissions its blueprints stand on; no other audience package.
"""
