"""Every questionnaire version the app can read; new screenings use ``CURRENT``."""

from app.questionnaire import Questionnaire
from app.questionnaires import v1

VERSIONS: dict[str, Questionnaire] = {q.version: q for q in (v1.QUESTIONNAIRE,)}
CURRENT: Questionnaire = v1.QUESTIONNAIRE
