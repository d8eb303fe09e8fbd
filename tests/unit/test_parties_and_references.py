from __future__ import annotations

import pytest

from bot.mediation.parties import find_named_party, merge_parties, parse_parties
from bot.mediation.references import match_titles, referenced_numbers


@pytest.mark.parametrize(
    "text, names",
    [
        ("Riverland and Dryland", ("Riverland", "Dryland")),
        (
            "The parties are Riverland, Dryland & the Islands",
            ("Riverland", "Dryland", "the Islands"),
        ),
        (
            "between the fishing cooperative vs the port authority.",
            ("the fishing cooperative", "the port authority"),
        ),
        ("Ostia; Velmar; Kestrel Union", ("Ostia", "Velmar", "Kestrel Union")),
        ("Η Ελλάδα και Τουρκία, 日本", ("Η Ελλάδα και Τουρκία", "日本")),
    ],
)
def test_parse_parties(text, names):
    assert parse_parties(text).names == names


def test_duplicates_and_single_names():
    parsed = parse_parties("Riverland, riverland and Dryland")
    assert parsed.names == ("Riverland", "Dryland")
    assert parsed.duplicates == ("riverland",)
    assert parse_parties("Riverland").names == ("Riverland",)
    assert parse_parties("   ").names == ()
    assert parse_parties("x" * 200).too_long


def test_merge_parties_keeps_order_and_reports_repeats():
    merged, repeated = merge_parties(["Riverland"], ["riverland", "Dryland"])
    assert merged == ["Riverland", "Dryland"] and repeated == ["riverland"]


def test_find_named_party():
    parties = ["Riverland", "Dryland"]
    assert find_named_party("Dryland needs the water", parties) == "Dryland"
    assert find_named_party("Riverland and Dryland both", parties) is None
    assert find_named_party("Drylanders are", parties) is None


def test_referenced_numbers():
    assert referenced_numbers("accept 2", 3) == [2]
    assert referenced_numbers("the first and the third", 3) == [1, 3]
    assert referenced_numbers("reject the last one", 3) == [3]
    assert referenced_numbers("the two parties agree", 3) == []
    assert referenced_numbers("number two please", 3) == [2]
    assert referenced_numbers("accept 7", 3) == []


def test_match_titles():
    titles = ["Direct crisis hotline between capitals", "Joint river commission"]
    assert match_titles("let's do the hotline", titles) == [1]
    assert match_titles("the river commission", titles) == [2]
    assert match_titles("something else", titles) == []


def test_a_list_of_proper_names_is_told_from_a_farewell():
    from bot.mediation.parties import looks_like_party_list

    for names in ("Elmoor, Harnow", "Republic of Kora and Sela", "Ost & West, Nordmark"):
        assert looks_like_party_list(names), names
    for other in ("Goodbye", "Bye, see you", "See you later, Bye", "I have to go", "Elmoor"):
        assert not looks_like_party_list(other), other
