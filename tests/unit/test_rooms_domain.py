"""The rooms' rules without a database: the consent ledger's states, who may read an
item, links, and the negotiating text's consensus score and clause status."""

from __future__ import annotations

import json
import re

import pytest

from bot.rooms.access import (
    TOKEN_LENGTH,
    Role,
    Viewer,
    new_token,
    sees_state,
    token_digest,
    visible_text,
)
from bot.rooms.consensus import (
    ClauseStatus,
    Vote,
    VoteError,
    check_vote,
    clause_status,
    consensus_score,
    parse_vote,
    ranked,
    standing,
)
from bot.rooms.joint import (
    MAX_ITEMS,
    MAX_PARTIES,
    MAX_REQUEST_BYTES,
    AnalysisRequestError,
    analysis_request,
    read_analysis_request,
)
from bot.rooms.ledger import (
    MAX_ITEM_CHARS,
    MAX_NAME_CHARS,
    ItemKind,
    LedgerError,
    LedgerItem,
    Share,
    change,
    parse_kind,
    parse_share,
    released,
)

PARTIES = ["Riverland", "Dryland", "Hill tribes"]
LIVE, CHANGE, REJECT = Vote.CAN_LIVE_WITH, Vote.NEEDS_CHANGE, Vote.CANNOT_ACCEPT


# -- the ledger ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (Share.PRIVATE, Share.SHAREABLE),
        (Share.PRIVATE, Share.RELEASED),
        (Share.SHAREABLE, Share.PRIVATE),
        (Share.SHAREABLE, Share.RELEASED),
        (Share.PRIVATE, Share.PRIVATE),
        (Share.RELEASED, Share.RELEASED),  # a second tab releasing again changes nothing
    ],
)
def test_allowed_ledger_moves(current, wanted):
    assert change(current, wanted) is wanted


@pytest.mark.parametrize("wanted", [Share.PRIVATE, Share.SHAREABLE])
def test_a_released_item_stays_released(wanted):
    with pytest.raises(LedgerError, match="released item stays released"):
        change(Share.RELEASED, wanted)


def test_unknown_kinds_and_states_are_named():
    assert parse_kind("red_line") is ItemKind.RED_LINE
    assert parse_share("shareable") is Share.SHAREABLE
    with pytest.raises(LedgerError, match="interest, position, option, red_line, not 'wish'"):
        parse_kind("wish")
    with pytest.raises(LedgerError, match="private, shareable, released, not 'public'"):
        parse_share("public")


def item(party: str, state: Share, text: str = "we need water") -> LedgerItem:
    return LedgerItem(1, party, ItemKind.INTEREST, text, state)


def test_only_released_items_reach_the_joint_view():
    items = [item("Riverland", s) for s in Share]
    assert [i.state for i in released(items)] == [Share.RELEASED]


def test_the_analysis_request_carries_released_items_only():
    items = [item("Riverland", s, f"{s.value} text") for s in Share] + [
        LedgerItem(9, "Dryland", ItemKind.RED_LINE, "never the dam", Share.RELEASED)
    ]
    request = analysis_request(items, ["Riverland", "Dryland"])
    assert "private text" not in json.dumps(request) and "shareable" not in json.dumps(request)
    read, parties = read_analysis_request(json.loads(json.dumps(request)))
    assert parties == ["Riverland", "Dryland"]
    assert [(i.party, i.kind, i.text, i.state) for i in read] == [
        ("Riverland", ItemKind.INTEREST, "released text", Share.RELEASED),
        ("Dryland", ItemKind.RED_LINE, "never the dam", Share.RELEASED),
    ]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (None, "send a JSON object"),
        ([], "send a JSON object"),
        ({"items": []}, '"parties" must be a list of names'),
        ({"parties": ["A", 3], "items": []}, '"parties" must be a list of names'),
        ({"parties": ["A"], "items": {}}, '"items" must be a list'),
        ({"parties": ["A"] * 51, "items": []}, "up to 200 shared items and 50 parties, and"),
        (
            {"parties": ["A"], "items": [{"party": "A", "kind": "option", "text": "t"}] * 201},
            "this room has 201 and 1",
        ),
        (
            {"parties": ["A"], "items": [{"party": "A", "kind": "option", "text": "t" * 8001}]},
            "item 1 is over 8000 characters",
        ),
        ({"parties": ["A"], "items": [{"party": "A", "kind": "interest"}]}, "item 1 must be"),
        ({"parties": ["A"], "items": [{"party": "A", "kind": {}, "text": "t"}]}, "item 1 must"),
        ({"parties": ["A"], "items": [{"party": "A", "kind": "wish", "text": "t"}]}, "red_line"),
        ({"parties": ["A"], "items": [None]}, "item 1 must be an object"),
        ({"parties": ["A" * 201], "items": []}, "a party's name is over 200 characters"),
        (
            {"parties": ["A"], "items": [{"party": "B" * 201, "kind": "option", "text": "t"}]},
            "item 1's party is over 200 characters",
        ),
    ],
)
def test_a_bad_analysis_request_is_named(body, named):
    with pytest.raises(AnalysisRequestError, match=re.escape(named)):
        read_analysis_request(body)


@pytest.mark.parametrize("character", ["\x01", "\u20ac", "\U0001f30d", '"'])
def test_every_request_within_the_limits_fits_the_byte_limit(character):
    """The largest room the limits allow, in the costliest characters to encode, as the
    web app's client encodes it: the action server must not refuse it by its size."""
    names = [chr(0x41 + n) + character * (MAX_NAME_CHARS - 1) for n in range(MAX_PARTIES)]
    items = [
        LedgerItem(n, names[n % MAX_PARTIES], ItemKind.RED_LINE, character * MAX_ITEM_CHARS,
                   Share.RELEASED)
        for n in range(MAX_ITEMS)
    ]  # fmt: skip
    body = json.dumps(analysis_request(items, names), ensure_ascii=False, sort_keys=True)
    assert len(body.encode("utf-8")) <= MAX_REQUEST_BYTES
    assert len(read_analysis_request(json.loads(body))[0]) == MAX_ITEMS


@pytest.mark.parametrize("state", list(Share))
def test_who_reads_an_item(state):
    mine = item("Riverland", state)
    own = Viewer(Role.PARTY, "Riverland")
    other = Viewer(Role.PARTY, "Dryland")
    facilitator, reviewer = Viewer(Role.FACILITATOR), Viewer(Role.REVIEWER)
    is_released = state is Share.RELEASED
    assert visible_text(mine, own) == "we need water"
    assert visible_text(mine, reviewer) == "we need water"
    assert (visible_text(mine, other) is not None) is is_released
    assert (visible_text(mine, facilitator) is not None) is is_released
    assert sees_state(mine, facilitator) and sees_state(mine, own)
    assert sees_state(mine, other) is is_released  # another's caucus does not even show


# -- links --------------------------------------------------------------------------
def test_links_are_long_random_and_checked_before_any_query():
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    token = tokens.pop()
    assert len(token) == TOKEN_LENGTH
    digest = token_digest(token)
    assert digest is not None and len(digest) == 64 and token not in digest
    assert token_digest(token) == digest
    assert token_digest(token[:-1]) is None  # truncated
    assert token_digest(token + "A") is None
    assert token_digest("é" * TOKEN_LENGTH) is None
    assert token_digest("../" + token[3:]) is None
    assert token_digest("") is None


# -- the negotiating text -------------------------------------------------------------
def test_score_is_the_product_of_each_partys_agreement():
    assert consensus_score({p: LIVE for p in PARTIES}, PARTIES) == 1.0
    assert consensus_score({}, PARTIES) == 0.125  # nobody has voted: 0.5 each
    assert consensus_score({"Riverland": LIVE, "Dryland": CHANGE}, PARTIES) == 0.25
    assert (
        consensus_score({"Riverland": LIVE, "Dryland": LIVE, "Hill tribes": REJECT}, PARTIES) == 0
    )


def test_a_clause_one_party_rejects_ranks_below_every_clause_nobody_rejects():
    rejected = standing(
        1, 1, "a", {"Riverland": LIVE, "Dryland": LIVE, "Hill tribes": REJECT}, PARTIES
    )
    hesitant = standing(2, 1, "b", {p: CHANGE for p in PARTIES}, PARTIES)
    unvoted = standing(3, 1, "c", {}, PARTIES)
    agreed = standing(4, 1, "d", {p: LIVE for p in PARTIES}, PARTIES)
    assert [c.number for c in ranked([rejected, hesitant, unvoted, agreed])] == [4, 2, 3, 1]


def test_equal_scores_keep_the_texts_order():
    clauses = [standing(n, 1, "x", {}, PARTIES) for n in (3, 1, 2)]
    assert [c.number for c in ranked(clauses)] == [1, 2, 3]


def test_clause_status():
    assert clause_status({}, PARTIES) is ClauseStatus.VOTING
    assert clause_status({"Riverland": LIVE, "Dryland": LIVE}, PARTIES) is ClauseStatus.VOTING
    assert clause_status({p: LIVE for p in PARTIES}, PARTIES) is ClauseStatus.AGREED
    assert clause_status({"Riverland": CHANGE, "Dryland": LIVE, "Hill tribes": LIVE}, PARTIES) is (
        ClauseStatus.AGREED  # nobody says cannot accept: the rule
    )
    assert clause_status({"Riverland": REJECT}, PARTIES) is ClauseStatus.BLOCKED
    assert clause_status({"Outsider": LIVE}, []) is ClauseStatus.VOTING  # no parties, no agreement
    # a vote from someone who is not (or no longer) a party does not count
    assert clause_status({"Outsider": REJECT, **{p: LIVE for p in PARTIES}}, PARTIES) is (
        ClauseStatus.AGREED
    )


def test_votes_are_named_and_needs_change_says_what():
    assert parse_vote("needs_change") is CHANGE
    with pytest.raises(VoteError, match="can_live_with, needs_change, cannot_accept, not 'maybe'"):
        parse_vote("maybe")
    with pytest.raises(VoteError, match="carries a comment"):
        check_vote(CHANGE, "   ")
    assert check_vote(CHANGE, " name the river ") == " name the river "  # kept as typed
    assert check_vote(LIVE, "  ") is None
