"""Rooms in the database, on real SQLite and real PostgreSQL: links, the consent
ledger with its history, and the negotiating text's versions and votes."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.rooms.access import Role
from bot.rooms.consensus import ClauseStatus, Vote, VoteError, ranked
from bot.rooms.ledger import ItemKind, LedgerError, Share
from bot.store.db import session_scope
from bot.store.models import RoomLink, utcnow
from bot.store.rooms import (
    LinkRefused,
    RoomError,
    RoomRepository,
    StaleVersion,
    UnknownRoom,
)

PARTIES = ["Riverland", "Dryland", "Hill tribes"]
LIVE, CHANGE, REJECT = Vote.CAN_LIVE_WITH, Vote.NEEDS_CHANGE, Vote.CANNOT_ACCEPT


@pytest.fixture
def rooms(database_url) -> RoomRepository:
    return RoomRepository(database_url)


@pytest.fixture
def room(rooms):
    return rooms.create_room("Water of the Kora river 💧", PARTIES)


def party_id(room, name: str) -> int:
    return next(p.participant_id for p in room.parties if p.name == name)


def test_a_room_issues_one_link_per_participant(rooms, room):
    assert room.room_id.startswith("rm-") and room.topic == "Water of the Kora river 💧"
    assert [p.name for p in room.parties] == PARTIES
    tokens = [room.facilitator.token, *(p.token for p in room.parties)]
    assert len(set(tokens)) == 4
    facilitator = rooms.resolve(room.facilitator.token)
    assert facilitator.role is Role.FACILITATOR and facilitator.conversation_id is None
    dry = rooms.resolve(room.parties[1].token)
    assert (dry.role, dry.name, dry.room_id) == (Role.PARTY, "Dryland", room.room_id)
    others = {rooms.resolve(p.token).conversation_id for p in room.parties}
    assert len(others) == 3 and dry.conversation_id in others  # each caucus its own conversation
    assert rooms.party_by_conversation(dry.conversation_id).name == "Dryland"
    assert rooms.party_by_conversation("someone-else") is None
    assert rooms.parties(room.room_id) == PARTIES


def test_every_change_counts_on_the_rooms_revision(rooms, room):
    """Live views watch this number, whichever process made the change."""
    seen = [rooms.revision(room.room_id)]

    def changed() -> bool:
        seen.append(rooms.revision(room.room_id))
        return seen[-1] > seen[-2]

    river = party_id(room, "Riverland")
    item = rooms.record_item(river, ItemKind.INTEREST, "water", "m1")
    assert changed()
    rooms.set_state(river, [item], Share.PRIVATE)  # changes nothing, yet takes the room's
    changed()  # lock first, which counts; views send only what changed (bot/web/rooms.py)
    rooms.set_state(river, [item], Share.RELEASED)
    assert changed()
    rooms.add_clause(room.room_id, "Share data.")
    assert changed()
    rooms.vote(river, 1, 1, Vote.CAN_LIVE_WITH, None)
    assert changed()
    rooms.revise_clause(room.room_id, 1, "Share data weekly.")
    assert changed()
    rooms.add_party(room.room_id, "Coast")
    assert changed()
    rooms.revoke_links(river)
    assert changed()
    rooms.issue_link(river)
    assert changed()
    rooms.confirm(river, "1. Share data weekly.")
    assert changed()
    rooms.close_room(room.room_id)
    assert changed()
    with pytest.raises(UnknownRoom):
        rooms.revision("rm-missing")


def test_the_database_keeps_no_token(database_url, room):
    with session_scope(database_url) as db:
        digests = list(db.execute(select(RoomLink.token_digest)).scalars())
    assert len(digests) == 4
    for link in [room.facilitator, *room.parties]:
        assert link.token not in digests


def test_wrong_truncated_expired_revoked_and_closed_links(database_url, rooms, room):
    token = room.parties[0].token
    for wrong in (token[:-1], token[:20], token[::-1], "", "x" * 43, "é" * 43):
        with pytest.raises(LinkRefused) as refused:
            rooms.resolve(wrong)
        assert refused.value.reason == "unknown"

    riverland = party_id(room, "Riverland")
    assert rooms.revoke_links(riverland) == 1
    with pytest.raises(LinkRefused, match="revoked; ask the facilitator") as refused:
        rooms.resolve(token)
    assert refused.value.reason == "revoked"
    fresh = rooms.issue_link(riverland)  # the same party, a new link
    assert rooms.resolve(fresh.token).participant_id == riverland

    with session_scope(database_url) as db:
        db.execute(update(RoomLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(LinkRefused, match="expired") as refused:
        rooms.resolve(fresh.token)
    assert refused.value.reason == "expired"

    second = RoomRepository(database_url).create_room("Border", ["A", "B"])
    rooms.close_room(second.room_id)
    with pytest.raises(LinkRefused, match="closed"):
        rooms.resolve(second.parties[0].token)
    with pytest.raises(RoomError, match="closed"):
        rooms.issue_link(second.parties[0].participant_id)


def test_concurrent_changes_to_one_room_are_serialised(rooms, room):
    """Two clauses added at once get two numbers; votes racing a revision land on one
    version or are refused, never stored on a stale one."""
    errors: list[Exception] = []
    barrier = threading.Barrier(6)

    def add(n: int) -> None:
        barrier.wait()
        try:
            rooms.add_clause(room.room_id, f"Clause {n}")
        except Exception as exc:  # any failure fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(c.number for c in rooms.text(room.room_id)) == [1, 2, 3, 4, 5, 6]


def test_odd_text_is_refused_by_name(rooms, room):
    river = party_id(room, "Riverland")
    with pytest.raises(RoomError, match="unpaired surrogate"):
        rooms.record_item(river, ItemKind.INTEREST, "water \ud800")
    with pytest.raises(RoomError, match="unpaired surrogate"):
        rooms.add_party(room.room_id, "Coast \udfff")


def test_a_room_refuses_bad_names_and_topics(rooms):
    with pytest.raises(RoomError, match="at least two parties"):
        rooms.create_room("Topic", ["Only one"])
    with pytest.raises(RoomError, match="named twice"):
        rooms.create_room("Topic", ["North", " north "])
    with pytest.raises(RoomError, match="facilitator's name"):
        rooms.create_room("Topic", ["North", "facilitator"])
    with pytest.raises(RoomError, match="topic is empty"):
        rooms.create_room("   ", ["North", "South"])
    with pytest.raises(RoomError, match="NUL"):
        rooms.create_room("a\x00b", ["North", "South"])
    with pytest.raises(RoomError, match="limit is 200"):
        rooms.create_room("Topic", ["North", "S" * 201])


def test_the_facilitator_adds_a_party_and_closes_the_room(rooms, room):
    coast = rooms.add_party(room.room_id, "Coast")
    assert rooms.resolve(coast.token).name == "Coast"
    assert rooms.parties(room.room_id) == [*PARTIES, "Coast"]
    with pytest.raises(RoomError, match="named twice"):
        rooms.add_party(room.room_id, "DRYLAND")
    with pytest.raises(UnknownRoom):
        rooms.add_party("rm-missing", "X")
    rooms.close_room(room.room_id)
    with pytest.raises(RoomError, match="closed"):
        rooms.add_party(room.room_id, "Late")


# -- the consent ledger -------------------------------------------------------------------
def test_items_start_private_and_only_their_party_moves_them(rooms, room):
    river, dry = party_id(room, "Riverland"), party_id(room, "Dryland")
    water = rooms.record_item(river, ItemKind.INTEREST, "  our farmers need water  ", "m1")
    assert rooms.record_item(river, ItemKind.INTEREST, "again", "m1") is None  # retried
    line = rooms.record_item(river, ItemKind.RED_LINE, "no foreign troops", "m2")
    dam = rooms.record_item(dry, ItemKind.POSITION, "the dam stays", "m1")  # its own m1
    assert [(i.party, i.state, i.text) for i in rooms.items(room.room_id)] == [
        ("Riverland", Share.PRIVATE, "  our farmers need water  "),  # kept as typed
        ("Riverland", Share.PRIVATE, "no foreign troops"),
        ("Dryland", Share.PRIVATE, "the dam stays"),
    ]
    with pytest.raises(RoomError, match=f"no item {dam} in Riverland's caucus"):
        rooms.set_state(river, [water, dam], Share.RELEASED)
    assert all(i.state is Share.PRIVATE for i in rooms.items(room.room_id))  # all or none
    with pytest.raises(RoomError, match="only a party"):
        rooms.set_state(room.facilitator.participant_id, [water], Share.RELEASED)

    rooms.set_state(river, [water], Share.SHAREABLE)
    rooms.set_state(river, [water], Share.RELEASED)
    rooms.set_state(river, [water], Share.RELEASED)  # a second tab: no change, no error
    with pytest.raises(LedgerError, match="stays released"):
        rooms.set_state(river, [water, line], Share.PRIVATE)
    states = {i.id: i.state for i in rooms.items(room.room_id)}
    assert states == {water: Share.RELEASED, line: Share.PRIVATE, dam: Share.PRIVATE}

    history = rooms.ledger_history(room.room_id)
    assert [(h.item_id, h.from_state, h.to_state, h.by) for h in history] == [
        (water, None, Share.PRIVATE, "Riverland"),
        (line, None, Share.PRIVATE, "Riverland"),
        (dam, None, Share.PRIVATE, "Dryland"),
        (water, Share.PRIVATE, Share.SHAREABLE, "Riverland"),
        (water, Share.SHAREABLE, Share.RELEASED, "Riverland"),
    ]
    assert all(h.at is not None for h in history)


def test_share_everything_at_once_and_keep_everything_back(rooms, room):
    river = party_id(room, "Riverland")
    ids = [rooms.record_item(river, ItemKind.OPTION, f"option {n}", f"m{n}") for n in range(3)]
    rooms.set_state(river, ids[:1], Share.RELEASED)
    moved = rooms.set_state(river, None, Share.SHAREABLE)  # the released one stays
    assert [i.state for i in moved] == [Share.SHAREABLE, Share.SHAREABLE]
    rooms.set_state(river, None, Share.RELEASED)
    assert {i.state for i in rooms.items(room.room_id)} == {Share.RELEASED}


def test_the_same_message_recorded_twice_at_once_is_one_item(rooms, room):
    river = party_id(room, "Riverland")
    results: list[int | None] = []
    barrier = threading.Barrier(4)

    def record() -> None:
        barrier.wait()
        results.append(rooms.record_item(river, ItemKind.INTEREST, "water", "same"))

    threads = [threading.Thread(target=record) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([r for r in results if r is not None]) == 1
    assert len(rooms.items(room.room_id)) == 1


# -- the negotiating text -----------------------------------------------------------------
def test_votes_versions_and_consensus(rooms, room):
    ids = {name: party_id(room, name) for name in PARTIES}
    assert rooms.add_clause(room.room_id, "Both sides share river data weekly.") == 1
    assert rooms.add_clause(room.room_id, "The dam's gates open in the dry season.") == 2
    for name in PARTIES:
        rooms.vote(ids[name], 1, 1, LIVE, None)
    rooms.vote(ids["Riverland"], 2, 1, LIVE, None)
    rooms.vote(ids["Dryland"], 2, 1, CHANGE, "only in August")
    rooms.vote(ids["Hill tribes"], 2, 1, REJECT, None)
    text = {c.number: c for c in rooms.text(room.room_id)}
    assert text[1].status is ClauseStatus.AGREED and text[1].score == 1.0
    assert text[2].status is ClauseStatus.BLOCKED and text[2].score == 0.0

    rooms.vote(ids["Hill tribes"], 2, 1, CHANGE, "name the months")  # a vote replaced
    assert {c.number: c.status for c in rooms.text(room.room_id)}[2] is ClauseStatus.AGREED

    assert rooms.revise_clause(room.room_id, 2, "The gates open in July and August.") == 2
    with pytest.raises(StaleVersion, match="vote on version 2, which now reads: The gates") as old:
        rooms.vote(ids["Riverland"], 2, 1, LIVE, None)
    assert (old.value.version, old.value.text) == (2, "The gates open in July and August.")
    current = {c.number: c for c in rooms.text(room.room_id)}[2]
    assert (current.version, current.status, current.votes) == (2, ClauseStatus.VOTING, {})
    for name in PARTIES:
        rooms.vote(ids[name], 2, 2, LIVE, None)
    assert [c.number for c in ranked(rooms.text(room.room_id))] == [1, 2]

    history = rooms.versions(room.room_id)
    assert [(v.number, v.version) for v in history] == [(1, 1), (2, 1), (2, 2)]
    assert history[1].votes["Dryland"] == (CHANGE, "only in August")  # kept with its version


def test_votes_are_checked(rooms, room):
    river = party_id(room, "Riverland")
    rooms.add_clause(room.room_id, "Clause")
    with pytest.raises(VoteError, match="carries a comment"):
        rooms.vote(river, 1, 1, CHANGE, "")
    with pytest.raises(UnknownRoom, match="no clause 9"):
        rooms.vote(river, 9, 1, LIVE, None)
    with pytest.raises(RoomError, match="only a party"):
        rooms.vote(room.facilitator.participant_id, 1, 1, LIVE, None)
    with pytest.raises(RoomError, match="clause is empty"):
        rooms.add_clause(room.room_id, "  ")
    rooms.close_room(room.room_id)
    with pytest.raises(RoomError, match="closed"):
        rooms.vote(river, 1, 1, LIVE, None)
    with pytest.raises(RoomError, match="closed"):
        rooms.revise_clause(room.room_id, 1, "new")


def test_confirmations_hold_for_the_exact_text(rooms, room):
    river, dry = party_id(room, "Riverland"), party_id(room, "Dryland")
    rooms.confirm(river, "1. Share data.")
    rooms.confirm(river, "1. Share data.")  # twice: once
    rooms.confirm(dry, "1. Share data weekly.")
    assert set(rooms.confirmations(room.room_id, "1. Share data.")) == {"Riverland"}
    assert set(rooms.confirmations(room.room_id, "1. Share data weekly.")) == {"Dryland"}
