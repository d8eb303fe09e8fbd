"""The recent part of a conversation (components/tracker_window.py) and the store that
serves it (components/tracker_store.py): same state as the whole conversation, a
bounded number of events, every event still stored."""

from __future__ import annotations

import asyncio
from dataclasses import asdict

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text

from bot.settings import ConfigError, Settings
from components.tracker_store import DurableSQLTrackerStore
from components.tracker_window import tail_start, window
from tests.faults import DOMAIN, user_texts

TURNS = 10
_clock = iter(range(1, 10**6))


def _at(event: Event) -> Event:
    event.timestamp = float(next(_clock))
    return event


def turn(text: str, intent: str, *after: Event) -> list[Event]:
    """One user turn: the message, what the assistant did, then listening again."""
    return [
        _at(UserUttered(text, {"name": intent, "confidence": 0.9})),
        *(_at(e) for e in after),
        _at(ActionExecuted("action_listen")),
    ]


def opening() -> list[Event]:
    return [
        _at(ActionExecuted("action_session_start")),
        _at(SessionStarted()),
        _at(ActionExecuted("action_listen")),
        *turn(
            "could you walk us through a mediation",
            "start_mediation",
            ActionExecuted("action_start_mediation"),
            SlotSet("session_id", "cn-0000000000000001"),
            ActionExecuted("opening_form"),
            ActiveLoop("opening_form"),
            SlotSet("requested_slot", "consent"),
            BotUttered("Do you agree?"),
        ),
        *turn(
            "fine by us",
            "affirm",
            ActionExecuted("opening_form"),
            SlotSet("consent", True),
            SlotSet("requested_slot", None),
            ActiveLoop(None),
            ActionExecuted("interests_form"),
            ActiveLoop("interests_form"),
            SlotSet("step", "interests"),
            BotUttered("What does Ost need?"),
        ),
    ]


def statements(count: int, start: int = 0) -> list[Event]:
    """Interests stated inside the interests form (its happy path)."""
    events: list[Event] = []
    for n in range(start, start + count):
        events += turn(
            f"Ost needs pasture number {n}",
            "state_interest",
            ActionExecuted("interests_form"),
            SlotSet("party_draft", [f"pasture {k}" for k in range(n + 1)]),
            BotUttered(f"Noted {n}. Anything else?"),
        )
    return events


def chat(count: int) -> list[Event]:
    """Turns outside any form: questions answered by a rule."""
    events: list[Event] = [_at(ActiveLoop(None))]
    for n in range(count):
        events += turn(
            f"where are we {n}",
            "ask_where",
            ActionExecuted("action_where_are_we"),
            BotUttered(f"We are at step {n}."),
        )
    return events


def tracker_of(events: list[Event]) -> DialogueStateTracker:
    tracker = DialogueStateTracker("ost", DOMAIN.slots)
    for event in events:
        tracker.update(event)
    return tracker


def state(tracker: DialogueStateTracker) -> dict:
    """What decides the next step. Not the loop's `trigger_message`: Rasa 3.6 and
    rasa_sdk never read it, and the window does not rebuild it."""
    loop = asdict(tracker.active_loop) if tracker.active_loop_name else None
    if loop:
        loop.pop("trigger_message")
    return {
        "slots": tracker.current_slot_values(),
        "loop": loop,
        "message": (tracker.latest_message.text, tracker.latest_message.intent),
        "action": tracker.latest_action,
        "bot": tracker.latest_bot_utterance.text,
        "followup": tracker.followup_action,
        "paused": tracker.is_paused(),
    }


SHAPES = {
    "inside a long form": opening() + statements(40),
    "after a form, chatting": opening() + statements(20) + chat(15),
    "a revert at the window's edge": opening()
    + statements(20)
    + turn("oops", "state_interest", UserUtteranceReverted())
    + statements(TURNS - 1, start=20),
    "after a restart": opening() + statements(12) + [_at(Restarted())] + opening() + statements(12),
    "form rejected, then paused": opening()
    + statements(15)
    + turn("hm", "nlu_fallback", ActionExecutionRejected("interests_form"), ConversationPaused()),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_window_has_the_whole_conversations_state_and_its_last_turns(shape):
    whole = tracker_of(SHAPES[shape])
    recent = window(whole, TURNS)
    assert state(recent) == state(whole)
    said = [e.text for e in recent.events if isinstance(e, UserUttered)]
    assert said == [e.text for e in whole.events if isinstance(e, UserUttered)][-len(said) :]
    assert TURNS <= len(said) <= TURNS + 2  # more only to keep a revert's turns
    tail = len(whole.events) - tail_start(list(whole.events), TURNS)
    assert len(recent.events) <= tail + len(DOMAIN.slots) + 5  # the state, then the tail


def test_the_window_begins_where_the_assistant_listened():
    events = SHAPES["inside a long form"]
    start = tail_start(events, TURNS)
    assert isinstance(events[start], ActionExecuted)
    assert events[start].action_name == "action_listen"
    assert isinstance(events[start + 1], UserUttered)


def test_outside_forms_the_policies_see_the_same_last_turns():
    whole = tracker_of(SHAPES["after a form, chatting"])
    recent = window(whole, TURNS)
    # The policies look back five turns (config.yml); the window holds ten.
    assert recent.past_states(DOMAIN)[-6:] == whole.past_states(DOMAIN)[-6:]


def test_a_revert_keeps_the_turns_it_undoes_inside_the_window():
    events = SHAPES["a revert at the window's edge"]
    start = tail_start(events, TURNS)
    revert = next(i for i, e in enumerate(events) if isinstance(e, UserUtteranceReverted))
    users_before = [e for e in events[start:revert] if isinstance(e, UserUttered)]
    assert len(users_before) >= 1  # the message it undoes


def test_a_run_of_reverted_turns_keeps_the_window_short():
    """The action server down for 40 turns: each told so and reverted
    (components/action_unavailable.py), the window still bounded."""
    failing = []
    for n in range(40):
        failing += turn(
            f"hello {n}",
            "state_interest",
            BotUttered("Part of the assistant is unavailable; please send that again."),
            UserUtteranceReverted(),
        )
    back = statements(1, start=10)  # the server answers again
    whole = tracker_of(opening() + statements(10) + failing + back)
    recent = window(whole, TURNS)
    assert state(recent) == state(whole)
    assert sum(isinstance(e, UserUttered) for e in recent.events) <= TURNS + 1


def test_the_latest_restart_or_session_start_stays_in_view():
    """A new session's transcript begins at the last restart or session start
    (actions/session.restart_boundary)."""
    whole = tracker_of(SHAPES["after a restart"])
    boundary = next(e for e in reversed(whole.events) if isinstance(e, (Restarted, SessionStarted)))
    recent = window(whole, TURNS)
    assert boundary.timestamp in [e.timestamp for e in recent.events]
    assert state(recent) == state(whole)


def test_a_window_carried_on_equals_a_window_of_the_whole():
    """The store keeps a window between turns and applies what follows to it."""
    events = opening() + statements(30)
    later = statements(7, start=30) + chat(4)
    carried = window(tracker_of(events), TURNS).copy()
    for event in later:
        carried.update(event)
    assert state(window(carried, TURNS)) == state(window(tracker_of(events + later), TURNS))
    assert (
        list(window(carried, TURNS).events)[-40:]
        == list(window(tracker_of(events + later), TURNS).events)[-40:]
    )


def test_a_short_conversation_is_left_whole():
    whole = tracker_of(opening() + statements(3))
    assert window(whole, TURNS) is whole
    assert window(tracker_of(SHAPES["inside a long form"]), 0).events  # 0: no window


# -- the store -------------------------------------------------------------------------
async def _turn(store: DurableSQLTrackerStore, sender: str, events: list[Event]) -> None:
    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, DOMAIN.slots)
    for event in events:
        tracker.update(event)
    await store.save(tracker)


async def _write(store: DurableSQLTrackerStore, sender: str, events: list[Event]) -> None:
    """The conversation written turn by turn, as the processor does."""
    for events_of_turn in _turns(events):
        await _turn(store, sender, events_of_turn)


def _turns(events: list[Event]) -> list[list[Event]]:
    """Split a conversation where the assistant listens, as the processor saves it."""
    turns, current = [], []
    for event in events:
        current.append(event)
        if isinstance(event, ActionExecuted) and event.action_name == "action_listen":
            turns.append(current)
            current = []
    return turns + ([current] if current else [])


def test_the_store_serves_windows_and_stores_every_event(database_url):
    events = opening() + statements(30)

    async def scenario() -> None:
        store = DurableSQLTrackerStore(domain=DOMAIN, host=database_url)
        await _write(store, "ost", events)
        # What the store kept from its last write matches the database, so the next
        # read asks only for newer events instead of reading the conversation whole.
        with store.engine.connect() as db:
            stored = db.execute(
                text("SELECT max(id), count(*) FROM events WHERE sender_id = 'ost'")
            ).one()
        assert store._recent["ost"][:2] == tuple(stored)
        recent = await store.retrieve("ost")
        assert state(recent) == state(tracker_of(events))
        assert len(recent.events) < 100
        full = await store.retrieve_full_tracker("ost")
        assert [e.as_dict() for e in full.events] == [e.as_dict() for e in events]
        store.engine.dispose()

    asyncio.run(scenario())
    said = [e.text for e in events if isinstance(e, UserUttered)]
    assert user_texts(database_url, "ost") == said


def test_the_store_reads_what_another_server_wrote_since(tmp_path):
    url = f"sqlite:///{tmp_path / 'two.db'}"
    events = opening() + statements(20)
    theirs = statements(1, start=20)

    async def scenario() -> None:
        ours = DurableSQLTrackerStore(domain=DOMAIN, host=url)
        other = DurableSQLTrackerStore(domain=DOMAIN, host=url)
        await _write(ours, "ost", events)
        await _turn(other, "ost", theirs)
        back = await ours.retrieve("ost")
        assert back.latest_message.text == "Ost needs pasture number 20"
        assert state(back) == state(tracker_of(events + theirs))
        ours.engine.dispose()
        other.engine.dispose()

    asyncio.run(scenario())


def test_a_turn_that_was_not_written_leaves_nothing_behind(tmp_path):
    url = f"sqlite:///{tmp_path / 'lost.db'}"
    events = opening() + statements(15)

    async def scenario() -> None:
        store = DurableSQLTrackerStore(domain=DOMAIN, host=url)
        await _write(store, "ost", events)
        failed = await store.retrieve("ost")
        failed.update(UserUttered("never saved", {"name": "state_interest"}))
        back = await store.retrieve("ost")  # the failed turn's tracker is not reused
        assert back.latest_message.text == "Ost needs pasture number 14"
        store.engine.dispose()

    asyncio.run(scenario())


def test_tracker_turns_zero_serves_the_whole_session(tmp_path, monkeypatch):
    monkeypatch.setenv("CONCORDIA_TRACKER_TURNS", "0")
    url = f"sqlite:///{tmp_path / 'whole.db'}"
    events = opening() + statements(15)

    async def scenario() -> None:
        store = DurableSQLTrackerStore(domain=DOMAIN, host=url)
        await _write(store, "ost", events)
        back = await store.retrieve("ost")
        # Rasa's own read: the latest session, from its `session_started` on.
        assert [e.as_dict() for e in back.events] == [e.as_dict() for e in events[1:]]
        store.engine.dispose()

    asyncio.run(scenario())


@pytest.mark.parametrize("value", ["3", "-1", "ten"])
def test_a_window_too_short_for_the_policies_is_refused_with_the_fix(value):
    with pytest.raises(ConfigError, match=r"CONCORDIA_TRACKER_TURNS.*at least 6"):
        Settings.from_env({"CONCORDIA_TRACKER_TURNS": value})


def test_a_conversation_evicted_from_memory_is_read_whole_again(tmp_path, monkeypatch):
    monkeypatch.setattr("components.tracker_store.RECENT_CONVERSATIONS", 1)
    url = f"sqlite:///{tmp_path / 'evicted.db'}"
    events = opening() + statements(14)

    async def scenario() -> None:
        store = DurableSQLTrackerStore(domain=DOMAIN, host=url)
        for events_of_turn in _turns(events):
            await _turn(store, "ost", events_of_turn)
            await _turn(store, "west", events_of_turn)  # pushes "ost" out, and back
        assert list(store._recent) == ["west"]
        for sender in ("ost", "west"):
            back = await store.retrieve(sender)
            assert state(back) == state(tracker_of(events))
        store.engine.dispose()

    asyncio.run(scenario())


def test_a_conversation_removed_meanwhile_is_not_brought_back(tmp_path):
    """Retention may delete a conversation a server still holds a window of."""
    from sqlalchemy import create_engine

    url = f"sqlite:///{tmp_path / 'purged.db'}"
    events = opening() + statements(14)

    async def scenario() -> None:
        store = DurableSQLTrackerStore(domain=DOMAIN, host=url)
        await _write(store, "ost", events)
        engine = create_engine(url, future=True)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM events WHERE sender_id = 'ost'"))
        engine.dispose()
        assert await store.retrieve("ost") is None
        store.engine.dispose()

    asyncio.run(scenario())
