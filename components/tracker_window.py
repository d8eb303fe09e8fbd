"""The recent part of a conversation, as the Rasa server works on it (issue 17).

Rasa 3.6 carries a conversation's whole session through every message: the tracker
store reads and replays every stored event, the policies rebuild a state for every
past turn (`applied_events` and `past_states`, about 60% of the Rasa server's CPU at
turn 150), and every action call sends every event to the action server, which
parses them all. The cost of a message therefore grew with the conversation: 112 ms
at turn 10, 361 ms at turn 100 (benchmarks/growth.py).

What decides the next step is much shorter: the slots, the active form, and the last
few turns (the policies look at five; rules at fewer). `window` builds a tracker with
exactly that state from a prefix of synthetic events (the latest session start or
restart, one `SlotSet` per slot that differs from its initial value, the form that
was active and its flags, a pause) followed by the raw events of the last `turns`
user turns. Nothing synthetic is ever stored: the tracker store writes only the
events added after the window (components/tracker_store.py), so transcripts keep
every event.

The window starts where the conversation listens for a user message, so the
latest message, action and bot utterance come from real events. It reaches back
further when a message in it is reverted (back, or a rephrase), so a revert never
undoes a synthetic event.
"""

from __future__ import annotations

from collections.abc import Sequence

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    ConversationPaused,
    Event,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker


def _listen_before(events: Sequence[Event], index: int) -> int:
    """The `action_listen` right before the user message at `index` (or the message
    itself when there is none)."""
    if index > 0:
        previous = events[index - 1]
        if isinstance(previous, ActionExecuted) and previous.action_name == ACTION_LISTEN_NAME:
            return index - 1
    return index


def _reach(events: Sequence[Event], index: int) -> int:
    """User turns the revert at `index` undoes: one per revert since the last message
    (Rasa's "back" reverts twice)."""
    reverts = 0
    for event in reversed(events[: index + 1]):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, (UserUtteranceReverted, ActionReverted)):
            reverts += 1
    return reverts


def tail_start(events: Sequence[Event], turns: int) -> int:
    """Where the last `turns` user turns begin (0: keep everything), moved back so every
    revert in them finds the turns it undoes inside the window."""
    users = [i for i, e in enumerate(events) if isinstance(e, UserUttered)]
    if turns <= 0 or len(users) <= turns:
        return 0
    keep = turns
    while keep < len(users):
        first = users[-keep]
        short = any(
            isinstance(e, (UserUtteranceReverted, ActionReverted))
            and sum(1 for u in users if first <= u < i) < _reach(events, i)
            for i, e in enumerate(events[first:], start=first)
        )
        if not short:
            break
        keep += 1
    if keep >= len(users):
        return 0
    return _listen_before(events, users[-keep])


def state_events(state: DialogueStateTracker, boundary: Event | None) -> list[Event]:
    """Events that rebuild `state`'s slots, form and pause on a fresh tracker."""
    events: list[Event] = [boundary] if boundary is not None else []
    for name, slot in state.slots.items():
        if slot.value != slot.initial_value:
            events.append(SlotSet(name, slot.value))
    loop = state.active_loop
    if loop is not None and state.active_loop_name:
        events.append(ActiveLoop(state.active_loop_name))
        if loop.is_interrupted:
            events.append(LoopInterrupted(True))
        if loop.rejected:
            events.append(ActionExecutionRejected(state.active_loop_name))
    if state.is_paused():
        events.append(ConversationPaused())
    return events


def window(tracker: DialogueStateTracker, turns: int) -> DialogueStateTracker:
    """`tracker` with only its last `turns` user turns as events, and the same state.

    Returns `tracker` itself when it is no longer than that (or `turns` is 0)."""
    events = list(tracker.events)
    start = tail_start(events, turns)
    if start == 0:
        return tracker
    before = tracker.init_copy()
    boundary: Event | None = None
    for event in events[:start]:
        before.update(event)
        if isinstance(event, (SessionStarted, Restarted)):
            boundary = event
    recent = tracker.init_copy()
    recent.model_id, recent.assistant_id = tracker.model_id, tracker.assistant_id
    for event in [*state_events(before, boundary), *events[start:]]:
        recent.update(event)
    return recent
