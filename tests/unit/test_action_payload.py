"""Action calls carry the state and the current turn's events (components/action_payload.py),
and everything the actions read from a tracker is the same as with every event."""

from __future__ import annotations

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker

import components  # noqa: F401  (installs it, as Rasa's import of it does)
from actions import session
from bot.settings import PROJECT_ROOT
from components import action_payload

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def user(text: str, at: float, intent: str = "state_interest") -> UserUttered:
    return UserUttered(
        text,
        {"name": intent, "confidence": 0.9},
        timestamp=at,
        message_id=f"m{at}",
        metadata={"verbatim_text": text},
    )


def conversation(restart: bool = False) -> list:
    events = [
        ActionExecuted("action_session_start", timestamp=1),
        SessionStarted(timestamp=2),
        ActionExecuted("action_listen", timestamp=3),
        user("hello", 4, "greet"),
        ActionExecuted("utter_greet", timestamp=5),
        BotUttered("Hello!", timestamp=6),
        SlotSet("topic", "water", timestamp=7),
        ActionExecuted("action_listen", timestamp=8),
    ]
    if restart:
        events += [user("/restart", 9, "restart"), Restarted(timestamp=10)]
        events += [ActionExecuted("action_listen", timestamp=11)]
    return [
        *events,
        user("our farmers need the river", 20),
        ActionExecuted("interests_form", timestamp=21),
        ActiveLoop("interests_form", timestamp=22),
        SlotSet("interest_statement", "our farmers need the river", timestamp=23),
    ]


def payloads(events: list) -> tuple[dict, dict]:
    tracker = DialogueStateTracker.from_events("s1", events, DOMAIN.slots)
    action = RemoteAction("validate_interests_form", None)
    return (
        action_payload.action_call_format(action, tracker, DOMAIN),
        action_payload._RASA_FORMAT(action, tracker, DOMAIN),
    )


def test_importing_components_installs_it():
    assert RemoteAction._action_call_format is action_payload.action_call_format


@pytest.mark.parametrize("restart", [False, True])
def test_the_state_is_rasas_and_the_events_are_the_turns(restart):
    ours, rasas = payloads(conversation(restart))
    theirs_events = rasas["tracker"].pop("events")
    our_events = ours["tracker"].pop("events")
    assert ours == rasas  # slots, latest message, form, sender, domain, version
    start = "restart" if restart else "session_started"
    assert [e["event"] for e in our_events] == [start, "user", "action", "active_loop", "slot"]
    assert our_events[1:] == theirs_events[-4:]
    assert len(theirs_events) > len(our_events)


@pytest.mark.parametrize("restart", [False, True])
def test_what_the_actions_read_is_unchanged(restart):
    ours, rasas = payloads(conversation(restart))
    mine, theirs = Tracker.from_dict(ours["tracker"]), Tracker.from_dict(rasas["tracker"])
    assert mine.slots_to_validate() == theirs.slots_to_validate() != {}
    assert mine.latest_message == theirs.latest_message
    assert mine.active_loop == theirs.active_loop
    for read in (session.restart_boundary, session.latest_user_timestamp, session.message_id):
        assert read(mine) == read(theirs)
    assert session.restart_boundary(mine) == (10 if restart else 2)


def test_before_any_user_message_the_session_start_is_sent():
    events = conversation()[:3]
    ours, rasas = payloads(events)
    assert ours["tracker"]["events"] == rasas["tracker"]["events"][1:]


def test_an_action_right_after_a_restart_still_sees_the_latest_user_message():
    events = [*conversation()[:8], user("/restart", 9, "restart"), Restarted(timestamp=10)]
    ours, rasas = payloads(events)
    mine, theirs = Tracker.from_dict(ours["tracker"]), Tracker.from_dict(rasas["tracker"])
    assert [e["event"] for e in ours["tracker"]["events"]] == ["user", "restart"]
    for read in (session.restart_boundary, session.latest_user_timestamp, session.message_id):
        assert read(mine) == read(theirs)


def test_turn_events_without_a_session_start():
    events = [ActionExecuted("action_listen"), user("hi", 1), ActionExecuted("utter_greet")]
    assert action_payload.turn_events(events) == events[1:]
    assert action_payload.turn_events(events[:1]) == events[:1]
    assert action_payload.turn_events([]) == []
