"""The assessment JSON's keys from ``shared/product.md`` §"Interface contracts" (the API adds the stored "id")."""

ASSESSMENT_KEYS = frozenset(
    {
        "rules_version",
        "urgent",
        "red_flags",
        "primary",
        "secondary",
        "scores",
        "out_of_scope",
        "explanation",
        "therapies",
        "cautions",
    }
)
