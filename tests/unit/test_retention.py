"""`concordia sessions purge`: whole, inactive conversations go; live ones stay whole.

Runs on SQLite and PostgreSQL, with Rasa's own `events` table definition.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta, timezone

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import func, insert, inspect, select

from bot import cli
from bot.store import retention
from bot.store.db import get_engine, session_scope
from bot.store.models import (
    Base,
    CommonGround,
    MediationSession,
    Party,
    SessionMeasure,
    SessionNote,
    SessionTag,
    Statement,
    TrainingMove,
    TrainingScore,
)
from bot.store.retention import (
    RetentionError,
    parse_duration,
    purge_conversations,
    session_children,
)
from bot.store.transcript import events

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
NINETY_DAYS = timedelta(days=90)


def ago(days: float, now: datetime = NOW) -> datetime:
    """A naive UTC datetime, as the models store them."""
    return (now - timedelta(days=days)).replace(tzinfo=None)


def create_events_table(url: str) -> None:
    """Rasa's `events` table exactly as its SQLTrackerStore creates it on first start."""
    SQLTrackerStore.SQLEvent.__table__.create(get_engine(url))


def add_events(url: str, sender: str, *days_ago: float, now: datetime = NOW) -> None:
    with get_engine(url).begin() as connection:
        connection.execute(
            insert(events),
            [
                {
                    "sender_id": sender,
                    "type_name": "user",
                    "timestamp": (now - timedelta(days=d)).timestamp(),
                    "intent_name": "inform",
                    "data": json.dumps({"text": f"message {d} days ago"}),
                }
                for d in days_ago
            ],
        )


def add_session(
    url: str,
    sender: str,
    started: float,
    updated: float | None = None,
    ended: float | None = None,
    now: datetime = NOW,
) -> str:
    """A session with at least one row in every table that hangs off a session."""
    session_id = f"cn-{sender[:20]}-{started}"
    with session_scope(url) as db:
        db.add(
            MediationSession(
                id=session_id,
                sender_id=sender,
                started_at=ago(started, now),
                updated_at=ago(started if updated is None else updated, now),
                ended_at=None if ended is None else ago(ended, now),
                debrief_token=f"token-{session_id}",
            )
        )
        db.flush()
        party = Party(session_id=session_id, name="Riverland", position=0)
        db.add_all([party, Party(session_id=session_id, name="Dryland", position=1)])
        db.flush()
        db.add_all(
            [
                Statement(
                    session_id=session_id,
                    party_id=party.id,
                    message_id=f"m{i}",
                    kind="interest",
                    text="farmers need water",
                )
                for i in range(2)
            ]
        )
        db.add(CommonGround(session_id=session_id, text="both need water", source="assistant"))
        db.add(
            SessionMeasure(
                session_id=session_id,
                measure_id="m1",
                title="Joint commission",
                source="catalogue",
                rank=1,
            )
        )
        db.add(
            TrainingMove(
                session_id=session_id,
                message_id="q1",
                kind="question",
                quality="open",
                text="What matters to you?",
            )
        )
        db.add(TrainingScore(session_id=session_id, skill="questions", position=0, score=0.5))
        db.add(SessionNote(session_id=session_id, author="trainer1", text="Good reframe."))
        db.add(SessionTag(session_id=session_id, tag="good-reframe"))
    return session_id


def child_rows(url: str, session_ids: list[str]) -> dict[str, int]:
    with get_engine(url).connect() as connection:
        return {
            table.name: connection.execute(
                select(func.count()).select_from(table).where(column.in_(session_ids))
            ).scalar_one()
            for table, column in session_children()
        }


def event_senders(url: str) -> dict[str, int]:
    with get_engine(url).connect() as connection:
        return dict(
            connection.execute(
                select(events.c.sender_id, func.count()).group_by(events.c.sender_id)
            ).all()
        )


def session_ids(url: str) -> set[str]:
    with get_engine(url).connect() as connection:
        return set(connection.execute(select(MediationSession.id)).scalars())


@pytest.fixture
def conversations(database_url) -> dict[str, list[str]]:
    """Old and live conversations, with sessions, events or both (90 days = the limit)."""
    url = database_url
    create_events_table(url)
    sessions: dict[str, list[str]] = {}
    # Gone: finished long ago.
    sessions["old-done"] = [add_session(url, "old-done", 200, updated=190, ended=190)]
    add_events(url, "old-done", 200, 199, 195, 190)
    # Kept: an old first session, but the user wrote again 5 days ago.
    sessions["old-resumed"] = [add_session(url, "old-resumed", 200, updated=199)]
    add_events(url, "old-resumed", 200, 199, 5)
    # Kept: an old first session and a newer second one; the latest activity counts.
    sessions["two-sessions"] = [
        add_session(url, "two-sessions", 300, updated=290),
        add_session(url, "two-sessions", 30, updated=29),
    ]
    add_events(url, "two-sessions", 300, 30)
    # Kept: old messages, but the session was updated (e.g. reviewed) 3 days ago.
    sessions["recently-updated"] = [add_session(url, "recently-updated", 150, updated=3)]
    add_events(url, "recently-updated", 150)
    # Gone: events only (no session was ever started), last one 100 days ago.
    add_events(url, "events-only-old", 110, 100)
    sessions["events-only-old"] = []
    # Kept: events only, recent.
    add_events(url, "events-only-recent", 1)
    sessions["events-only-recent"] = []
    # Gone: a session whose conversation has no events left.
    sessions["session-only-old"] = [add_session(url, "session-only-old", 120)]
    # Kept: a live conversation.
    sessions["live"] = [add_session(url, "live", 2)]
    add_events(url, "live", 2, 1)
    return sessions


OLD = ("old-done", "events-only-old", "session-only-old")


def test_dry_run_counts_and_deletes_nothing(database_url, conversations):
    before_events, before_sessions = event_senders(database_url), session_ids(database_url)
    result = purge_conversations(database_url, NINETY_DAYS, now=NOW, batch_size=2)
    assert not result.deleted and result.events_table
    assert result.conversations == 3
    assert result.sessions == 2  # old-done and session-only-old
    assert result.events == 4 + 2  # old-done and events-only-old
    assert result.oldest_activity == ago(190)  # old-done's last update and event
    assert result.newest_activity == ago(100)  # events-only-old's last message
    assert result.cutoff == ago(90)
    # Two old sessions, each with one row per child table (two parties, two statements).
    assert result.records == {
        name: (4 if name in ("parties", "statements") else 2)
        for name in child_rows(database_url, [])
    }
    assert event_senders(database_url) == before_events
    assert session_ids(database_url) == before_sessions


def test_purge_deletes_exactly_the_old_conversations(database_url, conversations):
    url = database_url
    kept_sessions = [
        sid for sender, ids in conversations.items() if sender not in OLD for sid in ids
    ]
    old_sessions = [sid for sender in OLD for sid in conversations[sender]]
    kept_children = child_rows(url, kept_sessions)
    assert all(child_rows(url, old_sessions).values())  # every child table is exercised
    kept_events = {s: n for s, n in event_senders(url).items() if s not in OLD}

    dry = purge_conversations(url, NINETY_DAYS, now=NOW)
    done = purge_conversations(url, NINETY_DAYS, delete_rows=True, now=NOW, batch_size=2)
    assert done.deleted
    assert dataclasses.replace(done, deleted=False) == dry  # deleted what the dry run said

    assert event_senders(url) == kept_events
    assert session_ids(url) == set(kept_sessions)
    assert set(child_rows(url, old_sessions).values()) == {0}
    assert child_rows(url, kept_sessions) == kept_children
    again = purge_conversations(url, NINETY_DAYS, delete_rows=True, now=NOW)
    assert again.conversations == again.sessions == again.events == again.related_records == 0


def test_a_failure_midway_deletes_nothing(database_url, conversations, monkeypatch):
    real_delete, calls = retention._delete, []

    def failing_delete(connection, batch, has_events):
        calls.append(batch)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_delete(connection, batch, has_events)

    monkeypatch.setattr(retention, "_delete", failing_delete)
    before_events, before_sessions = event_senders(database_url), session_ids(database_url)
    with pytest.raises(RuntimeError, match="disk full"):
        purge_conversations(database_url, NINETY_DAYS, delete_rows=True, now=NOW, batch_size=1)
    assert len(calls) == 2  # the first batch had been deleted, then rolled back
    assert event_senders(database_url) == before_events
    assert session_ids(database_url) == before_sessions


def test_a_message_arriving_during_the_purge_keeps_its_conversation(
    database_url, conversations, monkeypatch
):
    real_find = retention._find

    def find_then_a_message_arrives(connection, *args):
        found = real_find(connection, *args)
        add_events(database_url, "old-done", 0)  # committed by another connection (Rasa)
        return found

    monkeypatch.setattr(retention, "_find", find_then_a_message_arrives)
    done = purge_conversations(database_url, NINETY_DAYS, delete_rows=True, now=NOW)
    assert (done.conversations, done.sessions, done.events) == (2, 1, 2)
    assert event_senders(database_url)["old-done"] == 5  # whole, with the new message
    assert set(conversations["old-done"]) <= session_ids(database_url)


def test_without_rasas_events_table(database_url):
    old = add_session(database_url, "no-events-old", 100)
    live = add_session(database_url, "no-events-live", 10)
    dry = purge_conversations(database_url, NINETY_DAYS, now=NOW)
    assert not dry.events_table
    assert (dry.conversations, dry.sessions, dry.events) == (1, 1, 0)
    done = purge_conversations(database_url, NINETY_DAYS, delete_rows=True, now=NOW)
    assert (done.conversations, done.sessions, done.events) == (1, 1, 0)
    assert session_ids(database_url) == {live}
    assert set(child_rows(database_url, [old]).values()) == {0}
    assert not inspect(get_engine(database_url)).has_table("events")  # still Rasa's to create


def test_every_table_that_depends_on_a_session_is_purged():
    """A table added later that hangs off a session (even through a child) is covered."""
    direct = {table.name for table, _ in session_children()}
    dependent = {"mediation_sessions"}
    for table in Base.metadata.sorted_tables:
        if any(fk.column.table.name in dependent for fk in table.foreign_keys):
            dependent.add(table.name)
    assert dependent - {"mediation_sessions"} == direct
    order = [table.name for table, _ in session_children()]
    assert order.index("statements") < order.index("parties")  # children first


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90d", timedelta(days=90)),
        ("12h", timedelta(hours=12)),
        ("2w", timedelta(weeks=2)),
        (" 90D ", timedelta(days=90)),
    ],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["0d", "0h", "-5d", "90", "d", "1.5d", "90 days", "3m", "", "99999999999w"]
)
def test_bad_durations_name_the_flag_and_an_example(text):
    with pytest.raises(RetentionError, match=r"--older-than .*90d"):
        parse_duration(text)


def test_cli_dry_run_then_yes(database_url, monkeypatch, capsys):
    now = datetime.now(timezone.utc)
    create_events_table(database_url)
    old = add_session(database_url, "cli-old", 200, updated=150, now=now)
    add_events(database_url, "cli-old", 200, 150, now=now)
    add_events(database_url, "cli-events-only", 120, now=now)
    live = add_session(database_url, "cli-live", 200, now=now)
    add_events(database_url, "cli-live", 200, 1, now=now)
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert cli.main(["sessions", "purge", "--older-than", "90d"]) == 0
    out = capsys.readouterr().out
    assert "Dry run: nothing was deleted." in out
    assert "Would delete 2 conversation(s)" in out
    assert "1 session(s) with 10 related record(s)" in out
    assert "3 tracker event(s)" in out
    assert f"oldest {ago(150, now):%Y-%m-%d}" in out and f"newest {ago(120, now):%Y-%m-%d}" in out
    assert "concordia sessions purge --older-than 90d --yes" in out
    assert session_ids(database_url) == {old, live}

    assert cli.main(["sessions", "purge", "--older-than", "90d", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Deleted 2 conversation(s)" in out and "3 tracker event(s)" in out
    assert session_ids(database_url) == {live}
    assert set(event_senders(database_url)) == {"cli-live"}

    assert cli.main(["sessions", "purge", "--older-than", "90d"]) == 0
    assert "nothing to delete" in capsys.readouterr().out


def test_cli_bad_duration_is_a_usage_error(sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert cli.main(["sessions", "purge", "--older-than", "0d"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("concordia: --older-than must be a positive")
    assert "e.g. --older-than 90d" in err
