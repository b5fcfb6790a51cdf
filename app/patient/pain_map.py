"""The pain map: a body seen from behind and from the front, with the regions clinicians use, one per answer.

Regions are keyed by the option codes of the questionnaire's ``pain_area`` question (``widget="pain_map"``), so
tapping a region ticks the same box the checkbox list has. ``templates/_macros/pain_map.html`` draws the SVG and
``static/app.js`` makes it work; without JavaScript the checkbox list is all there is. An option code means the same
place in every questionnaire version, so one table serves them all (version 1's "calf, shin or foot" is the calf,
the shin and the foot of version 3).

The outline is hand-drawn for this app: points placed on a 200 by 745 grid per view, from the head to the feet, and
smoothed into curves (``outline``). The legs and waist are drawn a little broad so that every region holds a square
of ``MIN_TARGET`` units, which is 44 CSS pixels or more on a 390-pixel phone (the map spans the screen there). Each
region's shape is a plain polygon clipped by its view's outline, so its edges follow the body's curves. Seen from
behind, the person's left is on the viewer's left; from the front it is on the viewer's right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.questionnaire import N_

View = Literal["back", "front"]

VIEW_WIDTH = 200
HEIGHT = 745
WIDTH = 2 * VIEW_WIDTH
MIDDLE = VIEW_WIDTH / 2
# The side of the square every region holds, in map units: at the phone's 390 / 400 scale, 44 CSS pixels or more.
MIN_TARGET = 46


@dataclass(frozen=True)
class ViewInfo:
    key: View
    offset: int
    label: str
    # Under the viewer's left leg, then the right: which of the person's sides each one is.
    sides: tuple[str, str]


VIEWS: tuple[ViewInfo, ...] = (
    ViewInfo("back", 0, N_("Back view"), (N_("Your left"), N_("Your right"))),
    ViewInfo("front", VIEW_WIDTH, N_("Front view"), (N_("Your right"), N_("Your left"))),
)


@dataclass(frozen=True)
class Shape:
    view: View
    path: str
    # The top-left corner of a MIN_TARGET square inside the shape, where a finger always lands on this region.
    target: tuple[int, int]


def outline(points: tuple[tuple[float, float], ...]) -> str:
    """A closed path through ``points`` with smooth corners (Catmull-Rom curves as cubic Béziers)."""
    n = len(points)
    parts = [f"M{points[0][0]:g},{points[0][1]:g}"]
    for i in range(n):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = (points[(i + k - 1) % n] for k in range(4))
        c1 = (x1 + (x2 - x0) / 6, y1 + (y2 - y0) / 6)
        c2 = (x2 - (x3 - x1) / 6, y2 - (y3 - y1) / 6)
        parts.append(f"C{c1[0]:.0f},{c1[1]:.0f} {c2[0]:.0f},{c2[1]:.0f} {x2:g},{y2:g}")
    return " ".join(parts) + " Z"


def _mirrored(half: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
    """The whole outline from its left half (top to bottom, ending between the feet), mirrored about the middle."""
    mirrored = tuple((VIEW_WIDTH - x, y) for x, y in reversed(half))
    return half + (mirrored[1:] if half[-1][0] == MIDDLE else mirrored)


def _flip(points: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
    return tuple((VIEW_WIDTH - x, y) for x, y in points)


def _polygon(points: tuple[tuple[float, float], ...]) -> str:
    return "M" + " L".join(f"{x:g},{y:g}" for x, y in points) + " Z"


HEAD = "M100,24 C112,24 122,35 122,49 C122,63 112,75 100,75 C88,75 78,63 78,49 C78,35 88,24 100,24 Z"
# From the neck round the viewer's left shoulder, down the torso and the leg to the foot, and up between the legs.
_TORSO_AND_LEG = (
    (89, 72),
    (86, 88),
    (52, 94),
    (24, 104),
    (14, 122),
    (14, 150),
    (20, 180),
    (23, 205),
    (19, 240),
    (15, 275),
    (16, 320),
    (22, 372),
    (31, 440),
    (39, 500),
    (36, 545),
    (35, 585),
    (43, 625),
)
_FOOT_FROM_BEHIND = ((48, 650), (49, 690), (56, 712), (84, 712), (90, 690), (90, 650))
_FOOT_FROM_THE_FRONT = ((46, 650), (42, 690), (44, 718), (68, 722), (96, 718), (97, 690), (92, 650))
_INNER_LEG = ((95, 585), (93, 500), (97, 420), (100, 378))

BODY: dict[View, str] = {
    "back": outline(_mirrored((*_TORSO_AND_LEG, *_FOOT_FROM_BEHIND, *_INNER_LEG))),
    "front": outline(_mirrored((*_TORSO_AND_LEG, *_FOOT_FROM_THE_FRONT, *_INNER_LEG))),
}
# Drawn over the regions, for context only: the spine and shoulder blades behind, the collarbones and navel in front.
DETAILS: dict[View, tuple[str, ...]] = {
    "back": (
        "M100,90 L100,300",
        "M58,112 Q54,140 70,150 Q84,138 84,114",
        "M142,112 Q146,140 130,150 Q116,138 116,114",
    ),
    "front": ("M60,100 Q80,108 96,102", "M140,100 Q120,108 104,102", "M100,226 m-3,0 a3,3 0 1,0 6,0 a3,3 0 1,0 -6,0"),
}

# Bands of the body, top to bottom (map units), shared by both views so the regions line up across them.
_MIDDLE_BACK = 148
_WAIST = 200
_PELVIS = 252
_SACRUM_END = 300
_BUTTOCKS_END = 382
_THIGH_END = 490
_KNEE_END = 545
_ANKLE = 645
_LEFT_EDGE, _RIGHT_EDGE = 0, VIEW_WIDTH
_SPINE_LEFT, _SPINE_RIGHT = 76, 124

# The polygons below are drawn on the viewer's left and flipped for the right; the outline clips them.
_LUMBAR_SIDE = ((_LEFT_EDGE, _WAIST), (_SPINE_LEFT, _WAIST), (_SPINE_LEFT, _PELVIS), (_LEFT_EDGE, _PELVIS))
_BUTTOCK = (
    (_LEFT_EDGE, _PELVIS),
    (_SPINE_LEFT, _PELVIS),
    (_SPINE_LEFT, 346),
    (MIDDLE, 360),
    (MIDDLE, _BUTTOCKS_END),
    (60, 390),
    (_LEFT_EDGE, 372),
)
_BACK_OF_THIGH = ((_LEFT_EDGE, 372), (60, 390), (MIDDLE, _BUTTOCKS_END), (MIDDLE, _THIGH_END), (_LEFT_EDGE, _THIGH_END))
_KNEE = ((_LEFT_EDGE, _THIGH_END), (MIDDLE, _THIGH_END), (MIDDLE, _KNEE_END), (_LEFT_EDGE, _KNEE_END))
_LOWER_LEG = ((_LEFT_EDGE, _KNEE_END), (MIDDLE, _KNEE_END), (MIDDLE, _ANKLE), (_LEFT_EDGE, _ANKLE))
_FOOT = ((_LEFT_EDGE, _ANKLE), (MIDDLE, _ANKLE), (MIDDLE, HEIGHT), (_LEFT_EDGE, HEIGHT))
_FLANK = ((_LEFT_EDGE, _MIDDLE_BACK + 42), (72, _MIDDLE_BACK + 42), (72, _PELVIS), (_LEFT_EDGE, _PELVIS))
_HIP = ((_LEFT_EDGE, _PELVIS), (68, _PELVIS), (68, 322), (_LEFT_EDGE, 322))
_FRONT_OF_THIGH = ((_LEFT_EDGE, 322), (68, 322), (MIDDLE, 378), (MIDDLE, _THIGH_END), (_LEFT_EDGE, _THIGH_END))


def _pair(view: View, polygon: tuple[tuple[float, float], ...], target: tuple[int, int]) -> tuple[Shape, Shape]:
    """A region's shape on the viewer's left, and its mirror image on the viewer's right."""
    left = Shape(view, _polygon(polygon), target)
    right = Shape(view, _polygon(_flip(polygon)), (VIEW_WIDTH - target[0] - MIN_TARGET, target[1]))
    return left, right


_BACK_LUMBAR = _pair("back", _LUMBAR_SIDE, (29, 204))
_BACK_BUTTOCK = _pair("back", _BUTTOCK, (24, 258))
_BACK_THIGH = _pair("back", _BACK_OF_THIGH, (40, 400))
_BACK_KNEE = _pair("back", _KNEE, (44, 494))
_BACK_CALF = _pair("back", _LOWER_LEG, (44, 560))
_FRONT_FLANK = _pair("front", _FLANK, (26, 196))
_FRONT_HIP = _pair("front", _HIP, (21, 262))
_FRONT_THIGH = _pair("front", _FRONT_OF_THIGH, (36, 400))
_FRONT_KNEE = _pair("front", _KNEE, (44, 494))
_FRONT_SHIN = _pair("front", _LOWER_LEG, (44, 560))
_FRONT_FOOT = _pair("front", _FOOT, (47, 668))
_MIDDLE_BACK_SHAPE = Shape(
    "back", _polygon(((0, _MIDDLE_BACK), (VIEW_WIDTH, _MIDDLE_BACK), (VIEW_WIDTH, _WAIST), (0, _WAIST))), (77, 151)
)
_LUMBAR_MIDDLE = Shape(
    "back",
    _polygon(((_SPINE_LEFT, _WAIST), (_SPINE_RIGHT, _WAIST), (_SPINE_RIGHT, _PELVIS), (_SPINE_LEFT, _PELVIS))),
    (77, 204),
)
_SACRUM = Shape(
    "back",
    _polygon(
        ((_SPINE_LEFT, _PELVIS), (_SPINE_RIGHT, _PELVIS), (_SPINE_RIGHT, _SACRUM_END), (_SPINE_LEFT, _SACRUM_END))
    ),
    (77, 253),
)
_TAILBONE = Shape(
    "back",
    _polygon(
        (
            (_SPINE_LEFT, _SACRUM_END),
            (_SPINE_RIGHT, _SACRUM_END),
            (_SPINE_RIGHT, 346),
            (MIDDLE, 360),
            (_SPINE_LEFT, 346),
        )
    ),
    (77, _SACRUM_END),
)
_GROIN = Shape("front", _polygon(((68, _PELVIS), (132, _PELVIS), (132, 322), (MIDDLE, 378), (68, 322))), (77, 256))


def _person(shapes: tuple[Shape, Shape]) -> tuple[Shape, Shape]:
    """(the person's left, their right): from behind their left is on the viewer's left, from the front it is not."""
    viewers_left, viewers_right = shapes
    return (viewers_left, viewers_right) if viewers_left.view == "back" else (viewers_right, viewers_left)


_LUMBAR_L, _LUMBAR_R = _person(_BACK_LUMBAR)
_BUTTOCK_L, _BUTTOCK_R = _person(_BACK_BUTTOCK)
_BACK_THIGH_L, _BACK_THIGH_R = _person(_BACK_THIGH)
_BACK_KNEE_L, _BACK_KNEE_R = _person(_BACK_KNEE)
_CALF_L, _CALF_R = _person(_BACK_CALF)
_FLANK_L, _FLANK_R = _person(_FRONT_FLANK)
_HIP_L, _HIP_R = _person(_FRONT_HIP)
_FRONT_THIGH_L, _FRONT_THIGH_R = _person(_FRONT_THIGH)
_FRONT_KNEE_L, _FRONT_KNEE_R = _person(_FRONT_KNEE)
_SHIN_L, _SHIN_R = _person(_FRONT_SHIN)
_FOOT_L, _FOOT_R = _person(_FRONT_FOOT)

# Every answer code of every version's pain_area question, and where it is drawn. "Left" and "right" are the
# person's own sides.
REGIONS: dict[str, tuple[Shape, ...]] = {
    "middle_back": (_MIDDLE_BACK_SHAPE,),
    "flank_left": (_FLANK_L,),
    "flank_right": (_FLANK_R,),
    "lower_back_left": (_LUMBAR_L,),
    "lower_back_middle": (_LUMBAR_MIDDLE,),
    "lower_back_right": (_LUMBAR_R,),
    "sacrum": (_SACRUM,),
    "tailbone": (_TAILBONE,),
    "hip_left": (_HIP_L,),
    "hip_right": (_HIP_R,),
    "buttock_left": (_BUTTOCK_L,),
    "buttock_right": (_BUTTOCK_R,),
    "groin": (_GROIN,),
    "back_of_thigh_left": (_BACK_THIGH_L,),
    "back_of_thigh_right": (_BACK_THIGH_R,),
    "front_of_thigh_left": (_FRONT_THIGH_L,),
    "front_of_thigh_right": (_FRONT_THIGH_R,),
    "knee_left": (_BACK_KNEE_L, _FRONT_KNEE_L),
    "knee_right": (_BACK_KNEE_R, _FRONT_KNEE_R),
    "calf_shin_left": (_CALF_L, _SHIN_L),
    "calf_shin_right": (_CALF_R, _SHIN_R),
    "foot_left": (_FOOT_L,),
    "foot_right": (_FOOT_R,),
    # Questionnaires 1 and 2: the side of the waist on both sides, and the calf, shin and foot as one answer.
    "side_waist": (_FLANK_L, _FLANK_R),
    "lower_leg_left": (_CALF_L, _SHIN_L, _FOOT_L),
    "lower_leg_right": (_CALF_R, _SHIN_R, _FOOT_R),
}


def offset(view: View) -> int:
    """How far right of the map's origin a view is drawn."""
    return next(v.offset for v in VIEWS if v.key == view)
