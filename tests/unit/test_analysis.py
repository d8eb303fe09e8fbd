from __future__ import annotations

from bot.mediation.analysis import analyser_for
from tests.conftest import KNOWLEDGE_DIR


def test_lemmas_and_topics(analyser):
    result = analyser.analyse("Our farmers depend on the rivers, and the dams worry them.")
    assert "farmer" in result.lemmas and "river" in result.lemmas and "dam" in result.lemmas
    assert "water" in result.topics
    assert "agriculture" in result.topics
    assert "river" in result.topics["water"]
    assert "our" not in result.lemmas and "the" not in result.lemmas


def test_text_is_kept_verbatim_and_odd_input_is_safe(analyser):
    for text in [
        "",
        "   ",
        "💧🌾",
        "水は命です",
        "<script>alert(1)</script>",
        "'; DROP TABLE statements; --",
        "x" * 5000,
    ]:
        result = analyser.analyse(text)
        assert result.text == text
    assert analyser.analyse("").lemmas == ()


def test_position_cues(analyser):
    result = analyser.analyse("They MUST withdraw immediately, this is non-negotiable")
    assert {"must", "withdraw", "immediately"} <= set(result.position_cues)
    assert analyser.analyse("we need water for the summer").position_cues == ()


def test_content_lemmas_drop_filler(analyser):
    result = analyser.analyse("We really need safe fishing grounds")
    assert "need" in result.lemmas
    assert "need" not in result.content_lemmas and "safe" in result.content_lemmas


def test_analyser_is_built_once_per_process():
    assert analyser_for(str(KNOWLEDGE_DIR)) is analyser_for(str(KNOWLEDGE_DIR))
