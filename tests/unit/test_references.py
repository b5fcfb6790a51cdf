"""Reference codes: the shape people read out on the phone, drawn evenly from the whole alphabet."""

from __future__ import annotations

import re

from app.models import REFERENCE_ALPHABET, new_reference

SHAPE = re.compile(rf"LBP-[{REFERENCE_ALPHABET}]{{4}}-[{REFERENCE_ALPHABET}]{{4}}")


def test_every_character_of_the_alphabet_turns_up_in_every_position():
    references = [new_reference() for _ in range(5000)]
    assert all(SHAPE.fullmatch(reference) for reference in references)
    codes = [reference.replace("LBP-", "").replace("-", "") for reference in references]
    for position in range(8):
        assert {code[position] for code in codes} == set(REFERENCE_ALPHABET)
