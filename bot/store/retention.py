"""Data retention: deleting whole conversations that nobody has touched for a while.

A conversation is one Rasa sender_id. Its data lives in the one database twice over:
Rasa's `events` table (the raw transcript) and the structured record
(`mediation_sessions` and every table that references it). A conversation is purged
only as a whole, and only when its *last* activity is older than the cutoff, so one
that is still going on is never cut in half.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import Column, Table, and_, delete, func, inspect, or_, select, union
from sqlalchemy.engine import Connection

from bot.store.db import get_engine
from bot.store.models import Base, MediationSession
from bot.store.transcript import events

# Sender ids per statement: well below SQLite's bound-parameter limit, and a
# transaction's work stays in short statements on PostgreSQL.
BATCH_SIZE = 500
_UNIT_HOURS = {"h": 1, "d": 24, "w": 24 * 7}
_DURATION = re.compile(r"(\d+)([hdw])", re.IGNORECASE)
_MAX_HOURS = 100 * 366 * 24  # a typo, not a policy; much more overflows datetime

sessions_table: Table = MediationSession.__table__


class RetentionError(ValueError):
    """A retention setting is malformed; the message names it and gives an example."""


def parse_duration(text: str, flag: str = "--older-than") -> timedelta:
    """`90d`, `12h` or `2w` as a timedelta; anything else (0 included) is refused, because
    a wrong guess here deletes data."""
    match = _DURATION.fullmatch((text or "").strip())
    if match is None or int(match.group(1)) == 0:
        raise RetentionError(
            f"{flag} must be a positive number of hours, days or weeks, "
            f"e.g. {flag} 90d (or 12h, 2w); not {text!r}"
        )
    hours = int(match.group(1)) * _UNIT_HOURS[match.group(2).lower()]
    if hours > _MAX_HOURS:
        raise RetentionError(f"{flag} {text} is more than 100 years; use e.g. {flag} 90d")
    return timedelta(hours=hours)


@dataclass(frozen=True)
class PurgeResult:
    """What a purge found (dry run) or deleted. Datetimes are naive UTC, like the models'."""

    cutoff: datetime  # conversations whose last activity is before this
    deleted: bool  # False: a dry run, nothing was changed
    conversations: int = 0
    sessions: int = 0
    events: int = 0
    # Rows of the tables that hang off a session (parties, statements, notes, ...).
    records: dict[str, int] = field(default_factory=dict)
    oldest_activity: datetime | None = None
    newest_activity: datetime | None = None
    events_table: bool = True  # False: Rasa has not created its `events` table yet

    @property
    def related_records(self) -> int:
        return sum(self.records.values())


def session_children() -> list[tuple[Table, Column]]:
    """Every table with a foreign key to a session, with that column, children before
    parents (statements before parties): found from the models, so a table added later
    is purged too, and deleted explicitly, so nothing depends on SQLite's foreign-key
    pragma for ON DELETE CASCADE."""
    children = []
    for table in reversed(Base.metadata.sorted_tables):
        for fk in table.foreign_keys:
            if fk.column.table is sessions_table:
                children.append((table, fk.parent))
    return children


def purge_conversations(
    database_url: str,
    older_than: timedelta,
    *,
    delete_rows: bool = False,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> PurgeResult:
    """Find (and with `delete_rows`, delete in one transaction) every conversation whose
    last activity (latest Rasa event, latest session start/update/end) is before
    `now - older_than`: all its events, sessions and the sessions' child rows."""
    if older_than <= timedelta(0):
        raise RetentionError("the retention period must be positive, e.g. --older-than 90d")
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    cutoff = now - older_than
    cutoff_ts = cutoff.timestamp()  # Rasa's event timestamps are unix seconds
    cutoff_dt = cutoff.astimezone(timezone.utc).replace(tzinfo=None)  # models: naive UTC

    engine = get_engine(database_url)
    # A dry run only reads; a purge is one transaction, committed only if all succeeds.
    with engine.begin() if delete_rows else engine.connect() as connection:
        tables = inspect(connection)
        if not tables.has_table(sessions_table.name):
            raise RetentionError(
                "the database has no session tables yet; run `concordia db upgrade` first"
            )
        has_events = tables.has_table(events.name)  # Rasa creates it on its first start
        found = _find(connection, cutoff_ts, cutoff_dt, has_events)
        if not delete_rows:
            records = _count_records(connection, list(found), batch_size)
            return _result(cutoff_dt, False, found, records, has_events)
        records = {table.name: 0 for table, _ in session_children()}
        purged: dict[str, _Conversation] = {}
        for batch in _batches(list(found), batch_size):
            # PostgreSQL shows each statement what was committed before it: a message
            # that arrived since `_find` keeps its conversation.
            keep = _recently_active(connection, batch, cutoff_ts, cutoff_dt, has_events)
            doomed = [sender for sender in batch if sender not in keep]
            if not doomed:
                continue
            for table, count in _delete(connection, doomed, has_events).items():
                records[table] = records.get(table, 0) + count
            purged.update((sender, found[sender]) for sender in doomed)
        return _result(cutoff_dt, True, purged, records, has_events)


@dataclass
class _Conversation:
    last_activity: datetime
    sessions: int = 0
    events: int = 0


def _find(
    connection: Connection, cutoff_ts: float, cutoff_dt: datetime, has_events: bool
) -> dict[str, _Conversation]:
    """Senders with events and/or sessions, none of them at or after the cutoff."""
    s = sessions_table
    per_sessions = (
        select(
            s.c.sender_id,
            func.count().label("n"),
            func.max(s.c.started_at).label("started"),
            func.max(s.c.updated_at).label("updated"),
            func.max(s.c.ended_at).label("ended"),
        )
        .group_by(s.c.sender_id)
        .subquery()
    )
    sessions_old = or_(
        per_sessions.c.sender_id.is_(None),
        and_(
            per_sessions.c.started < cutoff_dt,
            per_sessions.c.updated < cutoff_dt,
            or_(per_sessions.c.ended.is_(None), per_sessions.c.ended < cutoff_dt),
        ),
    )
    if not has_events:
        query = select(
            per_sessions.c.sender_id,
            per_sessions.c.n,
            per_sessions.c.started,
            per_sessions.c.updated,
            per_sessions.c.ended,
        ).where(sessions_old)
        return {
            sender: _Conversation(_latest(started, updated, ended), sessions=n)
            for sender, n, started, updated, ended in connection.execute(query)
        }
    per_events = (
        select(
            events.c.sender_id,
            func.count().label("n"),
            func.max(events.c.timestamp).label("last"),
        )
        .group_by(events.c.sender_id)
        .subquery()
    )
    senders = union(select(s.c.sender_id), select(events.c.sender_id)).subquery()
    query = (
        select(
            senders.c.sender_id,
            per_sessions.c.n,
            per_sessions.c.started,
            per_sessions.c.updated,
            per_sessions.c.ended,
            per_events.c.n,
            per_events.c.last,
        )
        .select_from(
            senders.outerjoin(
                per_sessions, per_sessions.c.sender_id == senders.c.sender_id
            ).outerjoin(per_events, per_events.c.sender_id == senders.c.sender_id)
        )
        # A NULL latest timestamp compares as unknown: such a conversation is kept.
        .where(sessions_old, or_(per_events.c.sender_id.is_(None), per_events.c.last < cutoff_ts))
    )
    found = {}
    for sender, n_sessions, started, updated, ended, n_events, last in connection.execute(query):
        if sender is None:
            continue
        last_event = (
            datetime.fromtimestamp(last, timezone.utc).replace(tzinfo=None)
            if last is not None
            else None
        )
        found[sender] = _Conversation(
            _latest(started, updated, ended, last_event),
            sessions=n_sessions or 0,
            events=n_events or 0,
        )
    return found


def _latest(*moments: datetime | None) -> datetime:
    return max(m for m in moments if m is not None)


def _recently_active(
    connection: Connection,
    batch: Sequence[str],
    cutoff_ts: float,
    cutoff_dt: datetime,
    has_events: bool,
) -> set[str]:
    s = sessions_table
    active = set(
        connection.execute(
            select(s.c.sender_id).where(
                s.c.sender_id.in_(batch),
                or_(
                    s.c.started_at >= cutoff_dt,
                    s.c.updated_at >= cutoff_dt,
                    s.c.ended_at >= cutoff_dt,
                ),
            )
        ).scalars()
    )
    if has_events:
        active.update(
            connection.execute(
                select(events.c.sender_id).where(
                    events.c.sender_id.in_(batch), events.c.timestamp >= cutoff_ts
                )
            ).scalars()
        )
    return active


def _sessions_of(batch: Sequence[str]):
    return select(sessions_table.c.id).where(sessions_table.c.sender_id.in_(batch))


def _count_records(connection: Connection, senders: list[str], batch_size: int) -> dict[str, int]:
    records = {table.name: 0 for table, _ in session_children()}
    for batch in _batches(senders, batch_size):
        for table, column in session_children():
            records[table.name] += connection.execute(
                select(func.count()).select_from(table).where(column.in_(_sessions_of(batch)))
            ).scalar_one()
    return records


def _delete(connection: Connection, batch: Sequence[str], has_events: bool) -> dict[str, int]:
    """Rows deleted per table: the sessions' children, the sessions, the events."""
    counts = {}
    for table, column in session_children():
        counts[table.name] = connection.execute(
            delete(table).where(column.in_(_sessions_of(batch)))
        ).rowcount
    counts[sessions_table.name] = connection.execute(
        delete(sessions_table).where(sessions_table.c.sender_id.in_(batch))
    ).rowcount
    if has_events:
        counts[events.name] = connection.execute(
            delete(events).where(events.c.sender_id.in_(batch))
        ).rowcount
    return counts


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _result(
    cutoff: datetime,
    deleted: bool,
    conversations: dict[str, _Conversation],
    records: dict[str, int],
    has_events: bool,
) -> PurgeResult:
    records = dict(records)
    if deleted:
        sessions = records.pop(sessions_table.name, 0)
        event_count = records.pop(events.name, 0)
    else:
        sessions = sum(c.sessions for c in conversations.values())
        event_count = sum(c.events for c in conversations.values())
    moments = [c.last_activity for c in conversations.values()]
    return PurgeResult(
        cutoff=cutoff,
        deleted=deleted,
        conversations=len(conversations),
        sessions=sessions,
        events=event_count,
        records=records,
        oldest_activity=min(moments, default=None),
        newest_activity=max(moments, default=None),
        events_table=has_events,
    )
