"""Recording an assessment: one INSERT, nothing read back, and what it returns is what was stored."""

from __future__ import annotations

from sqlalchemy import event, select

from app import rules, services
from app.models import Submission, utcnow
from app.questionnaires import current
from app.web.database import begin_write
from app.web.extensions import db
from tests.answers import typical_answers


def test_recording_writes_one_insert_and_reads_nothing_back(app):
    with app.app_context():
        begin_write()  # the transaction begins before counting
        statements: list[str] = []

        def seen(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement.split(None, 1)[0].upper())

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            services.record_assessment(typical_answers(), current(), source="api")
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        db.session.commit()
    assert statements == ["INSERT"]


def test_what_is_returned_is_what_was_stored(app):
    answers, _ = current().validate(typical_answers())
    before = utcnow()
    with app.app_context():
        recorded = services.record_assessment(answers, current(), source="web", language="zh", key="k" * 64)
        db.session.commit()
    after = utcnow()
    with app.app_context():
        stored = db.session.scalars(select(Submission)).one()
    assert recorded == services.Recorded.of(stored)
    assert stored.answers == answers
    assert stored.result == rules.assess(answers, current()).to_record()  # the compact record
    assert services.assessment_json(stored) == rules.assess(answers, current()).to_json() == recorded.result
    assert (stored.source, stored.language, stored.idempotency_key) == ("web", "zh", "k" * 64)
    assert (stored.questionnaire_version, stored.rules_version) == (current().version, rules.RULES_VERSION)
    assert (stored.urgent, stored.primary_pattern) == (False, "kidney_deficiency")
    assert (stored.kind, stored.status, stored.row_version) == ("screen", "new", 1)
    assert before <= stored.created_at <= after


def test_a_retry_returns_the_first_submission_as_stored(app):
    answers, _ = current().validate(typical_answers())
    with app.app_context():
        first, created = services.record_assessment_once(answers, current(), source="api", token="api:t")
        db.session.commit()
    with app.app_context():
        again, created_again = services.record_assessment_once(answers, current(), source="api", token="api:t")
        db.session.rollback()
    assert (created, created_again) == (True, False)
    assert again == first
