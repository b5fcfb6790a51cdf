"""What a practitioner records at the first visit: tongue and pulse findings, declared once as data. Pure.

The code lists follow the findings ``shared/domain/low-back-pain.md`` §2 names for the four patterns and damp-heat
(§2.6 summarises them): the review form, its validation, the submission page and the CSV export all read them here.
Codes are stored; labels are shown. Add a code rather than renaming one, so stored reviews keep their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    code: str
    label: str


@dataclass(frozen=True)
class FindingGroup:
    key: str
    label: str
    # One finding (a tongue has one body colour) or any number of them (a coating can be thin, white and greasy).
    multiple: bool
    findings: tuple[Finding, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings)

    def label_of(self, code: str) -> str:
        return next((f.label for f in self.findings if f.code == code), code)


TONGUE_BODY = FindingGroup(
    "body",
    "Tongue body colour",
    False,
    (
        Finding("pale", "Pale"),  # kidney yang deficiency, cold [S11][S5]
        Finding("pale_red", "Pale red (normal)"),  # liver qi stagnation often unremarkable [S23]
        Finding("red", "Red"),  # kidney yin deficiency, damp-heat [S11][S6]
        Finding("dark_red", "Deep red"),
        Finding("purple", "Dark or purplish"),  # blood stasis [S8]
    ),
)

TONGUE_COATING = FindingGroup(
    "coating",
    "Tongue coating",
    True,
    (
        Finding("thin", "Thin"),  # liver qi stagnation [S23]
        Finding("thick", "Thick"),
        Finding("white", "White"),  # cold-damp [S5]
        Finding("yellow", "Yellow"),  # damp-heat [S6]
        Finding("greasy", "Greasy"),  # cold-damp, damp-heat [S5][S6]
        Finding("wet", "Wet"),  # kidney yang deficiency [S11]
        Finding("dry", "Dry"),
        Finding("little_or_peeled", "Little or peeled"),  # kidney yin deficiency [S11][S13]
    ),
)

TONGUE_SHAPE = FindingGroup(
    "shape",
    "Tongue shape and marks",
    True,
    (
        Finding("swollen", "Swollen"),  # kidney yang deficiency [S11]
        Finding("tooth_marks", "Tooth marks"),  # kidney yang deficiency [S11]
        Finding("thin", "Thin"),
        Finding("cracked", "Cracked"),
        Finding("purple_spots", "Purple spots"),  # blood stasis [S8]
        Finding("red_tip", "Red tip"),
    ),
)

PULSE = FindingGroup(
    "pulse",
    "Pulse",
    True,
    (
        Finding("deep", "Deep"),  # kidney deficiency, cold-damp [S11][S5]
        Finding("floating", "Floating"),
        Finding("weak", "Weak"),  # kidney deficiency [S11]
        Finding("thin", "Thin"),  # kidney yin deficiency [S11]
        Finding("slow", "Slow"),  # kidney yang deficiency, cold-damp [S11][S5]
        Finding("rapid", "Rapid"),  # kidney yin deficiency, damp-heat [S11][S6]
        Finding("wiry", "Wiry"),  # liver qi stagnation [S19]
        Finding("choppy", "Choppy"),  # blood stasis [S8]
        Finding("tight", "Tight"),  # cold-damp [S5]
        Finding("slippery", "Slippery"),
        Finding("soggy", "Soggy"),  # damp-heat [S6]
    ),
)

TONGUE: tuple[FindingGroup, ...] = (TONGUE_BODY, TONGUE_COATING, TONGUE_SHAPE)
GROUPS: tuple[FindingGroup, ...] = (*TONGUE, PULSE)
