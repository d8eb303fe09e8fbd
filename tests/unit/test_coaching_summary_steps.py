from __future__ import annotations

import pytest

from bot.mediation import steps
from bot.mediation.coaching import coach_position, is_non_answer, reframe_hostility
from bot.mediation.summary import PartyRecord, build_summary, suggest_channels


def test_position_coaching_names_cues_and_asks_for_interest(analyser, knowledge):
    coaching = coach_position(
        analyser.analyse("They must withdraw from the river valley"), "Riverland", knowledge.topics
    )
    assert "Riverland's position" in coaching.text
    assert "“must”" in coaching.text
    assert "protect" in coaching.text and "?" in coaching.text
    assert "water" in coaching.text.lower()


def test_hostility_is_reframed_as_a_need(analyser):
    coaching = reframe_hostility(analyser.analyse("They are liars and thieves"), "Dryland")
    assert "rely on what is agreed" in coaching.text
    assert "Dryland needs" in coaching.text
    assert "liar" in coaching.evidence
    plain = reframe_hostility(analyser.analyse("I hate this"), None)
    assert "your side" in plain.text


def test_summary_and_channels(knowledge):
    channels = suggest_channels(knowledge.channels, {"water": 3})
    assert 0 < len(channels) <= 3
    text = build_summary(
        "cn-0123456789abcdef",
        "A dam on the Kora river",
        [
            PartyRecord("Riverland", ["farmers need water"], ["the dam must stop"]),
            PartyRecord("Dryland", [], []),
        ],
        ["Both share water"],
        ["Joint river commission"],
        ["Hotline"],
        channels,
    )
    assert "cn-0123456789abcdef" in text
    assert "farmers need water" in text and "the dam must stop" in text
    assert "What matters to Dryland: not yet explored." in text
    assert "Measures agreed: Joint river commission" in text
    assert channels[0].title in text


def test_steps_order_and_progress():
    assert steps.STEP_IDS[0] == "opening" and steps.STEP_IDS[-1] == "summary"
    assert steps.previous_step("interests") == "context"
    assert steps.next_step("measures") == "summary"
    assert steps.next_step("summary") is None
    assert steps.further("context", "measures") == "measures"
    assert steps.progress("interests").startswith("Step 3 of 6: Interests")
    with pytest.raises(ValueError, match="unknown step"):
        steps.get_step("nowhere")


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        ("I don't know", True),
        ("i dont know yet", True),
        ("No idea.", True),
        ("not sure", True),
        ("I really don’t know", True),
        ("nothing", False),
        ("I don't know what they want, but farmers need water", False),
        ("Nothing matters more than the harvest", False),
        ("our farmers need water", False),
    ],
)
def test_an_honest_blank_is_not_a_statement(text, blank):
    assert is_non_answer(text) is blank
