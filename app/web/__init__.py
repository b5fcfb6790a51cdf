"""What every blueprint stands on: the database and its transactions, the extensions, response headers, the session
cookie, encryption and keyed hashes, logs, error pages, language choice, the health check, the audit trail, the mail
outbox and the form-field input checks.

May import the standard library, Flask and its extensions, the core (``app.questionnaire``, ``app.input_values`` …)
and ``app.models``; never an audience package (patient, intake, review, staff, api, cli) nor a service module.
"""
