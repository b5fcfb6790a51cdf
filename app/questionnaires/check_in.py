"""The check-in questionnaire: what a person answers at each follow-up of a course of treatment. Declarations only.

Every question but one is the first questionnaire's own object (the same linkId, wording and codes), so a check-in
is compared with the first screen answer for answer, and its red flags are decided by the same rules:

- **How you are now**: the PEG three items (Krebs 2009 [S133]) and the worst pain 0-10, as on the first screen,
  and a global impression of change in seven plain steps (the patient global impression of change scale's shape;
  the wording is the clinic's own).
- **The safety questions again**, because new or changed symptoms are what matter at a follow-up (domain reference
  §5.3, [S84]): version 2's whole safety step and its leg questions, with every one of version 2's ``FlagRule``s,
  so a red flag at a check-in is exactly a red flag at the first screen.

Not in ``VERSIONS``: nothing is ever assessed for a pattern against it.
"""

from __future__ import annotations

from app.questionnaire import N_, Option, Question, Questionnaire, Section
from app.questionnaires import v1, v2

_V2 = v2.QUESTIONNAIRE.by_id
URL = "urn:lbp-screening:questionnaire:check-in"

GLOBAL_CHANGE = Question(
    "global_change",
    "single",
    N_("Since your treatment started, how is your back pain overall?"),
    N_("Think about everything: the pain, what you can do, and how you feel."),
    (
        Option("very_much_better", N_("Very much better")),
        Option("much_better", N_("Much better")),
        Option("a_little_better", N_("A little better")),
        Option("no_change", N_("No change")),
        Option("a_little_worse", N_("A little worse")),
        Option("much_worse", N_("Much worse")),
        Option("very_much_worse", N_("Very much worse")),
    ),
)

# The PEG's three items as the first screen asks them (its "impact" step), and its worst-pain question.
PEG: tuple[Question, ...] = v1.IMPACT.questions
WORST_PAIN = _V2["pain_worst"]

PROGRESS = Section(
    "progress",
    N_("How you are now"),
    N_("A few questions about your back pain in the past week."),
    (*PEG, WORST_PAIN, GLOBAL_CHANGE),
)

SAFETY = Section(
    "safety",
    N_("The safety questions again"),
    N_(
        "These are the safety questions from your first check. Please answer them again: new or changed symptoms "
        "are what matter most."
    ),
    (*v2.SAFETY.questions, *(_V2[link_id] for link_id in ("leg_spread", "leg_feelings", "leg_change"))),
)

QUESTIONNAIRE = Questionnaire(
    version="check-in-1",
    url=URL,
    title=N_("Back pain check-in"),
    sections=(PROGRESS, SAFETY),
    flag_rules=v2.FLAG_RULES,
)
