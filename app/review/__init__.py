"""The practitioners' workspace (blueprints ``practitioner`` and ``reports``): the views, their forms, the review
workflow, the queue and its filters, the overview and its charts, the exports, a submission's course panel.

May import the core, the shared services (``app.services``, ``app.clinic``), ``app.models`` and ``app.web``, and of
the staff package the guard and the permissions its blueprints stand on, and of the outcomes package the use cases
and measures behind a submission's course of treatment and the check-in filters (``app.outcomes.service``,
``app.outcomes.measures``); no other audience package.
"""
