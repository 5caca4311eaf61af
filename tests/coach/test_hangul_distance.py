"""The bit-parallel distances agree with the textbook dynamic programme on random strings."""

from hypothesis import given, settings
from hypothesis import strategies as st

from svc_coach.hangul import edit_distance, infix_distance, jamo

ALPHABET = st.sampled_from(list("ㄱㄴㅏㅓabc피자박스영수증"))
TEXT = st.text(ALPHABET, max_size=24)


def dp_edit(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def dp_infix(needle: str, haystack: str) -> int:
    previous = [0] * (len(haystack) + 1)
    for i, cn in enumerate(needle, 1):
        current = [i]
        for j, ch in enumerate(haystack, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (cn != ch)))
        previous = current
    return min(previous)


@settings(max_examples=400, deadline=None)
@given(TEXT, TEXT)
def test_edit_distance_matches_the_dynamic_programme(a, b):
    assert edit_distance(a, b) == dp_edit(a, b) == edit_distance(b, a)


@settings(max_examples=400, deadline=None)
@given(TEXT, TEXT)
def test_infix_distance_matches_the_dynamic_programme(a, b):
    assert infix_distance(a, b) == dp_infix(a, b)


def test_jamo_level_typos_cost_one():
    assert edit_distance(jamo("영수쯩"), jamo("영수증")) == 1
    assert infix_distance(jamo("영수쯩"), jamo("카드영수증")) == 1


@settings(max_examples=400, deadline=None)
@given(TEXT, TEXT)
def test_missing_letters_never_exceeds_either_distance(a, b):
    from svc_coach.hangul import missing_letters

    assert missing_letters(a, b) <= dp_infix(a, b) <= dp_edit(a, b)
