"""Questionnaire version 1: declarations only.

Points per pattern follow ``shared/domain/low-back-pain.md`` §2 (primary findings 2, secondary 1, as its §4.5
suggests); source tags in comments name the reference's sources. Red flags and their levels follow §5.2,
cautions §6. Wording is lay English a patient understands; every string is marked for translation.
"""

from __future__ import annotations

from app.flag_rules import RedFlag
from app.questionnaire import (
    COLD_DAMP,
    DAMP_HEAT,
    KIDNEY,
    LIVER,
    N_,
    STAGNATION,
    EnableWhen,
    Option,
    Question,
    Questionnaire,
    Section,
)

NONE_OF_THESE = N_("None of these")

CAUDA_EQUINA = RedFlag("cauda_equina", "emergency", N_("Possible pressure on the nerves at the base of the spine"))
NERVE_DEFICIT = RedFlag("progressive_neuro", "emergency", N_("Nerve weakness that is getting worse"))
ANEURYSM = RedFlag("aortic_aneurysm", "emergency", N_("Possible problem with the main blood vessel in the belly"))
INFECTION = RedFlag("infection", "urgent", N_("Possible infection"))
KIDNEY_INFECTION = RedFlag("kidney_infection", "urgent", N_("Possible kidney or urine infection"))
FRACTURE = RedFlag("fracture", "urgent", N_("Possible broken bone in the spine"))
CANCER = RedFlag("cancer", "urgent", N_("Signs that need checking for a serious cause"))
INFLAMMATORY = RedFlag("inflammatory", "refer", N_("Possible inflammatory back pain"))

SAFETY = Section(
    "safety",
    N_("Safety check"),
    N_(
        "A few questions first to make sure this check is right for you. Some back pain needs a doctor, "
        "not a TCM clinic."
    ),
    (
        # Cauda equina, progressive deficit and aneurysm: emergencies [S94][S86][S91][S98].
        Question(
            "rf_now",
            "multi",
            N_("Do you have any of these right now?"),
            N_("Tick all that apply. If none apply, tick “None of these”."),
            (
                Option(
                    "saddle_numbness",
                    N_("Numbness or tingling between your legs, around your genitals or back passage"),
                    red_flag=CAUDA_EQUINA,
                ),
                Option(
                    "bladder_change",
                    N_("New trouble passing urine, not feeling it pass, or leaking urine"),
                    red_flag=CAUDA_EQUINA,
                ),
                Option("bowel_control", N_("New loss of control of your bowels"), red_flag=CAUDA_EQUINA),
                Option("both_legs", N_("Numbness or weakness in both legs"), red_flag=CAUDA_EQUINA),
                Option(
                    "leg_weakness_worse",
                    N_("A leg that is getting weaker, a foot that drags or flops, or new trouble walking"),
                    red_flag=NERVE_DEFICIT,
                ),
                Option(
                    "tearing_pain",
                    N_("Sudden, severe tearing pain in your back or belly, or feeling faint with the pain"),
                    red_flag=ANEURYSM,
                ),
                # Infection and kidney infection: urgent [S86][S95][S6][S98].
                Option(
                    "fever",
                    N_("Fever, shivering or sweats along with the back pain"),
                    red_flag=INFECTION,
                ),
                Option(
                    "urine_burning",
                    N_("Burning when you pass urine, or blood in your urine"),
                    red_flag=KIDNEY_INFECTION,
                ),
                # Fracture and malignancy [S86][S89][S97].
                Option(
                    "major_injury",
                    N_("The pain started after a bad fall, a road accident or a hard blow to the back"),
                    red_flag=FRACTURE,
                ),
                Option("weight_loss", N_("Losing weight without trying"), red_flag=CANCER),
                Option(
                    "constant_night_pain",
                    N_("Constant pain that no position or rest eases, and that is worse at night"),
                    red_flag=CANCER,
                ),
                Option("none", NONE_OF_THESE, exclusive=True),
            ),
        ),
        Question(
            "rf_history",
            "multi",
            N_("Does any of this apply to you?"),
            N_("Tick all that apply. If none apply, tick “None of these”."),
            (
                Option(
                    "cancer",
                    N_("You have had cancer, even if it was treated years ago"),
                    red_flag=CANCER,
                ),
                Option(
                    "steroids",
                    N_("You have taken steroid tablets (such as prednisolone) for more than a few weeks"),
                    red_flag=FRACTURE,
                ),
                Option(
                    "osteoporosis_lifting",
                    N_("You have thin bones (osteoporosis) and the pain began after lifting, a slip or a small fall"),
                    red_flag=FRACTURE,
                ),
                Option(
                    "injected_drugs",
                    N_("You inject drugs, or have a weakened immune system (e.g. after a transplant)"),
                    red_flag=INFECTION,
                ),
                Option("none", NONE_OF_THESE, exclusive=True),
            ),
        ),
        # Axial spondyloarthritis: non-urgent referral when several signs come together [S96].
        Question(
            "rf_inflammatory",
            "multi",
            N_("Do any of these describe your back pain?"),
            N_("Tick all that apply. If none apply, tick “None of these”."),
            (
                Option(
                    "began_young_lasting",
                    N_("It began before you were 45 and has lasted more than 3 months"),
                ),
                Option(
                    "wakes_late_night",
                    N_("It wakes you in the second half of the night and eases once you get up"),
                ),
                Option("stiff_morning", N_("You are stiff for more than half an hour in the morning")),
                Option(
                    "alternating_buttock",
                    N_("Pain in the buttocks that switches from side to side"),
                ),
                Option(
                    "psoriasis_arthritis",
                    N_("You or a parent, brother or sister have psoriasis, arthritis of the spine or swollen joints"),
                ),
                Option("none", NONE_OF_THESE, exclusive=True),
            ),
            flag_at_least=(3, INFLAMMATORY),
        ),
    ),
)

PAIN = Section(
    "pain",
    N_("About your pain"),
    N_("Where it hurts, how long you have had it and what it feels like."),
    (
        Question(
            "pain_area",
            "multi",
            N_("Where do you feel the pain?"),
            N_("Tick every area that hurts."),
            (
                Option("lower_back_middle", N_("Lower back, in the middle")),
                Option("lower_back_left", N_("Lower back, left side")),
                Option("lower_back_right", N_("Lower back, right side")),
                # Pain running round to the flank or rib-side points to liver qi [S17][S19][S21].
                Option(
                    "side_waist",
                    N_("Round the side of the waist, under the ribs"),
                    points={LIVER: 1},
                ),
                Option("buttock_left", N_("Left buttock")),
                Option("buttock_right", N_("Right buttock")),
                Option("back_of_thigh_left", N_("Back of the left thigh")),
                Option("back_of_thigh_right", N_("Back of the right thigh")),
                Option("front_of_thigh_left", N_("Front of the left thigh")),
                Option("front_of_thigh_right", N_("Front of the right thigh")),
                Option("lower_leg_left", N_("Left calf, shin or foot")),
                Option("lower_leg_right", N_("Right calf, shin or foot")),
            ),
            widget="pain_map",
        ),
        Question(
            "leg_spread",
            "single",
            N_("Does the pain spread into a leg?"),
            options=(
                Option("no", N_("No, it stays in my back or buttocks")),
                # Cold-damp pain may spread to the buttocks or legs [S16][S30].
                Option("above_knee", N_("Yes, down to above the knee"), points={COLD_DAMP: 1}),
                Option("below_knee", N_("Yes, below the knee"), points={COLD_DAMP: 1}),
            ),
        ),
        Question(
            "leg_feelings",
            "multi",
            N_("What do you feel in the leg?"),
            N_("Tick all that apply."),
            (
                Option("pain", N_("Pain")),
                Option("pins_needles", N_("Pins and needles or tingling")),
                Option("numbness", N_("Numbness")),
                Option("weakness", N_("Weakness")),
                Option("none", NONE_OF_THESE, exclusive=True),
            ),
            enable_when=(
                EnableWhen("leg_spread", "above_knee"),
                EnableWhen("leg_spread", "below_knee"),
            ),
        ),
        Question(
            "duration",
            "single",
            N_("How long have you had this back pain?"),
            options=(
                Option("under_6_weeks", N_("Less than 6 weeks")),
                Option("6_to_12_weeks", N_("6 to 12 weeks")),
                # A long course is secondary for blood stasis [S8] and typical of recurring deficiency [S30].
                Option("over_12_weeks", N_("More than 12 weeks"), points={KIDNEY: 1, STAGNATION: 1}),
            ),
            background=True,
        ),
        Question(
            "onset",
            "single",
            N_("How did it start?"),
            options=(
                # Injury, lifting or twisting: stagnation [S8][S10][S27].
                Option(
                    "injury",
                    N_("Suddenly, after lifting, twisting, a strain or a knock"),
                    points={STAGNATION: 2},
                ),
                # Gradual onset: kidney deficiency [S11][S14].
                Option("gradual", N_("Gradually, without an injury"), points={KIDNEY: 2}),
                # Exposure to cold, wet or wind: cold-damp [S1][S28].
                Option(
                    "cold_wet",
                    N_("After getting cold or wet, or sleeping in a draught"),
                    points={COLD_DAMP: 2},
                ),
                # Emotional strain with no injury: liver qi [S17][S18].
                Option("stress", N_("During a stressful or upsetting time"), points={LIVER: 2}),
                Option("unsure", N_("I am not sure")),
            ),
        ),
        Question(
            "pattern_over_time",
            "single",
            N_("Over time, how does the pain behave?"),
            options=(
                # Keeps coming back (反复发作): kidney deficiency [S30].
                Option(
                    "keeps_returning",
                    N_("It keeps coming back again and again"),
                    points={KIDNEY: 2},
                ),
                Option("constant", N_("It is there most of the time")),
                # Comes and goes with mood: liver qi [S17][S18].
                Option(
                    "comes_with_mood",
                    N_("It comes and goes with my mood or stress"),
                    points={LIVER: 2},
                ),
                Option("one_episode", N_("This is the first time, and it has not gone yet")),
            ),
        ),
        Question(
            "pain_worst",
            "integer",
            N_("How bad is the pain at its worst, from 0 to 10?"),
            N_("0 means no pain and 10 means the worst pain you can imagine."),
            minimum=0,
            maximum=10,
            min_label=N_("No pain"),
            max_label=N_("Worst imaginable"),
        ),
        Question(
            "pain_feel",
            "multi",
            N_("What does the pain feel like?"),
            N_("Tick all the words that fit."),
            (
                # Dull, sore and weak: kidney deficiency [S11][S14][S15].
                Option("dull_ache", N_("A dull ache"), points={KIDNEY: 2}),
                Option(
                    "sore_weak",
                    N_("Sore and weak, as if the back cannot hold me up"),
                    points={KIDNEY: 2},
                ),
                # Stabbing or boring: blood stasis [S8][S9][S30].
                Option("stabbing", N_("Sharp, stabbing or like a knife"), points={STAGNATION: 2}),
                # Cold and heavy: cold-damp [S1][S3][S5]; cold also points to kidney yang [S11].
                Option("heavy", N_("Heavy, like carrying a weight"), points={COLD_DAMP: 2}),
                Option(
                    "cold",
                    N_("Cold, as if the back were in cold water"),
                    points={COLD_DAMP: 2},
                    subtype="yang",
                ),
                # Tight or stiff: cold-damp [S5] and liver qi [S17].
                Option("tight_stiff", N_("Tight or stiff"), points={COLD_DAMP: 1, LIVER: 1}),
                # Distending and cramping: liver qi [S17]; distending also qi stagnation [S8].
                Option("distending", N_("Full, swollen or bloated"), points={LIVER: 2, STAGNATION: 1}),
                Option("cramping", N_("Cramping or in spasms"), points={LIVER: 1}),
                # Burning: damp-heat, outside the clinic's patterns [S6].
                Option("burning", N_("Burning or hot"), points={DAMP_HEAT: 2}),
            ),
        ),
        Question(
            "pain_spot",
            "single",
            N_("Can you point to where it hurts?"),
            options=(
                # Fixed spot: blood stasis [S8][S9]; moving: liver qi [S17][S19]; broad: deficiency or damp [S11][S16].
                Option(
                    "one_spot",
                    N_("Yes, it is always in one spot I can point to"),
                    points={STAGNATION: 2},
                ),
                Option(
                    "wide_area",
                    N_("No, it is spread over a wide area"),
                    points={KIDNEY: 1, COLD_DAMP: 1},
                ),
                Option("moves", N_("No, it moves about from place to place"), points={LIVER: 2}),
            ),
        ),
    ),
)

TRIGGERS = Section(
    "triggers",
    N_("What makes it worse or better"),
    N_("Think about the last few weeks."),
    (
        Question(
            "worse_with",
            "multi",
            N_("What makes your pain worse?"),
            N_("Tick all that apply."),
            (
                # Exertion, standing, end of day: kidney deficiency [S3][S11][S15].
                Option("exertion", N_("Physical effort or tiredness"), points={KIDNEY: 2}),
                Option("standing", N_("Standing for a long time"), points={KIDNEY: 1}),
                Option("end_of_day", N_("The end of the day"), points={KIDNEY: 1}),
                # Pressure and night: blood stasis [S8][S10][S30].
                Option("pressure", N_("Pressing on the sore spot"), points={STAGNATION: 2}),
                Option("night", N_("Night-time, lying in bed"), points={STAGNATION: 2}),
                Option("twisting", N_("Bending or twisting"), points={STAGNATION: 1}),
                Option("sitting", N_("Sitting for a long time"), points={STAGNATION: 1}),
                # Cold, damp weather, rest not helping: cold-damp [S3][S5][S46a].
                Option("cold", N_("Cold, or getting chilled"), points={COLD_DAMP: 2}),
                Option("damp_weather", N_("Damp, rainy or cloudy weather"), points={COLD_DAMP: 2}),
                Option("lying_still", N_("Lying still or resting"), points={COLD_DAMP: 2}),
                Option("morning", N_("First thing in the morning"), points={COLD_DAMP: 1, LIVER: 1}),
                # Emotions: liver qi [S17][S18].
                Option("stress", N_("Stress, worry, anger or upset"), points={LIVER: 2}),
                # Heat and humid weather: damp-heat [S6][S30].
                Option("heat", N_("Heat, or hot and humid weather"), points={DAMP_HEAT: 2}),
                Option("none", NONE_OF_THESE, exclusive=True),
            ),
        ),
        Question(
            "better_with",
            "multi",
            N_("What makes your pain better?"),
            N_("Tick all that apply."),
            (
                # Rest and pressure relieve deficiency (喜揉喜按) [S3][S30].
                Option("rest", N_("Rest or lying down"), points={KIDNEY: 2}),
                Option("pressure_rubbing", N_("Pressing or rubbing it"), points={KIDNEY: 2}),
                # Warmth: cold-damp [S5][S3], and kidney yang [S12].
                Option(
                    "warmth",
                    N_("Warmth, such as a hot-water bottle"),
                    points={COLD_DAMP: 2},
                    subtype="yang",
                ),
                # Moving eases liver-qi pain (and morning stiffness) [S18][S17].
                Option("moving", N_("Getting up and moving about"), points={LIVER: 1, COLD_DAMP: 1}),
                Option("relaxing", N_("Relaxing, or a calmer mood"), points={LIVER: 2}),
                # Cooling eases damp-heat [S6].
                Option("cool", N_("Cooling down"), points={DAMP_HEAT: 2}),
                Option("none", N_("Nothing helps much"), exclusive=True),
            ),
        ),
    ),
)

SYMPTOMS = Section(
    "symptoms",
    N_("Other symptoms"),
    N_("Things that may seem unrelated to your back can help a TCM practitioner."),
    (
        Question(
            "other_symptoms",
            "multi",
            N_("Have you often had any of these in the last few months?"),
            N_("Tick all that apply."),
            (
                # Kidney essence findings [S11][S14].
                Option("weak_knees", N_("Weak or sore knees"), points={KIDNEY: 2}),
                Option("ringing_ears", N_("Ringing in the ears"), points={KIDNEY: 1}, subtype="yin"),
                Option("tired", N_("Tiring easily"), points={KIDNEY: 1}),
                Option("heel_pain", N_("Sore heels"), points={KIDNEY: 1}),
                Option(
                    "memory_hair",
                    N_("Poor memory, or hair thinning or falling out"),
                    points={KIDNEY: 1},
                ),
                # Temperature items pick the sub-type only, as the reference's §2.1 design note says.
                Option(
                    "night_urination",
                    N_("Getting up at night to pass urine"),
                    points={KIDNEY: 1},
                    subtype="yang",
                ),
                Option(
                    "feel_cold",
                    N_("Feeling the cold more than others, cold hands and feet"),
                    subtype="yang",
                ),
                Option(
                    "low_libido",
                    N_("Less interest in sex, or trouble with erections"),
                    subtype="yang",
                ),
                Option(
                    "hot_palms_sweats",
                    N_("Hot palms or soles at night, or night sweats"),
                    subtype="yin",
                ),
                Option("dry_mouth", N_("A dry mouth or throat"), subtype="yin"),
                # Liver qi stagnation [S17][S19][S22].
                Option("irritable", N_("Feeling irritable, short-tempered or low"), points={LIVER: 1}),
                Option("sighing", N_("Sighing a lot"), points={LIVER: 1}),
                Option(
                    "rib_tightness",
                    N_("Tightness or ache under the ribs at the side"),
                    points={LIVER: 2},
                ),
                Option("lump_throat", N_("A feeling of a lump in the throat"), points={LIVER: 1}),
                Option("poor_appetite", N_("Poor appetite or a bloated belly"), points={LIVER: 1}),
                Option("poor_sleep", N_("Poor sleep"), points={LIVER: 1}),
                # Blood stasis secondary findings [S8][S9].
                Option(
                    "dark_lips_tongue",
                    N_("Dark or purplish lips, or purple spots on the tongue"),
                    points={STAGNATION: 1},
                ),
                # Cold-damp heaviness [S5][S44].
                Option(
                    "heavy_body",
                    N_("A heavy, sluggish body or a sticky mouth"),
                    points={COLD_DAMP: 1},
                ),
                # Damp-heat cluster [S6][S6a].
                Option("dark_urine", N_("Dark yellow urine"), points={DAMP_HEAT: 1}),
                Option("bitter_mouth", N_("A bitter taste in the mouth"), points={DAMP_HEAT: 1}),
                Option("thirst_no_drink", N_("Thirsty but not wanting to drink"), points={DAMP_HEAT: 1}),
                Option("none", NONE_OF_THESE, exclusive=True),
            ),
        ),
        Question(
            "periods",
            "single",
            N_("Do you have periods?"),
            N_("We ask so we only show questions that apply to you."),
            (
                Option("yes", N_("Yes")),
                Option("no", N_("No")),
                Option("prefer_not", N_("I prefer not to say")),
            ),
        ),
        Question(
            "period_links",
            "multi",
            N_("Is your back pain linked to your periods?"),
            N_("Tick all that apply."),
            (
                # Premenstrual distension and irregular cycles: liver qi [S22][S148].
                Option("worse_before", N_("It is worse in the days before a period"), points={LIVER: 1}),
                Option(
                    "breast_tender",
                    N_("Breasts swell or get tender before a period"),
                    points={LIVER: 2},
                ),
                Option("irregular", N_("Periods are irregular"), points={LIVER: 1}),
                # Dark clots: blood stasis [S9].
                Option("dark_clots", N_("Periods are painful with dark clots"), points={STAGNATION: 1}),
                Option("worse_after", N_("It is worse during or after a period"), points={KIDNEY: 1}),
                Option("none", NONE_OF_THESE, exclusive=True),
            ),
            enable_when=(EnableWhen("periods", "yes"),),
        ),
    ),
)

LIFESTYLE = Section(
    "lifestyle",
    N_("Your daily life"),
    N_("Work, activity and surroundings affect back pain."),
    (
        Question(
            "age_band",
            "single",
            N_("How old are you?"),
            options=(
                Option("under_20", N_("Under 20")),
                Option("20_34", N_("20 to 34")),
                Option("35_49", N_("35 to 49")),
                # Age is a kidney-deficiency cause [S1][S3].
                Option("50_64", N_("50 to 64"), points={KIDNEY: 1}),
                Option("65_plus", N_("65 or older"), points={KIDNEY: 1}),
            ),
            background=True,
        ),
        Question(
            "sitting_hours",
            "single",
            N_("How many hours a day do you usually sit?"),
            options=(
                Option("under_4", N_("Less than 4 hours")),
                Option("4_to_8", N_("4 to 8 hours")),
                # Long static posture: chronic strain, stagnation [S8].
                Option("over_8", N_("More than 8 hours"), points={STAGNATION: 1}),
            ),
            background=True,
        ),
        Question(
            "heavy_work",
            "single",
            N_("How often do you lift heavy things or do hard physical work?"),
            options=(
                Option("rarely", N_("Rarely")),
                Option("sometimes", N_("Sometimes")),
                # Overwork depletes the kidney [S1][S3]; strain leaves stagnation [S8].
                Option("often", N_("Most days"), points={KIDNEY: 1, STAGNATION: 1}),
            ),
            background=True,
        ),
        Question(
            "exercise",
            "single",
            N_("How often do you exercise (a brisk walk counts)?"),
            options=(
                Option("rarely", N_("Rarely")),
                Option("weekly", N_("Once or twice a week")),
                Option("most_days", N_("Most days")),
            ),
            background=True,
        ),
        Question(
            "cold_damp_places",
            "single",
            N_("How often are you in cold or damp places, or in wet clothes?"),
            N_("For example working outdoors or in water, a damp home, or air-conditioning blowing on you."),
            (
                Option("rarely", N_("Rarely")),
                # Exposure history: cold-damp [S1][S28].
                Option("sometimes", N_("Sometimes"), points={COLD_DAMP: 1}),
                Option("often", N_("Often"), points={COLD_DAMP: 2}),
            ),
            background=True,
        ),
        Question(
            "stress",
            "single",
            N_("How stressed have you felt lately?"),
            options=(
                Option("low", N_("Hardly at all")),
                Option("some", N_("Somewhat"), points={LIVER: 1}),
                # Emotional strain: liver qi [S17][S18].
                Option("high", N_("Very stressed"), points={LIVER: 2}),
            ),
            background=True,
        ),
        Question(
            "sleep",
            "single",
            N_("How well do you sleep?"),
            options=(
                Option("well", N_("Well")),
                Option("fair", N_("Fairly well")),
                Option("poorly", N_("Poorly")),
            ),
        ),
    ),
)

_PEG_HELP = N_("0 means not at all and 10 means completely.")
IMPACT = Section(
    "impact",
    N_("How it affects you"),
    # PEG three-item scale (Krebs 2009), as in the CDC 2022 guideline [S133][S134].
    N_("Three short questions about the past week."),
    (
        Question(
            "peg_pain",
            "integer",
            N_("What number best describes your pain on average in the past week?"),
            N_("0 means no pain and 10 means pain as bad as you can imagine."),
            min_label=N_("No pain"),
            max_label=N_("As bad as you can imagine"),
        ),
        Question(
            "peg_enjoyment",
            "integer",
            N_(
                "What number best describes how, during the past week, pain has interfered with your enjoyment of life?"
            ),
            _PEG_HELP,
            min_label=N_("Not at all"),
            max_label=N_("Completely"),
        ),
        Question(
            "peg_activity",
            "integer",
            N_("What number best describes how, during the past week, pain has interfered with your general activity?"),
            _PEG_HELP,
            min_label=N_("Not at all"),
            max_label=N_("Completely"),
        ),
    ),
)

BEFORE_THERAPY = Section(
    "before_therapy",
    N_("Before any treatment"),
    N_("These answers do not change your pattern. They help us advise which treatments are safe for you."),
    (
        # Cautions by modality, shown to the practitioner, never scored [S106]-[S132].
        Question(
            "cautions",
            "multi",
            N_("Does any of this apply to you?"),
            N_("Tick all that apply. If none apply, tick “None of these”."),
            (
                Option("pregnant", N_("You are pregnant or might be"), caution="pregnancy"),
                Option("breastfeeding", N_("You are breastfeeding"), caution="breastfeeding"),
                Option(
                    "blood_thinners",
                    N_("You take blood thinners (such as warfarin or aspirin daily)"),
                    caution="blood_thinners",
                ),
                Option(
                    "bleeding_disorder",
                    N_("You bleed or bruise easily, or have a bleeding disorder"),
                    caution="bleeding_disorder",
                ),
                Option(
                    "pacemaker",
                    N_("You have a pacemaker or another implanted device"),
                    caution="pacemaker",
                ),
                Option("epilepsy", N_("You have epilepsy"), caution="epilepsy"),
                Option(
                    "skin_back",
                    N_("You have a rash, wound or skin problem on your back"),
                    caution="skin_back",
                ),
                Option("needle_fear", N_("You are afraid of needles"), caution="needle_fear"),
                Option(
                    "herb_allergy",
                    N_("You have had a reaction to herbal medicine"),
                    caution="herb_allergy",
                ),
                Option("liver_disease", N_("You have liver disease"), caution="liver_disease"),
                Option("kidney_disease", N_("You have kidney disease"), caution="kidney_disease"),
                Option("thin_bones", N_("You have thin bones (osteoporosis)"), caution="osteoporosis"),
                Option("none", NONE_OF_THESE, exclusive=True),
            ),
        ),
        Question(
            "medicines",
            "text",
            N_("Which medicines, supplements or herbal products do you take now?"),
            N_("Optional. Leave empty if none."),
            required=False,
            max_length=500,
        ),
    ),
)

QUESTIONNAIRE = Questionnaire(
    version="1",
    url="urn:lbp-screening:questionnaire:low-back-pain",
    title=N_("Lower back pain self-check"),
    sections=(SAFETY, PAIN, TRIGGERS, SYMPTOMS, LIFESTYLE, IMPACT, BEFORE_THERAPY),
)
