"""A clear reply, from the Rasa server itself, when the action server cannot be reached.

Rasa 3.6 logs a failed custom action, drops its events and carries on predicting:
the user gets silence, or half a turn. Here a custom action that could not be run
(action server down, refusing, timing out, or answering with an error) ends the turn
instead with `utter_assistant_unavailable` and reverts the user's message, so the
conversation state is exactly what it was before the message: the message itself
stays in the tracker store (the transcript keeps it), and once the action server is
back the user sends it again and carries on at the same step.

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
    UserUtteranceReverted,
)
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

RESPONSE = "utter_assistant_unavailable"
# Said if the domain has lost its response: the reply must never be silence.
FALLBACK_TEXT = (
    "A part of the assistant is unavailable right now. Your session is saved: "
    "please send your last message again in a minute."
)


class ActionServerUnavailable(RasaException):
    """A custom action could not be run by the action server."""


_ORIGINAL_REMOTE_RUN = RemoteAction.run
_ORIGINAL_RUN_ACTION = MessageProcessor._run_action


async def _remote_run(self: RemoteAction, *args: Any, **kwargs: Any) -> list[Event]:
    from rasa.core.actions.action import ActionExecutionRejection

    try:
        return await _ORIGINAL_REMOTE_RUN(self, *args, **kwargs)
    except ActionExecutionRejection:
        raise
    except RasaException as exc:
        raise ActionServerUnavailable(str(exc)) from exc


async def unavailable_events(action_name: str, tracker: Any, nlg: Any, channel: str) -> list[Event]:
    """What a turn whose custom action failed ends with: the message is reverted (kept in
    the log, undone in the state), the user is told, and the bot listens.

    The failed action is marked rejected, which keeps Rasa from logging it as executed:
    a form logged twice in a row makes Rasa fold the turns between (its happy-path
    compaction), and the revert would then find no user message and wipe the state.
    """
    try:
        message = await nlg.generate(RESPONSE, tracker, channel)
    except Exception:
        logger.exception("Could not render %s", RESPONSE)
        message = None
    utterance: BotUttered = create_bot_utterance(message or {"text": FALLBACK_TEXT})
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
            logger.error(
                "Action %r could not be run (%s); told %s that part of the assistant is "
                "unavailable and reverted the message for them to send again",
                self._action.name(),
                exc,
                tracker.sender_id,
            )
            return await unavailable_events(
                self._action.name(), tracker, nlg, output_channel.name()
            )


async def _run_action(self: MessageProcessor, action: Action, *args: Any, **kwargs: Any) -> bool:
    return await _ORIGINAL_RUN_ACTION(self, _Guarded(action), *args, **kwargs)  # type: ignore[arg-type]


def install() -> None:
    """Turn failed custom actions into the unavailable reply in this process (idempotent)."""
    RemoteAction.run = _remote_run  # type: ignore[method-assign]
    MessageProcessor._run_action = _run_action  # type: ignore[method-assign]
