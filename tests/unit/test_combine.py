from consumers.combine import HintMatch, decide

PROBS = {"paper": 0.5, "plastic": 0.3, "glass": 0.2}


def test_without_hint_the_image_decides():
    d = decide(PROBS, None, needs_confirmation=True)
    assert d.category == "paper"
    assert d.alternatives[0] == ("paper", 0.5)
    assert len(d.alternatives) == 3
    assert d.needs_confirmation is True
    assert d.item_id == ""


def test_strong_hint_names_the_item_and_can_override_the_image():
    hint = HintMatch("pizza_box_greasy", "general", "greasy pizza box", "기름 묻은 피자 박스", 0.95)
    d = decide(PROBS, hint, needs_confirmation=True)
    assert d.category == "general"
    assert d.item_id == "pizza_box_greasy"
    assert d.needs_confirmation is False


def test_weak_hint_only_nudges():
    hint = HintMatch("glass_bottle", "glass", "glass bottle", "유리병", 0.3)
    d = decide(PROBS, hint, needs_confirmation=False)
    assert d.category == "paper"
    assert d.item_id == ""
    assert dict(d.alternatives)["glass"] > 0.2


def test_a_clear_photo_still_counts_against_a_contradicting_hint():
    photo_says_glass = {"glass": 0.97, "plastic": 0.02, "paper": 0.01}
    hint = HintMatch("pet_bottle_clear", "clear_pet", "clear PET bottle", "투명 페트병", 1.0)
    d = decide(photo_says_glass, hint, needs_confirmation=False)
    assert d.category == "clear_pet" and d.confidence == 0.8  # the user's word wins, but not with certainty
    assert dict(d.alternatives)["glass"] > 0.19
