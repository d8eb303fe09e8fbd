"""What the Rasa server sends the action server: the state and the current turn's events.

Rasa 3.6 sends every event of the tracker with each action call
(`EventVerbosity.ALL`), two or three calls a message; serialising them was a tenth of
the Rasa server's CPU under load, and the action server parsed them all again.
Concordia's actions read the state (slots, active form, latest message) and, of the
events, only the current turn's (the slot candidates a form validates, the latest
message's time) and the latest session start or restart (where a transcript begins;
actions/session.py). So the action server gets exactly that: the state as Rasa
builds it, and `turn_events`. A custom action that needs older events must read them
from the database, where every event is kept.
"""

from __future__ import annotations

from collections.abc import Reversible
from typing import Any

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, Restarted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

_RASA_FORMAT = RemoteAction._action_call_format  # Rasa's own, for comparison in tests


def turn_events(events: Reversible[Event]) -> list[Event]:
    """The latest session start or restart, then the events from the latest user
    message on (everything after that start when no user message followed it, plus
    the latest user message before it, which Rasa's state still names)."""
    turn: list[Event] = []  # newest first
    user_seen = started = False
    for event in reversed(events):
        if started:  # past the start: only the latest user message, if any
            if isinstance(event, UserUttered):
                turn.append(event)
                break
            continue
        if isinstance(event, (SessionStarted, Restarted)):
            turn.append(event)
            started = True
            if user_seen:
                break
            continue
        if not user_seen:
            turn.append(event)
            user_seen = isinstance(event, UserUttered)
    turn.reverse()
    return turn


def action_call_format(
    action: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> dict[str, Any]:
    """Rasa's request body for an action call, with the turn's events only."""
    state = tracker.current_state()  # no events: they are added below
    state["events"] = [event.as_dict() for event in turn_events(tracker.events)]
    return _RASA_FORMAT(action, _StateOnly(tracker, state), domain)


class _StateOnly:
    """A tracker stand-in for Rasa's formatter: it asks for the state and the sender."""

    def __init__(self, tracker: DialogueStateTracker, state: dict[str, Any]) -> None:
        self.sender_id = tracker.sender_id
        self._state = state

    def current_state(self, _verbosity: Any = None) -> dict[str, Any]:
        return self._state


def install() -> None:
    """Send action calls this way in this process (idempotent)."""
    RemoteAction._action_call_format = action_call_format  # type: ignore[method-assign,assignment]
