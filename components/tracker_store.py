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
  written back. The task survives any error: an unexpected one is logged with its
  traceback and the task carries on.

Events are written **by what this server added**, not by count. Rasa's own `save`
appends `tracker.events[n:]`, n being the number of events stored: when another
server wrote to the same conversation in between (its own write-back after an
outage, in a cluster), n is too large and this server's first events were skipped.
Here each server remembers how many events the conversation had when it read it
(`_known`), and writes the events after those, whatever else was stored meanwhile;
a write-back also skips any event already stored in exactly that form, so a retry
after an unacknowledged commit writes nothing twice.

Not every database error is an outage. One that waiting cannot fix (a constraint,
a bad value) parks that conversation on disk (`bot/store/parked.py`, logged as an
error, written back with `concordia events replay`) and the others carry on.
Memory is bounded: past `CONCORDIA_MAX_KEPT_EVENTS` kept events, a conversation is
parked on disk instead and written back from there when the database answers.

The processor gets **the recent part of a conversation** (components/tracker_window.py:
the state, and the last `CONCORDIA_TRACKER_TURNS` user turns), so a message costs the
same at turn 150 as at turn 10. After writing a turn, the store keeps that window in
memory with the id of the last event it wrote; the next read of the conversation asks
the database only for events after that id (another server's, in a cluster) and
applies them. A conversation not kept (new to this server, evicted, or whose write
was not all its own) is read whole once. `retrieve_full_tracker` still reads
everything.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
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
from sqlalchemy.orm import sessionmaker

from bot.settings import Settings
from bot.store import parked
from bot.store.db import get_engine, sqlite_file
from bot.store.faults import describe, failure_kind
from components.tracker_window import window

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 30.0
KNOWN_CONVERSATIONS = 10000  # how many conversations' stored counts are remembered
RECENT_CONVERSATIONS = 2000  # how many conversations' windows are kept between turns
KEPT_REPLY = (
    "I can't reach my records right now, so I could not take that in. Your message is "
    "kept and will be saved: please send it again in a minute, and we will carry on "
    "where we were."
)


class TrackerStoreUnavailable(RasaException):
    """The conversation cannot be read: the database is unreachable and nothing is kept."""


class DurableSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` that keeps unwritten conversations in memory until it can write."""

    def __init__(
        self,
        *args: Any,
        parked_dir: str | Path | None = None,
        max_kept_events: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        settings = Settings.from_env()
        self._url = str(self.engine.url)
        if self.engine.dialect.name == "sqlite" and sqlite_file(self.engine.url.database):
            # Rasa's engine opens a new SQLite connection for every session (SQLAlchemy
            # 1.4's NullPool): two a message, each with its pragmas and schema read.
            # The product's engine for the same file keeps a pool (bot/store/db.py).
            self.engine = get_engine(self._url)
            self.sessionmaker = sessionmaker(bind=self.engine)
        self.parked_dir = Path(parked_dir or settings.parked_dir or "var/parked")
        self.max_kept_events = int(max_kept_events or settings.max_kept_events)
        self.pending: dict[str, DialogueStateTracker] = {}
        self.unprocessed: dict[str, list[Event]] = {}
        # Parked for memory's sake, per conversation, oldest first: written back by the store
        # before anything newer of the same conversation.
        self.spilled: dict[str, list[Path]] = {}
        self._known: OrderedDict[str, int] = OrderedDict()
        self.tracker_turns = settings.tracker_turns
        # After this server wrote a turn: the id of the last event stored and the window.
        # The id and number of the events stored up to it let a read tell that nothing
        # was removed (retention) or committed late below that id (PostgreSQL).
        self._recent: OrderedDict[str, tuple[int, int, DialogueStateTracker]] = OrderedDict()
        self._read_upto: OrderedDict[str, int] = OrderedDict()  # last event id a turn read
        self._outage_since: float | None = None
        self._retry: asyncio.Task | None = None

    # -- Rasa's interface ---------------------------------------------------------------
    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        kept = self.pending.get(sender_id)
        if kept is not None:
            return kept.copy()
        try:
            self._write_kept_or_park(sender_id)
            tracker = (
                self._read_recent(sender_id)
                if self.tracker_turns
                else await super().retrieve(sender_id)
            )
        except SQLAlchemyError as exc:
            if failure_kind(exc) is None:
                raise
            self._outage(exc)
            raise TrackerStoreUnavailable(describe(exc, self._url)) from exc
        self._remember(sender_id, len(tracker.events) if tracker else 0)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        added = self._added(tracker)  # before stream_events, which reads (and remembers)
        # A conversation kept in memory may have been written by a commit whose answer
        # was lost (it looked like an outage): write only what is not stored yet.
        written_before = sender_id in self.pending
        read_upto = self._read_upto.pop(sender_id, None)
        try:
            self._write_kept_or_park(sender_id)
            if self.event_broker is not None:
                # Rasa's `stream_events` re-reads the conversation to find what is new:
                # this store knows, and its reads are windows.
                await self._stream_new_events(self.event_broker, added, sender_id)
            written = self._append(sender_id, added, skip_stored=written_before, after=read_upto)
        except (SQLAlchemyError, TrackerStoreUnavailable) as exc:
            if isinstance(exc, SQLAlchemyError) and failure_kind(exc) is None:
                self._park(sender_id, added, exc)  # kept on disk, then raised
                raise
            self._outage(exc)
            self._keep(tracker)
            self._schedule_retry()
        else:
            self.pending.pop(sender_id, None)
            self._remember(sender_id, len(tracker.events))
            if written is not None and self.tracker_turns:
                self._keep_recent(sender_id, written, tracker)

    # -- the recent part of a conversation ----------------------------------------------
    def _read_recent(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation's window: from what this server kept after its last write
        plus any event stored since, or else read whole (the latest session) once.
        Taken out of `_recent` (put back after the turn is written), so a turn that
        fails leaves nothing behind that the database does not hold."""
        kept = self._recent.pop(sender_id, None)
        with self.session_scope() as session:
            mine = self.SQLEvent.sender_id == sender_id
            if kept is not None:
                stored = session.query(self.SQLEvent.id).filter(mine, self.SQLEvent.id <= kept[0])
                if stored.count() != kept[1]:
                    kept = None  # removed or written meanwhile below the id: read it whole
            if kept is not None:
                # Popped, so no one else holds it: the turn may change it in place.
                last, tracker = kept[0], kept[2]
                query = session.query(self.SQLEvent.id, self.SQLEvent.data).filter(
                    mine, self.SQLEvent.id > last
                )
            else:
                tracker, last = None, 0
                query = self._event_query(session, sender_id, False).with_entities(
                    self.SQLEvent.id, self.SQLEvent.data
                )
            rows = query.order_by(self.SQLEvent.id).all()
        if tracker is None:
            if not rows or self.domain is None:
                self._read(sender_id, 0)  # a new conversation: all it stores is its own
                return None
            events = [json.loads(data) for _, data in rows]
            tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        else:
            for _, data in rows:
                tracker.update(Event.from_parameters(json.loads(data)))
        self._read(sender_id, rows[-1][0] if rows else last)
        return window(tracker, self.tracker_turns)

    def _read(self, sender_id: str, upto: int) -> None:
        """Remember the last event id a turn read, for its write (a read no write
        follows, e.g. a prediction over the API, is forgotten with the oldest)."""
        self._read_upto[sender_id] = upto
        self._read_upto.move_to_end(sender_id)
        while len(self._read_upto) > KNOWN_CONVERSATIONS:
            self._read_upto.popitem(last=False)

    def _keep_recent(
        self, sender_id: str, written: tuple[int, int], tracker: DialogueStateTracker
    ) -> None:
        recent = window(tracker, self.tracker_turns)
        # The processor's own tracker (a short conversation) is copied: it may go on.
        self._recent[sender_id] = (*written, recent.copy() if recent is tracker else recent)
        self._recent.move_to_end(sender_id)
        while len(self._recent) > RECENT_CONVERSATIONS:
            self._recent.popitem(last=False)

    # -- writing by what this server added ------------------------------------------------
    def _remember(self, sender_id: str, stored: int) -> None:
        self._known[sender_id] = stored
        self._known.move_to_end(sender_id)
        while len(self._known) > KNOWN_CONVERSATIONS:
            oldest = next(iter(self._known))
            if oldest in self.pending:  # never forget what a kept conversation builds on
                self._known.move_to_end(oldest)
                break
            self._known.popitem(last=False)

    def _added(self, tracker: DialogueStateTracker) -> list[Event]:
        """The events this server added since it read the conversation (all of them for a
        conversation it never read, which are then written only if not stored yet)."""
        return list(tracker.events)[self._known.get(tracker.sender_id, 0) :]

    def _append(
        self,
        sender_id: str,
        events: Sequence[Event],
        skip_stored: bool,
        after: int | None = None,
    ) -> tuple[int, int] | None:
        """Append events to the conversation in one transaction; with `skip_stored`, those
        stored already in exactly this form are left out.

        With `after` (the last event id the turn read): the id of the last event stored
        and the number stored up to it, when every event stored after `after` is one of
        these, so the window kept from this turn is the whole truth; otherwise None."""
        rows = [parked.row(sender_id, event.as_dict()) for event in events]
        with self.session_scope() as session:
            if skip_stored or sender_id not in self._known:
                stored = {
                    data
                    for (data,) in session.query(self.SQLEvent.data).filter(
                        self.SQLEvent.sender_id == sender_id
                    )
                }
                rows = [r for r in rows if r["data"] not in stored]
            if rows:  # one statement for them all (the ORM inserted them one by one)
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
            written: tuple[int, int] | None = None
            if after is not None and not skip_stored:
                event = self.SQLEvent
                count, last, newer = (
                    session.query(
                        sa.func.count(event.id),
                        sa.func.max(event.id),
                        sa.func.coalesce(sa.func.sum(sa.case((event.id > after, 1), else_=0)), 0),
                    )
                    .filter(event.sender_id == sender_id)
                    .one()
                )
                if newer == len(rows):  # nobody else wrote after the read: `last` is ours
                    written = (last if rows else after, count)
            session.commit()
        return written

    # -- kept in memory, within a bound ---------------------------------------------------
    def _kept_events(self) -> int:
        pending = sum(len(self._added(t)) for t in self.pending.values())
        return pending + sum(len(e) for e in self.unprocessed.values())

    def _keep(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        added = len(self._added(tracker))
        already = len(self._added(self.pending[sender_id])) if sender_id in self.pending else 0
        if self._kept_events() - already + added > self.max_kept_events:
            self.pending.pop(sender_id, None)
            self._spill(sender_id, self._added(tracker))
            return
        self.pending[sender_id] = tracker.copy()
        logger.warning(
            "Kept conversation %s in memory (%d events); %s",
            sender_id,
            len(tracker.events),
            self._waiting(),
        )

    def _spill(self, sender_id: str, events: Sequence[Event]) -> None:
        path = parked.park(
            self.parked_dir,
            sender_id,
            [e.as_dict() for e in events],
            f"memory for the outage full ({self.max_kept_events} events)",
        )
        self.spilled.setdefault(sender_id, []).append(path)
        logger.error(
            "Memory for the outage is full (%d events, CONCORDIA_MAX_KEPT_EVENTS): parked "
            "%d event(s) of conversation %s in %s; they are written back from there",
            self.max_kept_events,
            len(events),
            sender_id,
            path,
        )

    def _park(self, sender_id: str, events: Sequence[Event], exc: BaseException) -> None:
        reason = describe(exc, self._url)
        path = parked.park(self.parked_dir, sender_id, [e.as_dict() for e in events], reason)
        logger.error(
            "The database refused conversation %s (%s): parked its %d unwritten event(s) in "
            "%s. Nothing is lost: fix the cause, then run `concordia events replay %s`.",
            sender_id,
            reason,
            len(events),
            path,
            path,
        )

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
        if self._kept_events() + len(events) > self.max_kept_events:
            self._spill(message.sender_id, events)
        else:
            self.unprocessed.setdefault(message.sender_id, []).extend(events)
            logger.warning(
                "Kept an unprocessed message of conversation %s in memory; %s",
                message.sender_id,
                self._waiting(),
            )
        self._schedule_retry()

    def _write_kept(self, sender_id: str) -> None:
        """Write what is kept of a conversation outside `pending`, oldest first: what was
        parked on disk for memory's sake, then the unprocessed messages."""
        for path in list(self.spilled.get(sender_id, ())):
            self._replay_spilled(sender_id, path)
        if self.unprocessed.get(sender_id):
            self._append(sender_id, self.unprocessed[sender_id], skip_stored=True)
            self.unprocessed.pop(sender_id, None)

    def _write_kept_or_park(self, sender_id: str) -> None:
        """`_write_kept`, where a refusal that is no outage parks what was kept (so one bad
        batch cannot block the conversation for ever); an outage is raised."""
        if self.unprocessed.get(sender_id) or self.spilled.get(sender_id):
            self._write_or_park(sender_id, self.unprocessed.get(sender_id, []), self._write_kept)

    def _replay_spilled(self, sender_id: str, path: Path) -> None:
        def forget() -> None:
            paths = self.spilled.get(sender_id, [])
            if path in paths:
                paths.remove(path)
            if not paths:
                self.spilled.pop(sender_id, None)

        taken = parked.claim(path)
        if taken is None:  # replayed meanwhile by `concordia events replay`
            forget()
            return
        try:
            parked.replay(self._url_for_replay(), parked.read(taken))
        except SQLAlchemyError as exc:
            parked.release(taken)
            if failure_kind(exc) is not None:
                raise  # an outage: tried again later
            forget()
            logger.error(
                "The database refused the events parked in %s (%s): run `concordia events "
                "replay %s` once the cause is fixed",
                path,
                describe(exc, self._url),
                path,
            )
            return
        except (OSError, ValueError, KeyError) as exc:
            parked.release(taken)
            forget()
            logger.error("Cannot read the events parked in %s (%s); left on disk", path, exc)
            return
        taken.unlink()
        forget()

    # -- the outage, and the way back -------------------------------------------------
    def _waiting(self) -> str:
        messages = sum(1 for e in self._all_unprocessed() if isinstance(e, UserUttered))
        files = sum(len(paths) for paths in self.spilled.values())
        spilled = f" and {files} file(s) parked on disk" if files else ""
        return (
            f"{len(self.pending)} conversation(s) and {messages} unprocessed message(s) "
            f"waiting to be written{spilled}"
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
        while self.pending or self.unprocessed or self.spilled:
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
            except Exception:  # a bug must not end the retrying, and with it the writing
                delay = min(delay * 2, MAX_RETRY_SECONDS)
                logger.exception("Writing back failed unexpectedly; next try in %.1f s", delay)
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
        """Write everything kept; (conversations, unprocessed messages) written. An outage
        (raised) stops the round; a conversation the database refuses is parked."""
        conversations = messages = 0
        for sender_id in list(dict.fromkeys([*self.spilled, *self.unprocessed])):
            events = self.unprocessed.get(sender_id, [])
            count = sum(isinstance(e, UserUttered) for e in events)
            spilled = bool(self.spilled.get(sender_id))
            if self._write_or_park(sender_id, events, self._write_kept):
                messages += count
                conversations += int(spilled)
        for sender_id, tracker in list(self.pending.items()):
            if self._write_or_park(sender_id, self._added(tracker), self._write_pending_now):
                conversations += 1
        return conversations, messages

    def _write_or_park(self, sender_id: str, events: Sequence[Event], write: Any) -> bool:
        try:
            write(sender_id)
        except SQLAlchemyError as exc:
            if failure_kind(exc) is not None:
                raise  # an outage: the retry loop waits and tries again
            self._park(sender_id, events, exc)
            self._drop(sender_id)
            return False
        except Exception as exc:
            self._park(sender_id, events, exc)
            self._drop(sender_id)
            return False
        return True

    def _write_pending_now(self, sender_id: str) -> None:
        self._write_kept(sender_id)
        tracker = self.pending[sender_id]
        self._append(sender_id, self._added(tracker), skip_stored=True)
        # A turn that took the kept copy meanwhile writes only what it adds after it.
        self._remember(sender_id, len(tracker.events))
        if self.pending.get(sender_id) is tracker:
            del self.pending[sender_id]

    def _drop(self, sender_id: str) -> None:
        self.pending.pop(sender_id, None)
        self.unprocessed.pop(sender_id, None)

    def _url_for_replay(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)


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
