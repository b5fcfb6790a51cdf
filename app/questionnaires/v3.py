"""Questionnaire version 3: declarations only.

What changed from version 2, and why:

- The pain map has the regions clinicians use on a body outline (``app/patient/pain_map.py``), after published pain
  drawings such as Stanford's CHOIR body map: the lower back split left, middle and right, the middle back, the base
  of the spine and the tailbone, the flanks, hips, groin, buttocks, thighs, knees, calves or shins and feet. People
  whose pain is "in my hip" or "at the base of my spine" can now say so. Codes whose place is unchanged are kept.
- Where the pain is scores through point rules, counted once however many regions are ticked, with the points the
  domain reference gives (§2.6, "Location"): both sides of the lower back for kidney deficiency [S11], pain that
  spreads from the back into the buttocks or legs for cold-damp [S16][S30], the flank for liver qi [S17][S19][S21].
  Declared on each region instead, they would count once per region and lower every other answer's weight.
- "Does the pain spread into a leg?" is still asked, because it opens the leg-symptom questions of the safety
  check; its points moved to the map's rule, so a leg is not counted twice.
- A fixed spot stays the "Can you point to where it hurts?" question [S8][S9]: a region on the map says where, not
  that the pain stays there, and one region alone is just as typical of kidney deficiency in the middle of the back.

Everything else is version 2's own objects.
"""

from __future__ import annotations

from app.flag_rules import Answered
from app.point_rules import PointRule
from app.questionnaire import (
    COLD_DAMP,
    KIDNEY,
    LIVER,
    N_,
    Option,
    Question,
    Questionnaire,
    Section,
)
from app.questionnaires import v2

_V2 = v2.QUESTIONNAIRE.by_id
_AREA = _V2["pain_area"]


def _kept(*codes: str) -> tuple[Option, ...]:
    """Version 2's own regions, where version 3 has the same place under the same words."""
    return tuple(option for code in codes if (option := _AREA.option(code)) is not None)


PAIN_AREA = Question(
    "pain_area",
    "multi",
    _AREA.text,
    _AREA.help,
    (
        # In the map's reading order, top to bottom and the person's left before their right: the order in which
        # the keyboard reaches the regions and the list shows them.
        Option("middle_back", N_("Middle of the back, below the shoulder blades")),
        Option("flank_left", N_("Left side of the waist, under the ribs")),
        Option("flank_right", N_("Right side of the waist, under the ribs")),
        *_kept("lower_back_left", "lower_back_middle", "lower_back_right"),
        Option("sacrum", N_("Base of the spine, just above the buttocks")),
        Option("tailbone", N_("Tailbone, at the very bottom of the spine")),
        Option("hip_left", N_("Left hip")),
        Option("hip_right", N_("Right hip")),
        *_kept("buttock_left", "buttock_right"),
        Option("groin", N_("Groin, where the legs join the body at the front")),
        *_kept("back_of_thigh_left", "back_of_thigh_right", "front_of_thigh_left", "front_of_thigh_right"),
        Option("knee_left", N_("Left knee")),
        Option("knee_right", N_("Right knee")),
        Option("calf_shin_left", N_("Left calf or shin")),
        Option("calf_shin_right", N_("Right calf or shin")),
        Option("foot_left", N_("Left foot")),
        Option("foot_right", N_("Right foot")),
    ),
    widget="pain_map",
)

LOWER_BACK = ("lower_back_left", "lower_back_middle", "lower_back_right", "sacrum", "tailbone")
# Knees and feet are left out: sore knees and heels belong to kidney deficiency [S11][S14], and pain that runs down
# a leg passes the thigh or calf on its way.
BUTTOCKS_AND_LEGS = (
    "buttock_left",
    "buttock_right",
    "back_of_thigh_left",
    "back_of_thigh_right",
    "front_of_thigh_left",
    "front_of_thigh_right",
    "calf_shin_left",
    "calf_shin_right",
)
FLANKS = ("flank_left", "flank_right")


def _area(*codes: str) -> Answered:
    return Answered("pain_area", codes)


POINT_RULES = (
    # Kidney deficiency: a diffuse ache on both sides of the lower back [S11] (reference §2.6, a secondary finding).
    # Cold-damp's ache is broad too [S16], so it is not one of kidney deficiency's own signs.
    PointRule(
        "both_sides",
        N_("Pain on both sides of the lower back"),
        {KIDNEY: 1},
        (_area("lower_back_left"), _area("lower_back_right")),
        own_sign=False,
    ),
    # Cold-damp: pain that may spread to the buttocks or legs [S16][S30] (a secondary finding, as version 2's
    # "spreads into a leg" was).
    PointRule(
        "spreads_down",
        N_("Pain that spreads from the lower back into the buttocks or legs"),
        {COLD_DAMP: 1},
        (_area(*LOWER_BACK), _area(*BUTTOCKS_AND_LEGS)),
    ),
    # Liver qi: pain that runs from the waist round to the flank or rib-side [S17][S19][S21], as version 1's
    # "round the side of the waist" did.
    PointRule("flank", N_("Pain round the side of the waist, under the ribs"), {LIVER: 1}, (_area(*FLANKS),)),
)

_SPREAD = _V2["leg_spread"]
# Asked as before, without points: the map's "spreads_down" rule counts a leg now, and this opens the leg questions.
LEG_SPREAD = Question(
    _SPREAD.link_id,
    _SPREAD.kind,
    _SPREAD.text,
    _SPREAD.help,
    tuple(Option(o.code, o.text) for o in _SPREAD.options),
)

PAIN = Section(
    v2.PAIN.key,
    v2.PAIN.title,
    v2.PAIN.intro,
    tuple({"pain_area": PAIN_AREA, "leg_spread": LEG_SPREAD}.get(q.link_id, q) for q in v2.PAIN.questions),
)

QUESTIONNAIRE = Questionnaire(
    version="3",
    url=v2.QUESTIONNAIRE.url,
    title=v2.QUESTIONNAIRE.title,
    sections=tuple(PAIN if s.key == PAIN.key else s for s in v2.QUESTIONNAIRE.sections),
    flag_rules=v2.FLAG_RULES,
    point_rules=POINT_RULES,
)
