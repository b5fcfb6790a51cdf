"""Questionnaire version 2: declarations only.

What changed from version 1, and why (``docs/safety.md`` has the red-flag audit row by row):

- The safety check asks age, how long the pain has lasted and whether it is getting better first, so that findings
  which count only together (age with new pain, past cancer with pain that is new or getting worse) can be declared
  as ``FlagRule``s and decided on the first step.
- Findings that matter only while recent ask when: a ticked nerve symptom asks whether it is new in the last two weeks
  or getting worse (cauda equina, progressive deficit [S94][S86]); an injury asks when it happened (fracture [S89]).
  Long-standing, unchanged answers still reach the practitioner as a *refer* flag, never as an urgent one.
- New findings from §5.2 of the domain reference and the IFOMPT framework [S87]: new sexual dysfunction, spreading
  numbness, nerve symptoms in the arms or hands, a pulsing belly, pain in other bones, sudden severe central pain
  eased by lying flat, a weakened immune system or a recent infection or procedure, failing to improve, and the
  inflammatory-back-pain items of [S96].
- Thin bones are asked once, in the safety check, and shape therapy advice from there.

Questions whose wording and points did not change are version 1's own objects.
"""

from __future__ import annotations

from app.flag_rules import Answered, FlagRule, RedFlag
from app.questionnaire import N_, EnableWhen, Option, Question, Questionnaire, Section
from app.questionnaires import v1

NONE_OF_THESE = v1.NONE_OF_THESE
_V1 = v1.QUESTIONNAIRE.by_id


def _v1_options(link_id: str, *codes: str) -> tuple[Option, ...]:
    """Version 1's own options, where version 2 asks them the same way."""
    question = _V1[link_id]
    return tuple(option for code in codes if (option := question.option(code)) is not None)


CAUDA_EQUINA = v1.CAUDA_EQUINA
NERVE_DEFICIT = v1.NERVE_DEFICIT
ANEURYSM = v1.ANEURYSM
INFECTION = v1.INFECTION
FRACTURE = v1.FRACTURE
CANCER = v1.CANCER
INFLAMMATORY = v1.INFLAMMATORY
SPINAL_CORD = RedFlag(
    "spinal_cord", "urgent", N_("Nerve symptoms in the arms, hands or balance that a doctor should check today")
)
AORTA_CHECK = RedFlag(
    "aorta_check", "urgent", N_("A pulsing feeling in the belly that a doctor should check"), "aortic_aneurysm"
)
NERVE_CHECK = RedFlag("nerve_check", "refer", N_("Nerve symptoms to tell your doctor about"))
FRACTURE_CHECK = RedFlag(
    "fracture_check", "refer", N_("A possible crack in a bone to check with your doctor"), "fracture"
)
INFECTION_RISK = RedFlag(
    "infection_risk", "refer", N_("A higher risk of infection to mention to your doctor"), "infection"
)
CANCER_CHECK = RedFlag("cancer_check", "refer", N_("Answers your doctor should know about"), "cancer")
NOT_IMPROVING = RedFlag("not_improving", "refer", N_("Back pain that is not getting better"), "cancer")

# Answer codes the rules below refer to, declared once.
AGE_50_PLUS = Answered("age_band", ("50_64", "65_plus"))
AGE_65_PLUS = Answered("age_band", ("65_plus",))
NEW_PAIN = Answered("duration", ("under_6_weeks",))
RECENT_PAIN = Answered("duration", ("under_6_weeks", "6_to_12_weeks"))
WORSENING = Answered("trend", ("worse",))
NERVES_CAUDA = ("saddle_numbness", "bladder_change", "bowel_control", "both_legs", "sexual_change")
NERVES_LEG = ("leg_weakness", "spreading_numbness")
NERVES_UPPER = ("arms_hands",)
NERVES_RECENT = Answered("rf_nerves_when", ("new", "worse", "unsure"))
INJURED = ("major", "minor_fall", "strain")
INJURY_RECENT = Answered("rf_injury_when", ("last_6_weeks",))
BRITTLE = Answered("rf_history", ("osteoporosis", "steroids"))
INFECTION_RISKS = Answered("rf_history", ("immune", "injected_drugs", "recent_infection"))
INFLAMMATORY_SIGNS = (
    "wakes_late_night",
    "stiff_morning",
    "alternating_buttock",
    "better_moving",
    "nsaids_help",
    "family_history",
    "psoriasis_arthritis",
)

SAFETY = Section(
    "safety",
    N_("Safety check"),
    N_(
        "A few questions first to make sure this check is right for you. Some back pain needs a doctor, "
        "not a TCM clinic."
    ),
    (
        _V1["age_band"],
        Question(
            "duration",
            "single",
            N_("How long have you had this back pain?"),
            N_("If it comes and goes, count from when this bout began."),
            _V1["duration"].options,
            background=True,
        ),
        # Failing to improve is a sign to check [S86][S87]; it only counts together with how long (rules below).
        Question(
            "trend",
            "single",
            N_("Over the last month, has the pain been getting better or worse?"),
            options=(
                Option("better", N_("Getting better")),
                Option("same", N_("About the same")),
                Option("worse", N_("Getting worse")),
            ),
        ),
        # Cauda equina and progressive deficit: emergencies when new or worsening [S94][S86][S91][S99]; nerve
        # symptoms beyond the legs point to the spinal cord higher up [S87].
        Question(
            "rf_nerves",
            "multi",
            N_("Do you have any of these?"),
            N_("Tick all that apply, however long you have had them. If none apply, tick “None of these”."),
            (
                Option(
                    "saddle_numbness",
                    N_("Numbness or tingling between your legs, around your genitals or back passage"),
                ),
                Option(
                    "bladder_change",
                    N_("Trouble starting to pass urine, not feeling it pass, or leaking urine"),
                ),
                Option("bowel_control", N_("Loss of control of your bowels, or not feeling them move")),
                Option("both_legs", N_("Numbness, tingling or weakness in both legs")),
                Option(
                    "sexual_change",
                    N_("Loss of feeling in your genitals during sex, or being suddenly unable to have an erection"),
                ),
                Option(
                    "leg_weakness",
                    N_("A weak leg, a foot that drags or slaps on the ground, or trouble walking"),
                ),
                Option("spreading_numbness", N_("Numbness that is spreading")),
                Option(
                    "arms_hands",
                    N_("Numbness, tingling or clumsiness in your hands or arms, or losing your balance"),
                ),
                Option("none", NONE_OF_THESE, exclusive=True),
            ),
        ),
        Question(
            "rf_nerves_when",
            "single",
            N_("When did this start?"),
            N_("If you ticked more than one, answer for the one that is newest or changing."),
            (
                Option("new", N_("In the last 2 weeks")),
                Option("worse", N_("Longer ago, but it has got worse in the last 2 weeks")),
                Option("steady", N_("Longer ago, and it has not got worse in the last 2 weeks"), not_recent=True),
                Option("unsure", N_("I am not sure")),
            ),
            enable_when=tuple(EnableWhen("rf_nerves", c) for c in (*NERVES_CAUDA, *NERVES_LEG, *NERVES_UPPER)),
        ),
        Question(
            "rf_now",
            "multi",
            N_("Do you have any of these now?"),
            N_("Tick all that apply. If none apply, tick “None of these”."),
            (
                # Aortic aneurysm: an emergency [S98].
                *_v1_options("rf_now", "tearing_pain"),
                Option("belly_pulsing", N_("A throbbing or pulsing feeling in your belly"), red_flag=AORTA_CHECK),
                # Infection and kidney infection: urgent [S86][S95][S6][S98]. Sweats alone are left out: night sweats
                # belong to kidney-yin deficiency [S11] and are asked with the other symptoms.
                Option(
                    "fever",
                    N_("A fever (a high temperature) or shivering fits along with the back pain"),
                    red_flag=INFECTION,
                ),
                *_v1_options("rf_now", "urine_burning"),
                # Malignancy [S86][S89][S97].
                Option("weight_loss", N_("Losing weight in the last few months without trying"), red_flag=CANCER),
                Option(
                    "constant_night_pain",
                    N_("Constant pain that no position or rest eases, and that is worse at night"),
                ),
                Option("bone_pain_elsewhere", N_("New pain in other bones as well, such as your ribs or hips")),
                # Fracture: sudden severe central pain eased by lying down [S86][S89].
                Option(
                    "central_sudden",
                    N_("Sudden, severe pain in the middle of your back that eases only when you lie flat"),
                ),
                Option("none", NONE_OF_THESE, exclusive=True),
            ),
        ),
        Question(
            "rf_injury",
            "single",
            N_("Did this back pain start after an injury?"),
            N_("However long ago it was."),
            (
                Option("major", N_("Yes, a bad fall (from a height or down stairs), a road accident or a hard blow")),
                Option("minor_fall", N_("Yes, a small fall, a slip, or sitting down hard")),
                Option("strain", N_("Yes, lifting, bending or twisting")),
                Option("no", N_("No")),
            ),
        ),
        Question(
            "rf_injury_when",
            "single",
            N_("When did the injury happen?"),
            options=(
                Option("last_6_weeks", N_("In the last 6 weeks")),
                Option("6_weeks_to_1_year", N_("Between 6 weeks and a year ago"), not_recent=True),
                Option("over_1_year", N_("More than a year ago"), not_recent=True),
            ),
            enable_when=tuple(EnableWhen("rf_injury", c) for c in INJURED),
        ),
        Question(
            "rf_history",
            "multi",
            N_("Does any of this apply to you?"),
            N_("Tick all that apply. If none apply, tick “None of these”."),
            (
                Option("cancer", N_("You have had cancer, even if it was treated years ago")),
                Option(
                    "steroids",
                    N_("You have taken steroid tablets (such as prednisolone) for more than 3 months"),
                ),
                Option("osteoporosis", N_("You have thin bones (osteoporosis)"), caution="osteoporosis"),
                Option(
                    "immune",
                    N_("A weakened immune system, for example from HIV, a transplant or chemotherapy"),
                ),
                Option("injected_drugs", N_("You inject drugs")),
                Option(
                    "recent_infection",
                    N_(
                        "In the last 3 months: an infection treated with antibiotics, an operation, a deep wound "
                        "or a back injection"
                    ),
                ),
                # A risk factor for spinal infection [S95], too common to count with new pain alone.
                Option("diabetes", N_("You have diabetes")),
                Option("none", NONE_OF_THESE, exclusive=True),
            ),
        ),
        # Axial spondyloarthritis: a non-urgent referral when several signs come together [S96].
        Question(
            "rf_inflammatory",
            "multi",
            N_("Do any of these describe your back pain?"),
            N_("Tick all that apply. If none apply, tick “None of these”."),
            (
                *_v1_options(
                    "rf_inflammatory", "began_young_lasting", "wakes_late_night", "stiff_morning", "alternating_buttock"
                ),
                Option("better_moving", N_("It gets better when you move about, and not when you rest")),
                Option("nsaids_help", N_("Anti-inflammatory painkillers such as ibuprofen help a lot")),
                Option(
                    "family_history",
                    N_("A parent, brother or sister has ankylosing spondylitis, psoriasis or arthritis of the spine"),
                ),
                Option(
                    "psoriasis_arthritis",
                    N_("You have had psoriasis, swollen joints, a swollen heel tendon or an inflamed eye"),
                ),
                Option("none", NONE_OF_THESE, exclusive=True),
            ),
        ),
    ),
)

_LEG_QUESTIONS = ("leg_spread", "leg_feelings")
PAIN = Section(
    v1.PAIN.key,
    v1.PAIN.title,
    v1.PAIN.intro,
    (
        _V1["pain_area"],
        *(_V1[link_id] for link_id in _LEG_QUESTIONS),
        # A leg symptom asks whether it is getting worse: progressive deficit is an emergency [S86][S91][S99].
        Question(
            "leg_change",
            "single",
            N_("Is the numbness or weakness in the leg getting worse or spreading?"),
            options=(
                Option("worse", N_("Yes, it is getting worse or spreading")),
                Option("same", N_("No, it stays the same or is getting better"), not_recent=True),
                Option("unsure", N_("I am not sure")),
            ),
            enable_when=(EnableWhen("leg_feelings", "numbness"), EnableWhen("leg_feelings", "weakness")),
        ),
        *(_V1[link_id] for link_id in ("onset", "pattern_over_time", "pain_worst", "pain_feel", "pain_spot")),
    ),
)

LIFESTYLE = Section(
    v1.LIFESTYLE.key,
    v1.LIFESTYLE.title,
    v1.LIFESTYLE.intro,
    tuple(q for q in v1.LIFESTYLE.questions if q.link_id != "age_band"),
)

BEFORE_THERAPY = Section(
    v1.BEFORE_THERAPY.key,
    v1.BEFORE_THERAPY.title,
    v1.BEFORE_THERAPY.intro,
    (
        Question(
            "cautions",
            "multi",
            _V1["cautions"].text,
            _V1["cautions"].help,
            tuple(o for o in _V1["cautions"].options if o.code != "thin_bones"),  # asked in the safety check
        ),
        _V1["medicines"],
    ),
)


def _nerves(codes: tuple[str, ...]) -> Answered:
    return Answered("rf_nerves", codes)


FLAG_RULES = (
    # Cauda equina and progressive deficit: new (< 14 days) or worsening [S94][S86][S91][S99].
    FlagRule(
        "cauda_equina_new",
        CAUDA_EQUINA,
        N_("Numbness between the legs, bladder, bowel or sexual changes, or weak legs, that are new or getting worse"),
        (_nerves(NERVES_CAUDA), NERVES_RECENT),
    ),
    FlagRule(
        "leg_deficit_new",
        NERVE_DEFICIT,
        N_("Leg weakness or numbness that is new, spreading or getting worse"),
        (_nerves(NERVES_LEG), NERVES_RECENT),
    ),
    FlagRule(
        "leg_deficit_worse",
        NERVE_DEFICIT,
        N_("Leg weakness or numbness that is new, spreading or getting worse"),
        (Answered("leg_change", ("worse",)),),
    ),
    FlagRule(
        "spinal_cord_new",
        SPINAL_CORD,
        N_("Nerve symptoms in the arms, hands or balance that are new or getting worse"),
        (_nerves(NERVES_UPPER), NERVES_RECENT),
    ),
    FlagRule(
        "nerves_longstanding",
        NERVE_CHECK,
        N_("Nerve symptoms from longer ago that have not got worse in the last 2 weeks"),
        (_nerves((*NERVES_CAUDA, *NERVES_LEG, *NERVES_UPPER)), Answered("rf_nerves_when", ("steady",))),
    ),
    FlagRule(
        "leg_nerves_unsure",
        NERVE_CHECK,
        N_("Numbness or weakness in a leg that may be changing"),
        (Answered("leg_change", ("unsure",)),),
    ),
    # Aortic aneurysm: a pulsing belly at the age it is commonest is an emergency [S98].
    FlagRule(
        "aorta_older",
        ANEURYSM,
        N_("A pulsing feeling in the belly at 50 or over"),
        (Answered("rf_now", ("belly_pulsing",)), AGE_50_PLUS),
    ),
    # Malignancy [S86][S89][S97]: past cancer counts with pain that is new, worsening or constant at night, as
    # NICE's advice on spinal metastases reads it; on its own it is for the doctor to know.
    FlagRule(
        "cancer_with_new_pain",
        CANCER,
        N_("Past cancer with back pain that is recent, getting worse, constant at night or in other bones"),
        (Answered("rf_history", ("cancer",)),),
        (
            RECENT_PAIN,
            WORSENING,
            Answered("rf_now", ("constant_night_pain", "weight_loss", "bone_pain_elsewhere")),
        ),
    ),
    FlagRule(
        "cancer_history",
        CANCER_CHECK,
        N_("Past cancer"),
        (Answered("rf_history", ("cancer",)),),
    ),
    # Recent constant night pain with no injury to explain it; after an injury the fracture rules speak.
    FlagRule(
        "night_pain_recent",
        CANCER,
        N_("Constant pain at night that is recent or getting worse, with no injury to explain it"),
        (Answered("rf_now", ("constant_night_pain",)), Answered("rf_injury", ("no",))),
        (RECENT_PAIN, WORSENING),
    ),
    FlagRule(
        "night_pain",
        CANCER_CHECK,
        N_("Constant pain at night"),
        (Answered("rf_now", ("constant_night_pain",)),),
    ),
    FlagRule(
        "bone_pain",
        CANCER_CHECK,
        N_("New pain in other bones"),
        (Answered("rf_now", ("bone_pain_elsewhere",)),),
    ),
    FlagRule(
        "age_new_pain",
        CANCER_CHECK,
        N_("New back pain at 50 or over without an injury"),
        (AGE_50_PLUS, NEW_PAIN, Answered("rf_injury", ("no",))),
    ),
    FlagRule(
        "young",
        CANCER_CHECK,
        N_("Back pain under the age of 20"),
        (Answered("age_band", ("under_20",)),),
    ),
    # Failing to improve [S86][S87]: pain of 6 weeks or more that is getting worse. "About the same" is the usual
    # course of back pain that has lasted that long, so on its own it is not flagged.
    FlagRule(
        "getting_worse",
        NOT_IMPROVING,
        N_("Pain for 6 weeks or more that is getting worse"),
        (Answered("duration", ("6_to_12_weeks", "over_12_weeks")), WORSENING),
    ),
    # Fracture [S86][S89]: major trauma; minor trauma with thin bones, long-term steroids or (for a fall) older age.
    FlagRule(
        "injury_major_recent",
        FRACTURE,
        N_("A bad fall, accident or blow in the last 6 weeks"),
        (Answered("rf_injury", ("major",)), INJURY_RECENT),
    ),
    FlagRule(
        "injury_minor_brittle",
        FRACTURE,
        N_("A small fall, slip or strain in the last 6 weeks, with thin bones or long-term steroids"),
        (Answered("rf_injury", ("minor_fall", "strain")), INJURY_RECENT, BRITTLE),
    ),
    FlagRule(
        "fall_older",
        FRACTURE,
        N_("A fall in the last 6 weeks at 65 or over"),
        (Answered("rf_injury", ("minor_fall",)), INJURY_RECENT, AGE_65_PLUS),
    ),
    FlagRule(
        "strain_older",
        FRACTURE_CHECK,
        N_("A lifting or twisting strain in the last 6 weeks at 65 or over"),
        (Answered("rf_injury", ("strain",)), INJURY_RECENT, AGE_65_PLUS),
    ),
    FlagRule(
        "injury_major_months",
        FRACTURE_CHECK,
        N_("A bad fall, accident or blow in the last year"),
        (Answered("rf_injury", ("major",)), Answered("rf_injury_when", ("6_weeks_to_1_year",))),
    ),
    FlagRule(
        "brittle_new_pain",
        FRACTURE,
        N_("New back pain with thin bones or long-term steroids"),
        (BRITTLE, NEW_PAIN),
    ),
    FlagRule(
        "steroids",
        FRACTURE_CHECK,
        N_("Long-term steroid tablets"),
        (Answered("rf_history", ("steroids",)),),
    ),
    FlagRule(
        "central_sudden_risk",
        FRACTURE,
        N_("Sudden severe central pain with thin bones, steroids, a recent injury or at 50 or over"),
        (Answered("rf_now", ("central_sudden",)),),
        (AGE_50_PLUS, BRITTLE, INJURY_RECENT),
    ),
    FlagRule(
        "central_sudden",
        FRACTURE_CHECK,
        N_("Sudden severe central pain eased by lying flat"),
        (Answered("rf_now", ("central_sudden",)),),
    ),
    # Infection [S86][S95][S91]: a risk factor counts with pain that is new, worsening or constant.
    FlagRule(
        "infection_risk_new_pain",
        INFECTION,
        N_("A higher risk of infection with back pain that is new, getting worse or constant"),
        (INFECTION_RISKS,),
        (NEW_PAIN, WORSENING, Answered("rf_now", ("constant_night_pain",))),
    ),
    FlagRule(
        "infection_risk",
        INFECTION_RISK,
        N_("A higher risk of infection: a weakened immune system, diabetes, injected drugs or a recent infection"),
        (Answered("rf_history", (*INFECTION_RISKS.answers, "diabetes")),),
    ),
    # Inflammatory back pain: began before 45 and lasted over 3 months, with at least three more of its signs [S96].
    FlagRule(
        "inflammatory",
        INFLAMMATORY,
        N_("Several signs of inflammatory back pain together"),
        (Answered("rf_inflammatory", ("began_young_lasting",)),),
        tuple(Answered("rf_inflammatory", (code,)) for code in INFLAMMATORY_SIGNS),
        at_least=3,
    ),
)

QUESTIONNAIRE = Questionnaire(
    version="2",
    url=v1.QUESTIONNAIRE.url,
    title=v1.QUESTIONNAIRE.title,
    sections=(SAFETY, PAIN, v1.TRIGGERS, v1.SYMPTOMS, LIFESTYLE, v1.IMPACT, BEFORE_THERAPY),
    flag_rules=FLAG_RULES,
)
