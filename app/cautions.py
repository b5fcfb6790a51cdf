"""Cautions before therapy: how a before-therapy answer changes the advice for each therapy, to adapt or avoid. Pure.

Sources are the tags of ``shared/domain/low-back-pain.md`` (§6 cautions). The rules mark therapies with these
(``app.rules``); they never change scores. Strings are marked for translation and translated where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.questionnaire import N_

Action = Literal["avoid", "adapt"]


@dataclass(frozen=True)
class CautionRule:
    """How one before-therapy answer changes the advice for each therapy."""

    label: str
    effects: dict[str, tuple[Action, str]]


CAUTIONS: dict[str, CautionRule] = {
    # [S106][S111][S121][S131]
    "pregnancy": CautionRule(
        N_("Pregnancy"),
        {
            "acupuncture": (
                "adapt",
                N_("Only by a practitioner trained in pregnancy care; some points are avoided."),
            ),
            "tuina": ("adapt", N_("No strong techniques on the lower back or belly.")),
            "cupping": ("avoid", N_("Not advised during pregnancy.")),
            "herbal_medicine": (
                "avoid",
                N_("Many formulas for back pain are not safe in pregnancy."),
            ),
        },
    ),
    "breastfeeding": CautionRule(
        N_("Breastfeeding"),
        {
            "herbal_medicine": (
                "adapt",
                N_("Herbs pass into breast milk; the practitioner will choose with care."),
            )
        },
    ),
    # [S115][S116][S128][S129]
    "blood_thinners": CautionRule(
        N_("Blood thinners"),
        {
            "acupuncture": (
                "adapt",
                N_("Possible with care; tell the practitioner which medicine you take."),
            ),
            "cupping": ("avoid", N_("Not advised with blood thinners.")),
            "herbal_medicine": (
                "adapt",
                N_("Several herbs interact with blood thinners; they must be checked."),
            ),
        },
    ),
    # [S106][S116][S119]
    "bleeding_disorder": CautionRule(
        N_("Bleeding disorder"),
        {
            "acupuncture": (
                "avoid",
                N_("Not advised with a bleeding disorder unless your doctor agrees."),
            ),
            "cupping": ("avoid", N_("Not advised with a bleeding disorder.")),
            "tuina": ("avoid", N_("Not advised with a bleeding tendency.")),
        },
    ),
    # [S107][S109][S116]
    "pacemaker": CautionRule(
        N_("Pacemaker or implanted device"),
        {
            "acupuncture": (
                "adapt",
                N_("Without electrical stimulation (no electro-acupuncture)."),
            ),
            "cupping": ("avoid", N_("Not advised with a pacemaker.")),
        },
    ),
    "epilepsy": CautionRule(
        N_("Epilepsy"),
        {"acupuncture": ("adapt", N_("Without electrical stimulation (no electro-acupuncture)."))},
    ),
    # [S115][S116][S119]
    "skin_back": CautionRule(
        N_("Skin problem on the back"),
        {
            "acupuncture": ("adapt", N_("No needles through broken or inflamed skin.")),
            "cupping": ("avoid", N_("Not over broken or inflamed skin.")),
            "tuina": ("adapt", N_("The affected skin is avoided.")),
        },
    ),
    "needle_fear": CautionRule(
        N_("Fear of needles"),
        {
            "acupuncture": (
                "adapt",
                N_("Tell the practitioner: acupressure or very fine needles can be used instead."),
            )
        },
    ),
    "herb_allergy": CautionRule(
        N_("Reaction to herbal medicine before"),
        {
            "herbal_medicine": (
                "adapt",
                N_("Bring details of the reaction; herbs only with great care."),
            )
        },
    ),
    # [S127]
    "liver_disease": CautionRule(
        N_("Liver disease"),
        {
            "herbal_medicine": (
                "adapt",
                N_("Herbs can strain the liver; the practitioner will check with your doctor."),
            )
        },
    ),
    # [S122][S123][S124]
    "kidney_disease": CautionRule(
        N_("Kidney disease"),
        {
            "herbal_medicine": (
                "adapt",
                N_("Some herbs harm the kidneys; only formulas known to be safe are used."),
            )
        },
    ),
    # [S119]
    "osteoporosis": CautionRule(
        N_("Thin bones"),
        {"tuina": ("adapt", N_("Gentle techniques only; no manipulation."))},
    ),
}

# Moxibustion on the lower back is not used in kidney-yin deficiency with heat signs [S36].
YIN_MOXA_NOTE = N_("For the yin type, needles are used without moxibustion (warming).")
