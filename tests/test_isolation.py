"""Canary pair: the first test writes, the second must see an empty table."""

from sqlalchemy import func, select

from app.models import Submission
from app.questionnaires import current
from app.services import record_assessment
from app.web.extensions import db
from tests.answers import typical_answers


def test_canary_writes(app):
    with app.app_context():
        record_assessment(typical_answers(), current(), source="api")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_canary_sees_nothing(app):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
