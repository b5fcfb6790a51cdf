"""``flask seed``: synthetic submissions that the app treats like real ones."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from app import rules
from app.cli import synthetic_answers
from app.models import Contact, Review, StatusChange, Submission
from app.personal_data import contact_details
from app.questionnaires import current
from app.review import filters
from app.web.extensions import db


def test_synthetic_answers_are_valid_and_varied():
    rng = random.Random(3)
    q = current()
    primaries = set()
    urgent = 0
    for _ in range(400):
        answers = synthetic_answers.answers_for(rng, q)
        clean, errors = q.validate(answers)
        assert errors == {}
        assert clean == answers
        result = rules.assess(answers, q)
        primaries.add(result.primary)
        urgent += result.urgent
    assert set(primaries) >= {"kidney_deficiency", "qi_blood_stagnation", "cold_damp", "liver_qi_stagnation", None}
    assert 5 <= urgent <= 45  # about one in twenty


def test_the_command_stores_a_realistic_mixture(app, runner, practitioner_client):
    result = runner.invoke(args=["seed", "--count", "300", "--batch", "70"])
    assert result.exit_code == 0, result.output
    assert "Added 300 submissions" in result.output
    with app.app_context():
        kinds = dict(db.session.execute(select(Submission.kind, func.count()).group_by(Submission.kind)).all())
        assert kinds["intake"] + kinds["screen"] == 300
        assert 50 < kinds["intake"] < 130
        statuses = set(db.session.scalars(select(Submission.status).where(Submission.kind == "intake")))
        assert {"new", "closed"} <= statuses
        assert set(db.session.scalars(select(Submission.status).where(Submission.kind == "screen"))) == {"new"}
        withdrawn = db.session.scalars(select(Submission).where(Submission.status == "withdrawn")).all()
        assert all(s.answers == {} and s.contact is None and not s.urgent for s in withdrawn)
        intakes = db.session.scalars(
            select(Submission).where(Submission.kind == "intake", Submission.status != "withdrawn")
        ).all()
        assert all(s.contact is not None for s in intakes)
        details = contact_details(intakes[0])
        assert details is not None
        assert details["name"]
        assert details["email"].endswith("@example.com")
        reviews = db.session.scalars(select(Review)).all()
        assert reviews
        assert all(r.rules_version and r.submission.status in ("seen", "closed") for r in reviews)
        assert db.session.scalar(select(func.count()).select_from(StatusChange))
        assert db.session.scalar(select(func.count()).select_from(Contact)) == len(intakes)
        wanted = intakes[0].reference
        # Seeded contacts are found by the queue's exact search, like real ones.
        args = filters.search_args(details["name"], "GB")
    page = practitioner_client.get("/staff/", query_string=args).get_data(as_text=True)
    assert wanted in page


def test_running_it_again_adds_more_with_new_references(app, runner):
    assert runner.invoke(args=["seed", "--count", "50"]).exit_code == 0
    assert runner.invoke(args=["seed", "--count", "50"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(func.distinct(Submission.reference)))) == 100


def test_seeding_is_refused_in_production(app, runner, monkeypatch):
    monkeypatch.setenv("APP_CONFIG", "production")
    result = runner.invoke(args=["seed", "--count", "5"])
    assert result.exit_code != 0
    assert "not for a production database" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
