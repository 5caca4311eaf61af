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
