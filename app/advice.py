"""What the clinic says about each pattern, therapy, caution and red flag: content, and how a clinic's own
settings shape it (its numbers, the therapies it offers). Pure: settings come in as parameters.

Sources are the tags of ``shared/domain/low-back-pain.md`` (§2 patterns, §3 treatment, §5 red flags, §6 cautions).
Strings are marked for translation and translated where they are shown.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from app.cautions import CAUTIONS
from app.questionnaire import COLD_DAMP, KIDNEY, LIVER, N_, STAGNATION

DISCLAIMER = N_(
    "This is a screening aid, not a diagnosis. It cannot rule out a medical problem. A practitioner will assess "
    "you in person before any treatment. If your symptoms change or get worse, see a doctor."
)


@dataclass(frozen=True)
class PatternInfo:
    name: str
    chinese: str
    description: str
    self_care: tuple[str, ...]


PATTERN_INFO: dict[str, PatternInfo] = {
    KIDNEY: PatternInfo(
        N_("Kidney Deficiency"),
        "肾虚",
        # [S1][S3][S11]
        N_(
            "A worn-out, weak kind of back pain that builds up slowly, is worse after effort and better with rest. "
            "In TCM the kidneys support the lower back; when their energy runs low with age, overwork or long "
            "illness, the back aches and the knees feel weak."
        ),
        (
            N_("Pace yourself: rest before you are exhausted, and break up long spells of standing."),
            N_("Keep your lower back warm."),
            N_("Gentle, regular exercise such as walking or tai chi helps more than bursts of hard effort."),
            N_("Aim for regular, sufficient sleep."),
        ),
    ),
    STAGNATION: PatternInfo(
        N_("Qi and Blood Stagnation"),
        "气滞血瘀",
        # [S8][S10][S27]
        N_(
            "A sharp or stabbing pain in one spot, often after a strain, a lift or long hours in one position. It "
            "hurts more when pressed and is often worse at night. In TCM, energy (qi) and blood are blocked at the "
            "painful spot."
        ),
        (
            N_("Keep moving gently within comfort; long bed rest makes stiffness worse."),
            N_("Get up and move every 30 to 45 minutes when sitting."),
            N_("Lift with your knees bent and the load close to your body."),
        ),
    ),
    COLD_DAMP: PatternInfo(
        N_("Cold-Damp Invasion"),
        "寒湿",
        # [S1][S3][S5][S46a]
        N_(
            "A cold, heavy, stiff ache that is worse in cold or rainy weather and after getting chilled, and better "
            "with warmth. Resting does not ease it much. In TCM, cold and damp have settled in the channels of the "
            "lower back."
        ),
        (
            N_("Keep your lower back warm and dry; change out of wet clothes quickly."),
            N_("A hot-water bottle or heat pack can ease the ache."),
            N_("Avoid sleeping on cold floors or in a draught from fans or air-conditioning."),
            N_("Gentle movement through the day helps more than lying still."),
        ),
    ),
    LIVER: PatternInfo(
        N_("Liver Qi Stagnation"),
        "肝气郁结",
        # [S17][S18][S22]
        N_(
            "A tight, full or moving ache that comes and goes with stress and mood, sometimes with tension under "
            "the ribs, sighing or irritability. In TCM, strong emotions stop energy (qi) flowing smoothly."
        ),
        (
            N_("Make room for things that calm you: walks, breathing exercises, time outdoors."),
            N_("Regular exercise helps energy and mood move."),
            N_("Notice which situations bring the pain on; that helps your practitioner too."),
        ),
    ),
}


@dataclass(frozen=True)
class Therapy:
    code: str
    name: str
    # What the clinic does for each pattern it is recommended for.
    detail: dict[str, str]


THERAPIES: tuple[Therapy, ...] = (
    Therapy(
        "acupuncture",
        N_("Acupuncture"),
        {
            # [S30][S31][S32][S36]
            KIDNEY: N_("Points on the lower back and legs that strengthen the kidneys, often with gentle warmth."),
            STAGNATION: N_("Points that move blood and ease the painful spot, with movement of the back."),
            COLD_DAMP: N_("Needles with warming moxibustion to drive out cold and damp."),
            # [S37][S148], local points to be confirmed by the clinic.
            LIVER: N_("Local back points with points on the hands and feet that help energy flow."),
        },
    ),
    Therapy(
        "tuina",
        N_("Tuina (Chinese therapeutic massage)"),
        {
            KIDNEY: N_("Light, warming massage of the lower back."),  # [S41]
            STAGNATION: N_("Firm massage that gets circulation moving."),  # [S42]
            LIVER: N_("Relaxing massage that releases tension."),  # [S42]
        },
    ),
    Therapy(
        "cupping",
        N_("Cupping"),
        {
            STAGNATION: N_("Cups over the painful area to move stagnation."),  # [S32][S25]
            COLD_DAMP: N_("Cups over the painful area to draw out cold and damp."),  # [S32][S40]
        },
    ),
    Therapy(
        "herbal_medicine",
        N_("Chinese herbal medicine"),
        {
            KIDNEY: N_("A formula that tonifies the kidneys, chosen for your type (yang or yin)."),  # [S3][S47]
            STAGNATION: N_("A formula that moves blood and eases pain."),  # [S8][S9]
            COLD_DAMP: N_("A warming formula that drains damp."),  # [S2][S5]
            LIVER: N_("A formula that soothes the liver and helps energy flow."),  # [S17][S19]
        },
    ),
)

THERAPY_CODES: tuple[str, ...] = tuple(therapy.code for therapy in THERAPIES)
THERAPY_BY_CODE: dict[str, Therapy] = {therapy.code: therapy for therapy in THERAPIES}


@dataclass(frozen=True)
class UrgentAdvice:
    heading: str
    what_to_do: str
    why: str
    # The same advice naming the clinic's number for this level (``%(number)s``), and which number that is.
    calling: str | None = None
    number: Literal["emergency", "urgent"] | None = None


LEVEL_ADVICE: dict[str, UrgentAdvice] = {
    "emergency": UrgentAdvice(
        N_("Get medical help now"),
        N_(
            "Go to A&E (the emergency department) now, or call an ambulance (999 in the UK, 120 in mainland China, "
            "112 in Europe). Do not wait for a TCM appointment."
        ),
        N_(
            "Your answers include signs that can mean pressure on nerves or a blood vessel problem. These need a "
            "hospital within hours to prevent lasting harm."
        ),
        N_(
            "Call %(number)s now for an ambulance, or go straight to A&E (the emergency department). Do not wait "
            "for a TCM appointment."
        ),
        "emergency",
    ),
    "urgent": UrgentAdvice(
        N_("See a doctor today or tomorrow"),
        N_(
            "Contact your GP or family doctor today and ask for an urgent appointment. If you cannot get one, use an "
            "urgent care or walk-in service."
        ),
        N_(
            "Your answers include signs that should be checked by a doctor first, for example for an infection, a "
            "broken bone or another serious cause. Most turn out to be harmless, but they must be checked."
        ),
        N_(
            "Contact your GP or family doctor today and ask for an urgent appointment. If you cannot get one, call "
            "%(number)s for urgent medical advice, or use an urgent care or walk-in service."
        ),
        "urgent",
    ),
    "refer": UrgentAdvice(
        N_("Mention this to your GP"),
        N_("Book a routine appointment with your GP to talk about it. You can still use this check."),
        N_("Some of your answers are worth talking over with your GP. They do not need urgent care."),
    ),
}

SAFETY_NET = N_(
    "If you develop numbness between your legs or around your back passage, problems passing urine or controlling "
    "your bowels, or weakness in both legs, go to A&E immediately."
)
SAFETY_NET_CALLING = N_(
    "If you develop numbness between your legs or around your back passage, problems passing urine or controlling "
    "your bowels, or weakness in both legs, call %(number)s or go to A&E immediately."
)


def what_to_do(level: str, emergency_number: str, urgent_number: str) -> tuple[str, dict[str, str]]:
    """A level's advice and its parameters: naming the clinic's number for that level where it has one.

    Without one (a clinic not yet set up, or a country with no urgent advice line) the advice stays in general terms.
    """
    guidance = LEVEL_ADVICE[level]
    number = {"emergency": emergency_number, "urgent": urgent_number}.get(guidance.number or "", "")
    if guidance.calling and number:
        return guidance.calling, {"number": number}
    return guidance.what_to_do, {}


def safety_net(emergency_number: str) -> tuple[str, dict[str, str]]:
    """The safety-net advice and its parameters, naming the clinic's emergency number where it has one."""
    return (SAFETY_NET_CALLING, {"number": emergency_number}) if emergency_number else (SAFETY_NET, {})


@dataclass(frozen=True)
class OfferedTherapies:
    """A result's therapies as one clinic can give them.

    ``shown``: the therapies the rules gave that the clinic offers, as the rules gave them (status, notes).
    ``not_offered``: the codes the rules gave that the clinic does not offer. ``others``: only when some were left
    out, what else the clinic offers, leaving out any the person's cautions advise against.
    """

    shown: tuple[Mapping[str, Any], ...]
    not_offered: tuple[str, ...]
    others: tuple[str, ...]


def offered_therapies(
    therapies: Sequence[Mapping[str, Any]], cautions: Sequence[str], offered: Collection[str]
) -> OfferedTherapies:
    """Filter a result's therapies (the assessment JSON's ``therapies`` and ``cautions``) by what the clinic offers.

    A stored assessment keeps what its rules version gave, whatever the clinic offered then: that is the record, and
    rescoring or a practitioner's agreement are measured against it. What a person is shown is filtered by what the
    clinic offers when it is shown, so a therapy the clinic stops offering is never recommended again.
    """
    shown = tuple(t for t in therapies if t["code"] in offered)
    not_offered = tuple(t["code"] for t in therapies if t["code"] not in offered)
    if not not_offered:
        return OfferedTherapies(shown, (), ())
    given = {t["code"] for t in therapies}
    avoided = {
        code
        for caution in cautions
        if caution in CAUTIONS
        for code, (action, _) in CAUTIONS[caution].effects.items()
        if action == "avoid"
    }
    others = tuple(code for code in THERAPY_CODES if code in offered and code not in given and code not in avoided)
    return OfferedTherapies(shown, not_offered, others)


def detail_pattern(therapy: Therapy, primary: str | None, secondary: Sequence[str]) -> str | None:
    """The pattern whose detail a therapy's advice gives: the primary's, else the first secondary's that has one."""
    return next((p for p in (primary, *secondary) if p in therapy.detail), None)
