from __future__ import annotations

from bot.mediation.common_ground import find_common_ground, join_names


def test_shared_topic_with_evidence(analyser, knowledge):
    interests = {
        "Riverland": [analyser.analyse("Our farmers need the river for irrigation in summer")],
        "Dryland": [analyser.analyse("The dam must keep our reservoir full for drinking water")],
    }
    items = find_common_ground(interests, knowledge.topics)
    water = next(item for item in items if item.topics == ("water",))
    assert water.parties == ("Riverland", "Dryland")
    assert water.text.startswith("Both Riverland and Dryland")
    evidence = water.as_evidence()
    assert evidence["words_by_party"]["Riverland"] and evidence["words_by_party"]["Dryland"]
    assert "river" in water.text and "reservoir" in water.text


def test_shared_words_outside_topics(analyser, knowledge):
    interests = {
        "A": [analyser.analyse("we want our children to grow up with dignity")],
        "B": [analyser.analyse("dignity for the elders matters most")],
    }
    items = find_common_ground(interests, knowledge.topics)
    assert any(item.shared_lemmas == ("dignity",) for item in items)


def test_no_common_ground_when_nothing_is_shared(analyser, knowledge):
    interests = {
        "A": [analyser.analyse("safe fishing quotas")],
        "B": [analyser.analyse("cheaper electricity")],
        "C": [],
    }
    assert find_common_ground(interests, knowledge.topics) == []


def test_three_parties_and_names():
    assert join_names(["A"]) == "A"
    assert join_names(["A", "B", "C"]) == "A, B and C"
