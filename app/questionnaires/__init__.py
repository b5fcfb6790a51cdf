"""The registry: every questionnaire version the app can read; new screenings use ``current()``.

Stored submissions and unfinished drafts keep the version they were started on, so an old version stays here for as
long as anything answered in it is kept. The versions are declarations only. This package imports the questionnaire
model (``app.questionnaire``) and the core, never the other way round.
"""

from app.questionnaire import Questionnaire
from app.questionnaires import v1, v2, v3

VERSIONS: dict[str, Questionnaire] = {q.version: q for q in (v1.QUESTIONNAIRE, v2.QUESTIONNAIRE, v3.QUESTIONNAIRE)}
CURRENT: Questionnaire = v3.QUESTIONNAIRE


def current() -> Questionnaire:
    """The questionnaire new screenings use."""
    return CURRENT


def by_version(version: str) -> Questionnaire | None:
    """A questionnaire by version, so stored submissions show with the wording they were given."""
    return VERSIONS.get(version)
