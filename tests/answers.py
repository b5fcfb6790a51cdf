"""Answer sets shared by tests: small builders, not fixtures, so any test can vary them."""

from __future__ import annotations

from typing import Any

NO_RED_FLAGS: dict[str, Any] = {
    "rf_now": ["none"],
    "rf_history": ["none"],
    "rf_inflammatory": ["none"],
}


def typical_answers(**changes: Any) -> dict[str, Any]:
    """A complete, valid answer set of a kidney-deficiency picture with no red flags."""
    answers: dict[str, Any] = {
        **NO_RED_FLAGS,
        "pain_area": ["lower_back_middle"],
        "leg_spread": "no",
        "duration": "over_12_weeks",
        "onset": "gradual",
        "pattern_over_time": "keeps_returning",
        "pain_worst": 6,
        "pain_feel": ["dull_ache", "sore_weak"],
        "pain_spot": "wide_area",
        "worse_with": ["exertion", "standing"],
        "better_with": ["rest", "pressure_rubbing"],
        "other_symptoms": ["weak_knees", "night_urination", "feel_cold"],
        "periods": "no",
        "age_band": "65_plus",
        "sitting_hours": "under_4",
        "heavy_work": "often",
        "exercise": "rarely",
        "cold_damp_places": "rarely",
        "stress": "low",
        "sleep": "fair",
        "peg_pain": 5,
        "peg_enjoyment": 4,
        "peg_activity": 5,
        "cautions": ["none"],
    }
    answers.update(changes)
    return answers
