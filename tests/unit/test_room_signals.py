"""Rooms' change signals: told once a change is committed, never for a failed one,
and carried by real Redis from a publisher to a subscriber's waiting views."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.ops.room_signals import Publisher, Signals
from bot.rooms.ledger import ItemKind, LedgerError, Share
from bot.store.rooms import RoomRepository

REDIS_URL = "redis://127.0.0.1:6379/12"


def test_a_committed_change_is_signalled_once_and_a_failed_one_not(database_url):
    heard: list[str] = []
    rooms = RoomRepository(database_url, on_change=heard.append)
    room = rooms.create_room("Kora", ["A", "B"])
    assert heard == []  # a new room has no open view
    a = room.parties[0].participant_id
    item = rooms.record_item(a, ItemKind.INTEREST, "water")
    assert heard == [room.room_id]
    rooms.set_state(a, [item], Share.RELEASED)
    with pytest.raises(LedgerError):
        rooms.set_state(a, [item], Share.PRIVATE)  # refused: rolled back, nothing to tell
    assert heard == [room.room_id, room.room_id]
    rooms.items(room.room_id)  # a read changes nothing
    assert len(heard) == 2


def test_a_signal_that_fails_never_fails_the_change(database_url, caplog):
    def broken(_room: str) -> None:
        raise RuntimeError("no Redis today")

    rooms = RoomRepository(database_url, on_change=broken)
    room = rooms.create_room("Kora", ["A", "B"])
    with caplog.at_level(logging.ERROR):
        assert rooms.add_clause(room.room_id, "One.") == 1
    assert "Could not signal the change" in caplog.text
    assert [c.number for c in rooms.text(room.room_id)] == [1]


def test_an_unreachable_redis_is_a_warning(closed_port, caplog):
    with caplog.at_level(logging.WARNING):
        Publisher(f"redis://127.0.0.1:{closed_port}/0")("rm-1")
    assert "did not take the signal" in caplog.text


def test_a_published_change_wakes_the_rooms_views_and_no_other():
    async def scenario() -> tuple[bool, bool]:
        signals = Signals(REDIS_URL)
        signals.start()
        mine, other = signals.watch("rm-mine"), signals.watch("rm-other")
        try:
            for _ in range(50):  # the subscription takes a moment
                await asyncio.get_running_loop().run_in_executor(
                    None, Publisher(REDIS_URL), "rm-mine"
                )
                try:
                    await asyncio.wait_for(mine.wait(), 0.1)
                    break
                except asyncio.TimeoutError:
                    continue
            return mine.is_set(), other.is_set()
        finally:
            signals.forget("rm-mine", mine)
            signals.forget("rm-other", other)
            await signals.stop()

    assert asyncio.run(scenario()) == (True, False)
