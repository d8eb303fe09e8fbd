"""Rasa's SQL tracker store, made to lose nothing while the database is away.

Rasa 3.6 wraps every tracker store in `FailSafeTrackerStore`: when the database
cannot be read it hands the processor a brand-new, empty conversation, and when it
cannot be written the events go to an in-memory store that is never read again nor
written back. During an outage a conversation thus restarted from scratch and every
message in it was lost.

`DurableSQLTrackerStore` keeps, in memory, what it could not write:
- a conversation whose save failed is kept whole and served from memory, so it goes
  on where it was, and is written (all its new events, in order) once the database
  answers again;
- a message that arrives for a conversation the store cannot read is not processed
  against a guessed state: it is kept with the reply that asked the user to send it
  again (`keep_unprocessed`), and appended to the conversation later;
- a background task retries with exponential backoff (0.5 s doubling to 30 s), and
  the log shows when the outage started, what is waiting, and when and what was
  written back.
The keeping is per Rasa server; in a cluster, a conversation whose messages reach
two servers during one outage is written by both, in the order each saw them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy.exc import SQLAlchemyError

from bot.store.faults import describe, failure_kind

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 30.0
KEPT_REPLY = (
    "I can't reach my records right now, so I could not take that in. Your message is "
    "kept and will be saved: please send it again in a minute, and we will carry on "
    "where we were."
)


class TrackerStoreUnavailable(RasaException):
    """The conversation cannot be read: the database is unreachable and nothing is kept."""


class DurableSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` that keeps unwritten conversations in memory until it can write."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._url = str(self.engine.url)
        self.pending: dict[str, DialogueStateTracker] = {}
        self.unprocessed: dict[str, list[Event]] = {}
        self._outage_since: float | None = None
        self._retry: asyncio.Task | None = None

    # -- Rasa's interface ---------------------------------------------------------------
    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        kept = self.pending.get(sender_id)
        if kept is not None:
            return kept.copy()
        try:
            await self._write_unprocessed(sender_id)
            return await super().retrieve(sender_id)
        except SQLAlchemyError as exc:
            if failure_kind(exc) is None:
                raise
            self._outage(exc)
            raise TrackerStoreUnavailable(describe(exc, self._url)) from exc

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await self._write_unprocessed(tracker.sender_id)
            # With an event broker configured, Rasa's save reads the stored tracker first
            # (`stream_events`), which can fail as TrackerStoreUnavailable.
            await super().save(tracker)
        except (SQLAlchemyError, TrackerStoreUnavailable) as exc:
            if isinstance(exc, SQLAlchemyError) and failure_kind(exc) is None:
                raise
            self._outage(exc)
            self.pending[tracker.sender_id] = tracker.copy()
            logger.warning(
                "Kept conversation %s in memory (%d events); %s",
                tracker.sender_id,
                len(tracker.events),
                self._waiting(),
            )
            self._schedule_retry()
        else:
            self.pending.pop(tracker.sender_id, None)

    # -- what could not be processed ------------------------------------------------------
    def keep_unprocessed(self, message: UserMessage, reply: dict[str, Any]) -> None:
        """Keep a message that arrived while its conversation could not be read, with the
        reply it got; both are appended to the conversation once the database answers.
        The message is reverted there, so the conversation's state is unchanged."""
        events: list[Event] = [
            UserUttered(
                message.text,
                input_channel=message.input_channel,
                message_id=message.message_id,
                metadata=message.metadata,
            ),
            UserUtteranceReverted(),
            BotUttered(reply.get("text"), metadata={"unprocessed": True}),
            # The revert also undid the listen before the message: listen again, or the
            # next revert would undo the step itself.
            ActionExecuted(ACTION_LISTEN_NAME),
        ]
        self.unprocessed.setdefault(message.sender_id, []).extend(events)
        logger.warning(
            "Kept an unprocessed message of conversation %s in memory; %s",
            message.sender_id,
            self._waiting(),
        )
        self._schedule_retry()

    async def _write_unprocessed(self, sender_id: str) -> None:
        events = self.unprocessed.get(sender_id)
        if not events:
            return
        tracker = await super().retrieve(sender_id) or self.init_tracker(sender_id)
        for event in events:
            tracker.update(event)
        await super().save(tracker)
        self.unprocessed.pop(sender_id, None)

    # -- the outage, and the way back -------------------------------------------------
    def _waiting(self) -> str:
        messages = sum(1 for e in self._all_unprocessed() if isinstance(e, UserUttered))
        return (
            f"{len(self.pending)} conversation(s) and {messages} unprocessed message(s) "
            "waiting to be written"
        )

    def _all_unprocessed(self) -> Iterable[Event]:
        for events in self.unprocessed.values():
            yield from events

    def _outage(self, exc: BaseException) -> None:
        if self._outage_since is None:
            self._outage_since = time.monotonic()
            logger.error("Database outage began: %s", describe(exc, self._url))

    def _schedule_retry(self) -> None:
        if self._retry is None or self._retry.done():
            self._retry = asyncio.get_running_loop().create_task(self._retry_until_written())

    async def _retry_until_written(self) -> None:
        delay = FIRST_RETRY_SECONDS
        while self.pending or self.unprocessed:
            await asyncio.sleep(delay)
            try:
                written = await self.write_back()
            except SQLAlchemyError as exc:
                delay = min(delay * 2, MAX_RETRY_SECONDS)
                logger.warning(
                    "Database still unavailable (%s); %s; next try in %.1f s",
                    describe(exc, self._url),
                    self._waiting(),
                    delay,
                )
                continue
            outage = time.monotonic() - (self._outage_since or time.monotonic())
            self._outage_since = None
            logger.warning(
                "Database reachable again after %.1f s: wrote %d conversation(s) and %d "
                "unprocessed message(s) kept in memory",
                outage,
                *written,
            )

    async def write_back(self) -> tuple[int, int]:
        """Write everything kept; (conversations, unprocessed messages) written."""
        conversations = messages = 0
        for sender_id in list(self.unprocessed):
            messages += sum(isinstance(e, UserUttered) for e in self.unprocessed[sender_id])
            await self._write_unprocessed(sender_id)
        for sender_id, tracker in list(self.pending.items()):
            await SQLTrackerStore.save(self, tracker)
            if self.pending.get(sender_id) is tracker:
                del self.pending[sender_id]
            conversations += 1
        return conversations, messages


def durable_store(store: Any) -> DurableSQLTrackerStore | None:
    """The durable store behind Rasa's fail-safe wrapper, if that is what is configured."""
    inner = getattr(store, "_tracker_store", store)
    return inner if isinstance(inner, DurableSQLTrackerStore) else None


_ORIGINAL_RETRIEVE = FailSafeTrackerStore.retrieve
_ORIGINAL_HANDLE = MessageProcessor.handle_message


async def _fail_safe_retrieve(self: FailSafeTrackerStore, sender_id: str) -> Any:
    # An unreadable conversation must not become a new, empty one (Rasa's fallback).
    if durable_store(self) is not None:
        return await self._tracker_store.retrieve(sender_id)
    return await _ORIGINAL_RETRIEVE(self, sender_id)


async def _handle_message(self: MessageProcessor, message: UserMessage) -> Any:
    try:
        return await _ORIGINAL_HANDLE(self, message)
    except TrackerStoreUnavailable:
        store = durable_store(self.tracker_store)
        if store is None:
            raise
        reply = {"text": KEPT_REPLY}
        store.keep_unprocessed(message, reply)
        await message.output_channel.send_response(message.sender_id, reply)
        collected = getattr(message.output_channel, "messages", None)
        return collected


def install() -> None:
    """Let the durable store's outages reach the processor (idempotent)."""
    FailSafeTrackerStore.retrieve = _fail_safe_retrieve  # type: ignore[method-assign]
    MessageProcessor.handle_message = _handle_message  # type: ignore[method-assign]
