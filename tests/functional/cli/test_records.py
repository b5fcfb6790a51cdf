"""``flask export`` and ``flask rescore`` against the real database."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app import rules
from app.models import AuditEvent, Submission
from app.questionnaires import VERSIONS, current
from app.review import exports
from app.services import record_assessment
from app.web.extensions import db
from tests.answers import typical_answers, typical_v1_answers


def store(app, **changes) -> int:
    with app.app_context():
        submission = record_assessment(typical_answers(**changes), current(), source="api")
        db.session.commit()
        return submission.id


def test_export_writes_the_queue_as_csv_with_the_questionnaires_columns(app, runner):
    store(app)
    store(app, rf_now=["fever"])
    result = runner.invoke(args=["export", "--include-screens"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    with app.app_context():
        assert rows[0] == exports.header(False)
        assert len(rows) == 3
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
        assert event.detail["via"] == "cli"


def test_export_applies_filters_and_refuses_unknown_ones(app, runner):
    store(app)
    intake_only = runner.invoke(args=["export"])
    assert intake_only.exit_code == 0
    assert len(list(csv.reader(io.StringIO(intake_only.output)))) == 1  # the header: no intake yet
    refused = runner.invoke(args=["export", "--status", "lost"])
    assert refused.exit_code != 0


def test_rescore_brings_every_stored_result_to_the_current_rules(app, runner):
    old = store(app)
    erased = store(app)
    with app.app_context():
        stale = db.session.get(Submission, old)
        stale.rules_version = "0.9.0"
        stale.primary_pattern = "liver_qi_stagnation"
        stale.result = {**stale.result, "primary": "liver_qi_stagnation", "rules_version": "0.9.0"}
        gone = db.session.get(Submission, erased)
        gone.answers, gone.result, gone.rules_version = {}, {}, "0.9.0"
        db.session.commit()

    dry = runner.invoke(args=["rescore", "--dry-run"])
    assert "1 would change" in dry.output
    with app.app_context():
        assert db.session.get(Submission, old).rules_version == "0.9.0"

    result = runner.invoke(args=["rescore"])
    assert result.exit_code == 0, result.output
    assert "Assessed 1 of 2" in result.output
    with app.app_context():
        fresh = db.session.get(Submission, old)
        assert fresh.rules_version == rules.RULES_VERSION
        assert fresh.primary_pattern == "kidney_deficiency"
        assert fresh.result == rules.assess(fresh.answers, current()).to_record()
        assert db.session.get(Submission, erased).result == {}
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "rescore")).one().detail["count"] == 1


def test_rescore_scores_each_submission_against_the_questionnaire_it_was_answered_in(app, runner):
    with app.app_context():
        v1 = record_assessment(typical_v1_answers(rf_now=["major_injury"]), VERSIONS["1"], source="api").id
        v2 = record_assessment(
            typical_answers(rf_injury="major", rf_injury_when="over_1_year"), current(), source="api"
        )
        db.session.commit()
        v2_id = v2.id
    result = runner.invoke(args=["rescore"])
    assert result.exit_code == 0, result.output
    assert "questionnaire version 1: 1 scored with its own questions and red flags" in result.output
    assert f"questionnaire version {current().version}: 1 scored" in result.output
    with app.app_context():
        old = db.session.get(Submission, v1)
        # Version 1 asked an injury without asking when: its own rule (urgent) still applies to what was answered.
        assert (old.questionnaire_version, old.urgent, old.rules_version) == ("1", True, rules.RULES_VERSION)
        assert db.session.get(Submission, v2_id).urgent is False
