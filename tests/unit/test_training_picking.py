"""Choosing a scenario by button, number, words or at random; the brief shown."""

from __future__ import annotations

import random

import pytest

from bot.training.picking import RANDOM, brief_messages, pick_scenario, scenario_menu


@pytest.mark.parametrize(
    ("text", "entity", "expected"),
    [
        ("/inform", "cyber-incident", "cyber-incident"),
        ("tariff-escalation", None, "tariff-escalation"),
        ("the fishing one", None, "disputed-fishing-waters"),
        ("I'd like the shrine", None, "contested-heritage-site"),
        ("refugees please", None, "refugee-flows"),
        ("the dam", None, "shared-river-dam"),
    ],
)
def test_a_scenario_is_picked_by_id_or_words(knowledge, analyser, text, entity, expected):
    assert pick_scenario(text, knowledge.scenarios, analyser, entity).id == expected


def test_by_number_from_the_menu(knowledge, analyser):
    menu = scenario_menu(knowledge.scenarios)
    assert pick_scenario("2", knowledge.scenarios, analyser).id == menu[1].id
    assert pick_scenario("#7", knowledge.scenarios, analyser).id == menu[6].id
    assert pick_scenario("99", knowledge.scenarios, analyser) is None


@pytest.mark.parametrize("text", ["", "hmm", "border", "something about weather"])
def test_unclear_or_ambiguous_answers_pick_nothing(knowledge, analyser, text):
    """ "border" fits two titles: asking again beats guessing."""
    assert pick_scenario(text, knowledge.scenarios, analyser) is None


def test_random_picks_any_scenario(knowledge, analyser):
    seen = {
        pick_scenario("surprise me", knowledge.scenarios, analyser, rng=random.Random(n)).id
        for n in range(40)
    }
    assert len(seen) >= 5
    assert pick_scenario("", knowledge.scenarios, analyser, RANDOM).id in knowledge.scenarios


def test_the_brief_shows_the_case_and_the_public_positions(knowledge):
    scenario = knowledge.scenarios["shared-river-dam"]
    case, positions, task = brief_messages(scenario)
    assert case.startswith("Case: A shared river and a new dam") and "Sarn" in case
    assert "• Riverland: The dam must stop filling" in positions
    assert "ask Riverland" in task
    interests = [i.text for p in scenario.parties for i in p.interests]
    assert not any(i in " ".join([case, positions, task]) for i in interests)
