"""Outcomes: does treatment help? A practitioner starts a course of treatment on an intake; the person checks in
from their private link at the weeks the course sets (PEG, worst pain, global impression of change and the safety
questions again); practitioners see each person's trend and the clinic's results per pattern and per therapy.

- ``measures``: pure (standard library only) — the schedule, the PEG score, change from baseline, meaningful
  change, and groups too small to show.
- ``service``: use cases (they flush, the view or command commits); ``reminders``: mail through the outbox.
- ``patient``: blueprint ``check_in`` (public, behind the result's private link); ``staff``: blueprint
  ``outcomes`` under /staff (courses, the outcomes overview, the de-identified CSV, FHIR per check-in).
- ``report``: the clinic's outcomes overview and the CSV rows; ``forms``: the forms of both audiences.
- ``cli``: ``flask check-ins remind``.

The check-in questionnaire itself is data, beside the first one: ``app/questionnaires/check_in.py``.
"""
