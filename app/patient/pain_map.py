"""The pain map: the lower back, buttocks and legs seen from behind and from the front, one region per answer.

Regions are keyed by the option codes of the questionnaire's ``pain_area`` question (``widget="pain_map"``), so
tapping a region ticks the same box the checkbox list has. ``templates/_macros/pain_map.html`` draws the SVG and
``static/app.js`` makes it work; without JavaScript the checkbox list is all there is.

Paths are in one view's coordinates (``VIEW_WIDTH`` by ``HEIGHT``); each region is at least 44 units across, which
is about 44 CSS pixels on a phone. Seen from behind, the person's left is on the viewer's left; from the front it is
on the viewer's right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.questionnaire import N_

View = Literal["back", "front"]

VIEW_WIDTH = 175
HEIGHT = 440
GAP = 10
WIDTH = 2 * VIEW_WIDTH + GAP


@dataclass(frozen=True)
class ViewInfo:
    key: View
    offset: int
    label: str
    # Under the viewer's left leg, then the right: which of the person's sides each one is.
    sides: tuple[str, str]


VIEWS: tuple[ViewInfo, ...] = (
    ViewInfo("back", 0, N_("Back view"), (N_("Left"), N_("Right"))),
    ViewInfo("front", VIEW_WIDTH + GAP, N_("Front view"), (N_("Right"), N_("Left"))),
)


@dataclass(frozen=True)
class Shape:
    view: View
    path: str


# Torso and hips, drawn behind the regions in both views.
BODY = "M12,30 Q12,24 18,24 L157,24 Q163,24 163,30 L163,146 Q163,166 145,168 L30,168 Q12,166 12,146 Z"
# The spine, drawn in the back view so it reads as a back.
SPINE = "M87.5,28 L87.5,100"

_TORSO_LEFT = "M12,30 Q12,24 18,24 L62,24 L62,104 L12,104 Z"
_TORSO_MIDDLE = "M62,24 L113,24 L113,104 L62,104 Z"
_TORSO_RIGHT = "M113,24 L157,24 Q163,24 163,30 L163,104 L113,104 Z"
_FLANK_LEFT = "M12,30 Q12,24 18,24 L58,24 L58,104 L12,104 Z"
_FLANK_RIGHT = "M117,24 L157,24 Q163,24 163,30 L163,104 L117,104 Z"
_BUTTOCK_LEFT = "M12,104 L87,104 L87,160 Q87,168 79,168 L30,168 Q12,166 12,146 Z"
_BUTTOCK_RIGHT = "M88,104 L163,104 L163,146 Q163,166 145,168 L96,168 Q88,168 88,160 Z"
_THIGH_LEFT = "M16,170 L85,170 L80,290 L28,290 Z"
_THIGH_RIGHT = "M90,170 L159,170 L147,290 L95,290 Z"
_CALF_LEFT = "M28,292 L80,292 Q82,330 76,360 L70,404 L74,418 L40,418 L44,404 L34,360 Q26,330 28,292 Z"
_CALF_RIGHT = "M95,292 L147,292 Q149,330 141,360 L131,404 L135,418 L101,418 L105,404 L99,360 Q93,330 95,292 Z"
_SHIN_LEFT = "M28,292 L80,292 Q80,340 74,380 L72,404 L84,418 L36,418 L46,404 L40,380 Q28,340 28,292 Z"
_SHIN_RIGHT = "M147,292 L95,292 Q95,340 101,380 L103,404 L91,418 L139,418 L129,404 L135,380 Q147,340 147,292 Z"

# "Left" and "right" are the person's own sides.
REGIONS: dict[str, tuple[Shape, ...]] = {
    "lower_back_middle": (Shape("back", _TORSO_MIDDLE),),
    "lower_back_left": (Shape("back", _TORSO_LEFT),),
    "lower_back_right": (Shape("back", _TORSO_RIGHT),),
    "side_waist": (Shape("front", _FLANK_LEFT), Shape("front", _FLANK_RIGHT)),
    "buttock_left": (Shape("back", _BUTTOCK_LEFT),),
    "buttock_right": (Shape("back", _BUTTOCK_RIGHT),),
    "back_of_thigh_left": (Shape("back", _THIGH_LEFT),),
    "back_of_thigh_right": (Shape("back", _THIGH_RIGHT),),
    "front_of_thigh_left": (Shape("front", _THIGH_RIGHT),),
    "front_of_thigh_right": (Shape("front", _THIGH_LEFT),),
    "lower_leg_left": (Shape("back", _CALF_LEFT), Shape("front", _SHIN_RIGHT)),
    "lower_leg_right": (Shape("back", _CALF_RIGHT), Shape("front", _SHIN_LEFT)),
}


def offset(view: View) -> int:
    """How far right of the map's origin a view is drawn."""
    return next(v.offset for v in VIEWS if v.key == view)
