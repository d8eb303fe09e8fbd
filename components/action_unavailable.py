"""A clear reply, from the Rasa server itself, when the action server cannot be reached.

Rasa 3.6 logs a failed custom action, drops its events and carries on predicting:
the user gets silence, or half a turn. Here a custom action that could not be run
(action server down, refusing, timing out, or answering with an error) ends the turn
instead with `utter_assistant_unavailable` and reverts the user's message, so the
conversation state is exactly what it was before the message: the message itself
stays in the tracker store (the transcript keeps it), and once the action server is
back the user sends it again and carries on at the same step.

When the action server *answers* with an error (a bug: HTTP 500) several turns in a
row, asking the user to send the message again would go on for ever. After
`BROKEN_AFTER` such failures in a row the reply says plainly that this step is
broken, offers to start again or to end, and an error naming the action is logged.
The failures are counted from the conversation itself (each failure reply carries
the failed action's name in its metadata), so the count survives restarts and
holds across the servers of a cluster.

A rejected action (the action server answering "not me", HTTP 400) is not a failure
and is left to Rasa, as are errors in Rasa-side actions.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.actions.action import Action, RemoteAction, create_bot_utterance
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecutionRejected,
    BotUttered,
    Event,
    FollowupAction,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

RESPONSE = "utter_assistant_unavailable"
BROKEN_RESPONSE = "utter_step_broken"
BROKEN_AFTER = 3  # error answers in a row before the step is called broken
# In a failure reply's metadata: the HTTP status the action server answered with, or 0
# when it could not be reached (the client sees it; the action's name stays in the log).
FAILED_KEY = "concordia_action_failure"
# Said if the domain has lost its responses: the reply must never be silence.
FALLBACK_TEXT = (
    "A part of the assistant is unavailable right now. Your session is saved: "
    "please send your last message again in a minute."
)
BROKEN_FALLBACK_TEXT = (
    "Something is broken in this step: I could not take in your last messages, and "
    'the fault has been logged. Your session is saved. Type "start again" to begin '
    'afresh, or "goodbye" to end here.'
)


class ActionServerUnavailable(RasaException):
    """A custom action could not be run by the action server: `action` is the one the
    server was asked to run (a form's validation action, for a form), `status` the HTTP
    status it answered with, or None when it could not be reached."""

    def __init__(self, message: str, action: str, status: int | None = None) -> None:
        super().__init__(message)
        self.action = action
        self.status = status


_ORIGINAL_REMOTE_RUN = RemoteAction.run
_ORIGINAL_RUN_ACTION = MessageProcessor._run_action


async def _remote_run(self: RemoteAction, *args: Any, **kwargs: Any) -> list[Event]:
    from rasa.core.actions.action import ActionExecutionRejection

    try:
        return await _ORIGINAL_REMOTE_RUN(self, *args, **kwargs)
    except ActionExecutionRejection:
        raise
    except RasaException as exc:
        status = getattr(exc.__cause__, "status", None)
        raise ActionServerUnavailable(str(exc), self.name(), status) from exc


def failures_in_a_row(tracker: Any) -> int:
    """How many user turns in a row before this one ended with the action server
    answering an error (a status): counted back to a turn that went through, a restart
    or a new session. A turn where it could not be reached neither counts nor breaks
    the run; a bot message earlier in a failed turn does not hide its failure."""
    turns: list[list[Event]] = []
    for event in tracker.events:
        if isinstance(event, (Restarted, SessionStarted)):
            turns = []
        elif isinstance(event, UserUttered):
            turns.append([])
        elif turns:
            turns[-1].append(event)
    count = 0
    for turn in reversed(turns[:-1]):  # the last turn is the one running now
        failures = [
            (e.metadata or {})[FAILED_KEY]
            for e in turn
            if isinstance(e, BotUttered) and FAILED_KEY in (e.metadata or {})
        ]
        if not failures:
            break
        count += bool(failures[-1])
    return count


async def unavailable_events(
    action_name: str,
    tracker: Any,
    nlg: Any,
    channel: str,
    broken: bool = False,
    status: int | None = None,
) -> list[Event]:
    """What a turn whose custom action failed ends with: the message is reverted (kept in
    the log, undone in the state), the user is told (that the step is broken, when it
    is), and the bot listens.

    The failed action is marked rejected, which keeps Rasa from logging it as executed:
    a form logged twice in a row makes Rasa fold the turns between (its happy-path
    compaction), and the revert would then find no user message and wipe the state.
    """
    response, fallback = (
        (BROKEN_RESPONSE, BROKEN_FALLBACK_TEXT) if broken else (RESPONSE, FALLBACK_TEXT)
    )
    try:
        message = await nlg.generate(response, tracker, channel)
    except Exception:
        logger.exception("Could not render %s", response)
        message = None
    utterance: BotUttered = create_bot_utterance(
        {**(message or {"text": fallback}), FAILED_KEY: status or 0}
    )
    return [
        ActionExecutionRejected(action_name),
        UserUtteranceReverted(),
        utterance,
        FollowupAction(ACTION_LISTEN_NAME),
    ]


class _Guarded:
    """The action the processor runs, with the action server's failures caught."""

    def __init__(self, action: Action) -> None:
        self._action = action

    def __getattr__(self, name: str) -> Any:
        return getattr(self._action, name)

    async def run(self, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list[Event]:
        try:
            return await self._action.run(output_channel, nlg, tracker, domain)
        except ActionServerUnavailable as exc:
            name = self._action.name()
            in_a_row = failures_in_a_row(tracker) + 1
            broken = exc.status is not None and in_a_row >= BROKEN_AFTER
            if broken:
                logger.error(
                    "Action %r failed %d times in a row for %s (the action server answered "
                    "HTTP %s): told them this step is broken and offered to start again",
                    exc.action,
                    in_a_row,
                    tracker.sender_id,
                    exc.status,
                )
            else:
                logger.error(
                    "Action %r could not be run (%s); told %s that part of the assistant is "
                    "unavailable and reverted the message for them to send again",
                    name,
                    exc,
                    tracker.sender_id,
                )
            return await unavailable_events(
                name, tracker, nlg, output_channel.name(), broken, exc.status
            )


async def _run_action(self: MessageProcessor, action: Action, *args: Any, **kwargs: Any) -> bool:
    return await _ORIGINAL_RUN_ACTION(self, _Guarded(action), *args, **kwargs)  # type: ignore[arg-type]


def install() -> None:
    """Turn failed custom actions into the unavailable reply in this process (idempotent)."""
    RemoteAction.run = _remote_run  # type: ignore[method-assign]
    MessageProcessor._run_action = _run_action  # type: ignore[method-assign]
