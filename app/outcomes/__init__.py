"""Outcomes: does treatment help? A practitioner starts a course of treatment on an intake; the person checks in
from their private link at the weeks the course sets (PEG, worst pain, global impression of change and the safety
questions again); practitioners see each person's trend and the clinic's results per pattern and per therapy.

- ``measures``: pure (standard library and the check-in questionnaire only): the schedule, the PEG score, change
  from baseline, meaningful change, and groups too small to show.
- ``service``: use cases (they flush, the view or command commits); ``reminders``: mail through the outbox.
- ``patient``: blueprint ``check_in`` (public, behind the result's private link); ``staff``: blueprint
  ``outcomes`` under /staff (courses, the outcomes overview, the de-identified CSV, FHIR per check-in).
- ``report``: the clinic's outcomes overview and the CSV rows; ``forms``: the forms of both audiences.

The check-in questionnaire itself is data, beside the first one: ``app/questionnaires/check_in.py``; the models are
in ``app/models/outcomes.py``; the course part of a submission's page is the workspace's (``app.review.course_panel``)
and ``flask check-ins remind`` is a command (``app.cli.check_ins``), both through ``service``.

May import the core, the shared services (``app.services``, ``app.clinic``, ``app.personal_data``, ``app.forms``),
``app.models`` and ``app.web``. Of other audiences, only what the course pages and the check-in page stand on: the
staff guard (``app.staff.guards``); the workspace's loading and locking of a submission (``app.review.workflow``),
its pattern choices (``app.review.forms``) and its CSV cell guard (``app.review.exports``); the screening steps'
question markup (``app.patient.step_markup``); and the mail helpers of an intake (``app.intake.notifications``).
Never another package's views. The workspace imports ``service`` and ``measures`` of this package, nothing else.
"""
