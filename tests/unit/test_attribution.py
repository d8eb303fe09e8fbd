"""Whose statement: a demand made of another party stays with the speaker."""

from __future__ import annotations

import pytest

from bot.mediation.attribution import addressee, attribute

BORDER = ["India", "China"]
NILE = ["Ethiopia", "Egypt", "Sudan"]


@pytest.mark.parametrize(
    ("speaker", "text"),
    [
        ("India", "China must withdraw all its troops to the positions of April 2020."),
        ("China", "India has to stop all construction near the line immediately."),
        # mirror images: the same demands, the other way round
        ("China", "India must withdraw all its troops to the positions of April 2020."),
        ("India", "China has to stop all construction near the line immediately."),
        ("Egypt", "they have to sign a binding agreement before the next filling"),
        ("Sudan", "Ethiopia should share the dam's operating rules with us."),
    ],
)
def test_a_demand_of_another_party_is_the_speakers_position(speaker, text):
    parties = BORDER if speaker in BORDER else NILE
    assert attribute(text, "position", speaker, parties) == speaker


def test_a_demand_typed_as_an_interest_still_stays_with_the_speaker():
    text = "China needs to pull its troops back before anything else"
    assert attribute(text, "interest", "India", BORDER) == "India"


@pytest.mark.parametrize(
    ("speaker", "text", "owner"),
    [
        ("Ethiopia", "Sudan's farmers need predictable flows for their irrigation.", "Sudan"),
        ("Ethiopia", "The farmers of Sudan depend on the river staying regular.", "Sudan"),
        ("India", "China wants a calm border so its economy can keep growing.", "China"),
        ("Egypt", "Sudan needs to know the dam is safe.", "Sudan"),
        # the speaker's own needs, even when another party is named
        ("Egypt", "Almost all of Egypt's fresh water comes from the Nile.", "Egypt"),
        ("Egypt", "Our farmers fear what Ethiopia's dam will do in a drought.", "Egypt"),
        ("Sudan", "We need Ethiopia to tell us when the gates open.", "Sudan"),
    ],
)
def test_an_interest_plainly_about_another_party_moves_to_it(speaker, text, owner):
    assert attribute(text, "interest", speaker, NILE + BORDER) == owner


def test_options_are_the_speakers():
    text = "Ethiopia could share daily gauge data with both downstream states."
    assert attribute(text, "option", "Egypt", NILE) == "Egypt"


@pytest.mark.parametrize(
    ("speaker", "text", "parties", "owner"),
    [
        (
            "Cambodia",
            "Thai villagers in Sisaket also want the border calm.",
            ["Cambodia", "Thailand"],
            "Thailand",
        ),
        (
            "Philippines",
            "Chinese fishing crews also make their living in these waters.",
            ["Philippines", "China"],
            "China",
        ),
        ("Kosovo", "Serbs in the north need to move freely.", ["Kosovo", "Serbia"], "Serbia"),
        # the speaker's own people living in another party's land stay the speaker's
        (
            "Russia",
            "Russian speakers in Estonia need their history to be respected.",
            ["Estonia", "Russia"],
            "Russia",
        ),
        ("Serbia", "Serbs in Kosovo need to move freely.", ["Kosovo", "Serbia"], "Serbia"),
        # in Estonia's turn they are Estonia's residents: not plainly another's, so the speaker's
        (
            "Estonia",
            "Russian speakers in Estonia need their history to be respected.",
            ["Estonia", "Russia"],
            "Estonia",
        ),
        (
            "United States",
            "European mills need stable access to our market.",
            ["United States", "European Union"],
            "European Union",
        ),
        (
            "Bangladesh",
            "The refugees want to be recognised as citizens.",
            ["Bangladesh", "Myanmar", "Rohingya refugees"],
            "Rohingya refugees",
        ),
        # a demonym before a demand is still a demand of that party
        (
            "Kosovo",
            "Serbian officials must stop issuing the plates.",
            ["Kosovo", "Serbia"],
            "Kosovo",
        ),
    ],
)
def test_the_words_that_stand_for_a_party(speaker, text, parties, owner):
    assert attribute(text, "interest", speaker, parties) == owner


def test_nested_party_names_go_to_the_longest_name():
    parties = ["Sudan", "South Sudan"]
    assert (
        attribute("Sudan's farmers need the oil revenue", "interest", "Sudan", parties) == "Sudan"
    )
    assert (
        attribute("Sudan's herders need the grazing land", "interest", "South Sudan", parties)
        == "Sudan"
    )
    assert (
        attribute("South Sudan's herders need the grazing land", "interest", "Sudan", parties)
        == "South Sudan"
    )


def test_a_demand_is_addressed_to_the_party_that_opens_it():
    parties = ["India", "China"]
    assert addressee("India has to halt the build-up near the line.", "China", parties) == "India"
    assert addressee("China must pull its troops back.", "India", parties) == "China"
    # Said of oneself, or with no demand in it, it is addressed to no one else.
    assert addressee("India needs to build roads on its side.", "India", parties) is None
    assert addressee("China's herders graze the valley.", "India", parties) is None
    assert addressee("We must be sure our soldiers come home.", "India", parties) is None
