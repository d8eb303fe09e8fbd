"""Typed answers to yes-or-no questions (bot/mediation/answers.py)."""

from __future__ import annotations

import pytest

from bot.mediation.answers import MAX_WORDS, finished, yes_or_no


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "Right.",
        "understood, we agree to that",
        "fine by us, carry on",
        "that is acceptable to both of us",
        "happy with that list, go ahead",
        "no problem, go ahead",
        "yes, we agree to these",
        "sounds good to us",
    ],
)
def test_a_typed_yes(text):
    assert yes_or_no(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "no",
        "No, not now",
        "not yet",
        "I don't agree",
        "I don’t agree",  # a curly apostrophe
        "we haven't agreed",
        "we aren't happy with that",
        "that is not right",
        "we do not consent",
    ],
)
def test_a_typed_no(text):
    assert yes_or_no(text) is False


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not sure",  # unsure is no refusal
        "do we have to agree?",  # a question
        "ok but not the second point",  # both
        "we agree that both need water",  # a point of common ground, not an answer
        "we agree on water quotas",
        "right to the water",
        "Families in Farrowdale need water for the vineyards",
        "yes " * MAX_WORDS + "yes",  # too long for an answer
    ],
)
def test_neither(text):
    assert yes_or_no(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no more measures, let us finish here", True),
        ("that is all for now", True),
        ("done", True),
        ("we are not done yet", False),
        ("we aren’t done yet", False),
        ("I am not sure we are done", False),
        ("no more fishing in the bay", False),  # a statement
        ("we need to end this conflict", False),
        ("that is enough water", False),
        ("are we done?", False),  # a question
        ("accept 2", False),
        ("We need the fishing to end here in the bay and the boats to go home now", False),
    ],
)
def test_a_typed_finish(text, expected):
    assert finished(text) is expected
