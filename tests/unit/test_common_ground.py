"""Common ground in three kinds, on small cases, with the real sentence encoder."""

from __future__ import annotations

from bot.mediation.common_ground import (
    COMPATIBLE,
    CONTESTED,
    SHARED_NEED,
    SHARED_NEED_ALIGNMENT,
    MeasureText,
    Said,
    find_common_ground,
    join_names,
    neutral_sentence,
    sections,
)
from bot.mediation.ranking import measure_text

BORDER = [
    Said("India", "position", "China must withdraw all its troops to the positions of April 2020."),
    Said(
        "India", "interest", "We need to know our soldiers will not be killed in surprise clashes."
    ),
    Said(
        "India", "position", "The Galwan valley is Indian territory and we will never give it up."
    ),
    Said("China", "position", "India has to stop all construction near the line immediately."),
    Said("China", "interest", "Our troops must not die in sudden confrontations along the line."),
    Said("China", "position", "The Galwan valley belongs to China and always has."),
]


def _measures(knowledge):
    return [MeasureText(m.id, m.title, measure_text(m)) for m in knowledge.measures.values()]


def test_shared_need_is_named_once_in_neutral_words(semantics, knowledge):
    items = find_common_ground(BORDER, ["India", "China"], semantics, _measures(knowledge))
    shared = [i for i in items if i.kind == SHARED_NEED]
    assert len(shared) == 1
    need = shared[0]
    assert need.parties == ("India", "China")
    assert {s.party for s in need.statements} == {"India", "China"}
    assert need.text.startswith("Both India and China")
    neutral = need.text.split(" (")[0]
    assert "their" in neutral and " our " not in neutral and " we " not in neutral
    evidence = need.as_evidence()
    assert evidence["kind"] == SHARED_NEED and evidence["similarity"] >= SHARED_NEED_ALIGNMENT
    assert len(evidence["statements"]) == 2


def test_a_claimed_object_is_contested_not_common_ground(semantics, knowledge):
    items = find_common_ground(BORDER, ["India", "China"], semantics, _measures(knowledge))
    contested = [i for i in items if i.kind == CONTESTED]
    assert contested, items
    claim = contested[0]
    assert set(claim.parties) == {"India", "China"}
    assert "galwan valley" in (claim.object or "")
    assert "issue to work on" in claim.text
    # The valley claims never appear in a shared need or a compatible pair.
    valley = {s.text for s in claim.statements}
    for item in items:
        if item.kind != CONTESTED:
            assert not valley & {s.text for s in item.statements}


def test_different_needs_one_measure_serves_are_compatible(semantics, knowledge):
    said = [
        Said(
            "Ethiopia",
            "interest",
            "We need electricity from the dam for the millions of homes without power.",
        ),
        Said(
            "Sudan",
            "interest",
            "Our irrigation schemes need to know in advance how much water the dam will release.",
        ),
    ]
    items = find_common_ground(said, ["Ethiopia", "Sudan"], semantics, _measures(knowledge))
    assert [i.kind for i in items] == [COMPATIBLE]
    pair = items[0]
    assert pair.measure in knowledge.measures
    assert (
        "can be met together" in pair.text and knowledge.measures[pair.measure].title in pair.text
    )


def test_a_shared_word_alone_is_no_common_ground(semantics, knowledge):
    said = [
        Said(
            "Egypt",
            "interest",
            "We fear the release of toxic stories in the press about our leaders.",
        ),
        Said(
            "Sudan",
            "interest",
            "The release of prisoners from the last clashes matters to our families.",
        ),
    ]
    items = find_common_ground(said, ["Egypt", "Sudan"], semantics)
    assert [i for i in items if i.kind == SHARED_NEED] == []


def test_neutral_sentence_and_sections():
    assert (
        neutral_sentence("We want our fishermen to come home safely.", ["A", "B"], ["A", "B"])
        == "Both A and B want their fishermen to come home safely."
    )
    assert neutral_sentence(
        "Egypt's farmers need water", ["Egypt", "Sudan"], ["Egypt", "Sudan"]
    ) == ("Both Egypt and Sudan: their farmers need water.")
    grouped = sections([(SHARED_NEED, "a"), (CONTESTED, "b"), (COMPATIBLE, "c")])
    assert [heading.split(" ")[0] for heading, _ in grouped] == [
        "Shared",
        "Compatible",
        "Contested",
    ]
    assert grouped[2][1] == [(2, "b")]  # numbers stay those shown, across headings


def test_names():
    assert join_names(["A"]) == "A"
    assert join_names(["A", "B", "C"]) == "A, B and C"


def test_a_claimed_interest_never_makes_a_shared_need(semantics):
    said = [
        Said(
            "Egypt",
            "interest",
            "Our historic share of the Nile water belongs to us and must be protected.",
        ),
        Said(
            "Ethiopia",
            "interest",
            "We need the Nile water that rises in our highlands for our own people.",
        ),
        Said("Ethiopia", "position", "The Nile water is ours to use and no one else has a say."),
    ]
    items = find_common_ground(said, ["Egypt", "Ethiopia"], semantics)
    contested = [i for i in items if i.kind == CONTESTED]
    assert contested
    claimed = {s.text for i in contested for s in i.statements}
    for item in items:
        if item.kind == SHARED_NEED:
            assert not claimed & {s.text for s in item.statements}


def test_a_demand_of_a_party_against_its_own_need_is_contested(semantics):
    """China's demand that India stop building meets India's need to build: a clash,
    even though one is an interest and they share no claim words."""
    said = [
        Said(
            "India",
            "interest",
            "India needs to build roads and bridges on its own side of the line without "
            "that being read as a provocation.",
        ),
        Said(
            "China",
            "position",
            "India has to halt the build-up of troops and infrastructure close to the line.",
        ),
    ]
    items = find_common_ground(said, ["India", "China"], semantics)
    assert [i.kind for i in items] == [CONTESTED]
    assert items[0].text.startswith("China demands of India what India says it needs")


def test_two_parties_positions_on_one_matter_are_contested_without_shared_words(semantics):
    said = [
        Said(
            "India",
            "position",
            "China must pull its troops back to where they stood in April 2020 at every "
            "friction point along the LAC.",
        ),
        Said(
            "China",
            "position",
            "The Galwan valley lies on China's side of the Line of Actual Control and that "
            "is not up for negotiation.",
        ),
        Said("China", "interest", "Our fishermen need safe harbours in a storm."),
    ]
    items = find_common_ground(said, ["India", "China"], semantics)
    assert [i.kind for i in items] == [CONTESTED]
    assert {s.kind for s in items[0].statements} == {"position"}
    # "China" in both is a party's name, no object of the clash.
    assert items[0].object is None and "make demands that clash" in items[0].text


def test_the_same_demand_made_of_everyone_is_no_clash(semantics):
    said = [
        Said("India", "position", "Both armies must pull back two kilometres from the line."),
        Said("China", "position", "Both sides must withdraw their troops from the valley."),
    ]
    items = find_common_ground(said, ["India", "China"], semantics)
    assert [i for i in items if i.kind == CONTESTED] == []
