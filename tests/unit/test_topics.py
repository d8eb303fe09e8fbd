"""Topics from meaning, with the lexicon's words kept as the explanation."""

from __future__ import annotations


def test_topics_come_from_meaning_not_single_words(semantic_analyser, analyser):
    text = "We want to sell surplus power to our neighbours to pay for schools and roads"
    assert "infrastructure" in analyser.analyse(text).topics  # the lexical reading: "road"
    topics = semantic_analyser.analyse(text).topics
    assert "infrastructure" not in topics
    assert set(topics) & {"energy", "economy"}
    assert next(iter(topics)) == "energy"


def test_lexical_terms_remain_the_explanation(semantic_analyser):
    topics = semantic_analyser.analyse("Our farmers depend on the river in summer").topics
    assert topics["water"] == ("river",)


def test_meaning_finds_a_topic_without_its_words(semantic_analyser):
    topics = semantic_analyser.analyse(
        "Our boats can no longer reach the shoal where we cast our nets"
    ).topics
    assert "fisheries" in topics
