"""Every questionnaire version the app can read; new screenings use ``CURRENT``.

Stored submissions and unfinished drafts keep the version they were started on, so an old version stays here for as
long as anything answered in it is kept.
"""

from app.questionnaire import Questionnaire
from app.questionnaires import v1, v2, v3

VERSIONS: dict[str, Questionnaire] = {q.version: q for q in (v1.QUESTIONNAIRE, v2.QUESTIONNAIRE, v3.QUESTIONNAIRE)}
CURRENT: Questionnaire = v3.QUESTIONNAIRE
