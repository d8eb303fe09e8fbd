"""Database faults (unreachable, read-only, full, refused) and an unreachable action
server, each against the real thing and without a server of the test's own: PostgreSQL
on a port where nothing listens, an SQLite file opened read-only or capped in size, an
action endpoint where nothing listens. The faults that need a proxy or a failing
action server are in tests/integration/test_outages.py."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    FollowupAction,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from bot.ops.preflight import check_sqlite_writable
from bot.settings import ConfigError
from bot.store.db import get_engine
from bot.store.faults import describe, failure_kind
from bot.store.migrate import upgrade
from bot.store.repository import SessionRepository
from components.action_unavailable import _Guarded
from components.tracker_store import DurableSQLTrackerStore
from tests.faults import DOMAIN, conversation, fail_in_a_row, user_texts


# -- what a failure means --------------------------------------------------------------
def test_each_database_failure_is_named_with_its_fix(tmp_path, postgres_url, closed_port):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    upgrade(url)
    read_only = f"sqlite:///file:{tmp_path / 'c.db'}?mode=ro&uri=true"
    with pytest.raises(OperationalError) as caught:
        SessionRepository(read_only).start_session("reader")
    assert failure_kind(caught.value) == "readonly"
    assert "read-only: give the server's user write access" in describe(caught.value, url)

    dead = f"postgresql://postgres:s3cret@127.0.0.1:{closed_port}/test?connect_timeout=2"
    with pytest.raises(OperationalError) as caught:
        create_engine(dead, future=True).connect()
    message = describe(caught.value, dead)
    assert failure_kind(caught.value) == "unreachable"
    assert "cannot reach the database" in message and "s3cret" not in message and "***" in message

    repository = SessionRepository(postgres_url)
    upgrade(postgres_url)
    sid = repository.start_session("dup")
    engine = create_engine(postgres_url, future=True)
    with pytest.raises(IntegrityError) as caught, engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO mediation_sessions (id, sender_id, mode, status, step, "
                "furthest_step) VALUES (:i, 'x', 'm', 'a', 's', 's')"
            ),
            {"i": sid},
        )
    engine.dispose()
    assert failure_kind(caught.value) is None  # a bug, not an outage: never retried


def test_a_database_without_the_schema_is_told_to_upgrade(tmp_path, postgres_url):
    """An empty database answers; the fix is a migration, not a reconnect."""
    for url in (f"sqlite:///{tmp_path / 'empty.db'}", postgres_url):
        with pytest.raises((OperationalError, ProgrammingError)) as caught:
            SessionRepository(url).get("cn-0000")
        message = describe(caught.value, url)
        assert "has no Concordia tables yet: run `concordia db upgrade`" in message
        assert "cannot reach" not in message


def test_a_full_disk_fails_clearly_and_corrupts_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'full.db'}"
    upgrade(url)
    repository = SessionRepository(url)
    kept = repository.start_session("before-the-disk-filled")
    engine = create_engine(url, future=True)

    @event.listens_for(engine, "connect")
    def cap(dbapi_connection, _record):  # SQLite's own "disk is full": a page limit
        dbapi_connection.execute("PRAGMA max_page_count = 1")

    with pytest.raises(OperationalError) as caught, engine.begin() as connection:
        connection.execute(text("CREATE TABLE filler (x TEXT)"))
        connection.execute(text("INSERT INTO filler VALUES (:x)"), {"x": "x" * 100_000})
    engine.dispose()
    assert failure_kind(caught.value) == "full"
    assert "is full: free some space" in describe(caught.value, url)
    fresh = create_engine(url, future=True)
    with fresh.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    fresh.dispose()
    assert repository.get(kept).sender_id == "before-the-disk-filled"


def test_start_up_refuses_a_read_only_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    upgrade(url)
    check_sqlite_writable(url)  # writable: no complaint, and no trace left
    with create_engine(url, future=True).connect() as connection:
        tables = connection.execute(text("SELECT name FROM sqlite_master")).scalars().all()
    assert "concordia_write_probe" not in tables
    with pytest.raises(ConfigError, match="read-only"):
        check_sqlite_writable(f"sqlite:///file:{tmp_path / 'c.db'}?mode=ro&uri=true")


# -- the tracker store through an outage -------------------------------------------------


def test_messages_kept_during_an_outage_leave_the_conversation_where_it_was(tmp_path):
    """Two messages kept while the database was away, written back: both in the log, and
    the form and its step exactly as before (each revert must undo its message only)."""

    async def scenario() -> None:
        store = DurableSQLTrackerStore(domain=DOMAIN, host=f"sqlite:///{tmp_path / 'r.db'}")
        tracker = conversation("gina", "Ost and West")
        for event_ in (
            ActionExecuted("interests_form"),
            ActiveLoop("interests_form"),
            SlotSet("step", "interests"),
            ActionExecuted("action_listen"),
        ):
            tracker.update(event_)
        await store.save(tracker)
        for said in ("Ost needs pasture", "and roads"):
            message = UserMessage(said, CollectingOutputChannel(), "gina")
            store.keep_unprocessed(message, {"text": "kept"})
        assert await store.write_back() == (0, 2)
        back = await store.retrieve("gina")
        assert back.active_loop_name == "interests_form" and back.get_slot("step") == "interests"
        said = [e.text for e in back.events if isinstance(e, UserUttered)]
        assert said[-2:] == ["Ost needs pasture", "and roads"]
        assert store._retry is not None
        store._retry.cancel()
        store.engine.dispose()

    asyncio.run(scenario())


def test_the_tracker_store_reuses_its_sqlite_connections(tmp_path):
    """Rasa's own engine opened a new SQLite connection for every read and write; the
    store takes the product's pooled engine for the file (bot/store/db.py)."""
    url = f"sqlite:///{tmp_path / 'r.db'}"
    store = DurableSQLTrackerStore(domain=DOMAIN, host=url)
    assert store.engine is get_engine(url)
    opened: list[object] = []
    event.listen(store.engine, "connect", lambda connection, _: opened.append(1))

    async def turns() -> None:
        tracker = conversation("hana", "Ost and West")
        for _ in range(5):
            await store.save(tracker)
            tracker = await store.retrieve("hana")
            tracker.update(ActionExecuted("action_listen"))

    asyncio.run(turns())
    assert store.sessionmaker.kw["bind"] is store.engine
    assert len(opened) == 1  # the pool's one, reused by all ten reads and writes
    store.engine.dispose()


def test_tracker_store_on_a_read_only_file_keeps_the_conversation_and_says_why(tmp_path, caplog):
    url = f"sqlite:///{tmp_path / 'rasa.db'}"

    async def scenario() -> None:
        DurableSQLTrackerStore(domain=DOMAIN, host=url).engine.dispose()  # creates the table
        store = DurableSQLTrackerStore(
            domain=DOMAIN, host=f"sqlite:///file:{tmp_path / 'rasa.db'}?mode=ro&uri=true"
        )
        await store.save(conversation("carol", "we need schools"))
        assert "carol" in store.pending
        assert (await store.retrieve("carol")).latest_message.text == "we need schools"
        store._retry.cancel()
        store.engine.dispose()

    asyncio.run(scenario())
    assert "the database file is read-only" in caplog.text
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()


# -- an action server that cannot run the action -----------------------------------------


def test_an_unreachable_action_server_ends_the_turn_with_the_domains_reply(closed_port):
    tracker = conversation("dave", "we need water")
    tracker.update(UserUttered("and grazing", {"name": "state_interest", "confidence": 0.9}))
    endpoint = EndpointConfig(f"http://127.0.0.1:{closed_port}/webhook")
    action = _Guarded(RemoteAction("action_record_interest", endpoint))
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)

    events = asyncio.run(action.run(CollectingOutputChannel(), nlg, tracker, DOMAIN))

    assert events[0] == ActionExecutionRejected("action_record_interest")  # not "executed"
    assert isinstance(events[1], UserUtteranceReverted)
    assert "part of the assistant is unavailable" in events[2].text
    assert events[3] == FollowupAction("action_listen")
    assert action.name() == "action_record_interest"  # the processor still sees the action
    for e in events:
        tracker.update(e)
    assert tracker.latest_message.text == "we need water"  # the failed message is undone
    assert "and grazing" in [e.text for e in tracker.events if isinstance(e, UserUttered)]


def test_a_form_whose_validation_fails_keeps_its_place(monkeypatch, closed_port):
    """The real failure seen: a form logged twice makes Rasa fold the turn away, and the
    revert then wiped the whole state. Logged as Rasa's processor logs it, it must not."""
    tracker = DialogueStateTracker("frank", DOMAIN.slots)
    for event_ in (
        ActionExecuted("action_listen"),
        UserUttered("Ost and West", {"name": "inform", "confidence": 0.9}),
        ActionExecuted("interests_form"),
        ActiveLoop("interests_form"),
        SlotSet("requested_slot", "interest_statement"),
        SlotSet("step", "interests"),
        ActionExecuted("action_listen"),
        UserUttered("Ost needs pasture", {"name": "state_interest", "confidence": 0.9}),
        SlotSet("interest_statement", "Ost needs pasture"),
    ):
        tracker.update(event_)
    form = FormAction("interests_form", EndpointConfig(f"http://127.0.0.1:{closed_port}/webhook"))
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    events = asyncio.run(_Guarded(form).run(CollectingOutputChannel(), nlg, tracker, DOMAIN))
    processor = SimpleNamespace(domain=DOMAIN)
    prediction = PolicyPrediction.for_action_name(DOMAIN, "interests_form")
    MessageProcessor._log_action_on_tracker(processor, tracker, _Guarded(form), events, prediction)

    assert tracker.active_loop_name == "interests_form"
    assert tracker.get_slot("step") == "interests"
    assert tracker.get_slot("interest_statement") is None  # the failed turn is undone
    assert tracker.followup_action == "action_listen"
    stored = [e.as_dict() for e in tracker.events]
    reloaded = DialogueStateTracker.from_dict("frank", stored, DOMAIN.slots)
    assert reloaded.active_loop_name == "interests_form"  # as the next message will see it


def test_an_unreachable_action_server_is_never_called_broken(caplog, closed_port):
    turns = fail_in_a_row(f"http://127.0.0.1:{closed_port}/webhook", 4, caplog)
    replies = [next(e for e in events if isinstance(e, BotUttered)) for events in turns]
    assert all("part of the assistant is unavailable" in r.text for r in replies)
    assert "in a row" not in caplog.text


# -- write-back: two servers, errors that are no outage, bounded memory ------------------


def test_a_conversation_the_database_refuses_is_parked_and_the_others_are_written(
    tmp_path, caplog, monkeypatch, concordia
):
    """An IntegrityError is no outage: retried for ever, it stalled every conversation
    behind it. It is parked on disk (logged as an error) and the rest carry on."""
    url = f"sqlite:///{tmp_path / 'rasa.db'}"
    parked_dir = tmp_path / "parked"

    async def scenario() -> None:
        store = DurableSQLTrackerStore(domain=DOMAIN, host=url, parked_dir=parked_dir)
        for sender in ("good", "bad"):
            await store.save(conversation(sender, "first"))
        engine = create_engine(url, future=True)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_bad BEFORE INSERT ON events "
                    "WHEN NEW.sender_id = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
        for sender in ("bad", "good"):
            kept = await store.retrieve(sender)
            kept.update(UserUttered("second", {"name": "state_interest", "confidence": 0.9}))
            store.pending[sender] = kept  # as an outage would have left them
        with caplog.at_level(logging.ERROR):
            assert await store.write_back() == (1, 0)  # the parked one is not "written"
        assert not store.pending
        assert user_texts(url, "good") == ["first", "second"]
        assert user_texts(url, "bad") == ["first"]
        files = sorted(parked_dir.glob("*.parked.json"))
        assert len(files) == 1 and "refused" in files[0].read_text()
        assert "The database refused conversation bad" in caplog.text
        assert "concordia events replay" in caplog.text
        with engine.begin() as connection:
            connection.execute(text("DROP TRIGGER refuse_bad"))
        engine.dispose()
        store.engine.dispose()
        # The operator replays it: written once, however often it is replayed.
        done = concordia("events", "replay", str(files[0]), DATABASE_URL=url)
        assert done.returncode == 0, done.stderr
        assert "wrote 1 of 1 event(s) of conversation bad" in done.stdout
        assert user_texts(url, "bad") == ["first", "second"] and not files[0].exists()

    asyncio.run(scenario())


def test_the_retry_task_survives_an_unexpected_error(tmp_path, caplog, monkeypatch):
    url = f"sqlite:///{tmp_path / 'rasa.db'}"

    async def scenario() -> None:
        store = DurableSQLTrackerStore(domain=DOMAIN, host=url, parked_dir=tmp_path)
        kept = conversation("hana", "first")
        store.pending["hana"] = kept
        real, calls = store.write_back, []

        async def flaky() -> tuple[int, int]:
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("a bug in writing back")
            return await real()

        monkeypatch.setattr(store, "write_back", flaky)
        monkeypatch.setattr("components.tracker_store.FIRST_RETRY_SECONDS", 0.05)
        store._schedule_retry()
        for _ in range(60):
            if not store.pending:
                break
            await asyncio.sleep(0.1)
        assert not store.pending and len(calls) == 2
        assert user_texts(url, "hana") == ["first"]
        store.engine.dispose()

    with caplog.at_level(logging.ERROR):
        asyncio.run(scenario())
    assert "Writing back failed unexpectedly" in caplog.text
    assert "a bug in writing back" in caplog.text


def _turns(*failures: int | None) -> DialogueStateTracker:
    """A conversation whose turns each failed with a status (0: unreachable) or went
    through (None); each failed turn starts with a bot message of its own."""
    from components.action_unavailable import FAILED_KEY

    tracker = conversation("ivan", "start")
    for n, failure in enumerate(failures):
        tracker.update(UserUttered(f"turn {n}", {"name": "inform", "confidence": 0.9}))
        tracker.update(BotUttered("a validator's remark"))
        if failure is not None:
            tracker.update(UserUtteranceReverted())
            tracker.update(BotUttered("sorry", metadata={FAILED_KEY: failure}))
        tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("now", {"name": "inform", "confidence": 0.9}))  # running
    return tracker


def test_failures_in_a_row_count_error_answers_of_earlier_turns_only():
    from rasa.shared.core.events import Restarted

    from components.action_unavailable import failures_in_a_row

    assert failures_in_a_row(_turns()) == 0
    assert failures_in_a_row(_turns(500, 500)) == 2
    assert failures_in_a_row(_turns(500, None, 500)) == 1  # a turn that went through
    assert failures_in_a_row(_turns(500, 0, 0, 500)) == 2  # unreachable: neither
    restarted = _turns(500, 500)
    restarted.update(Restarted())
    restarted.update(UserUttered("again", {"name": "inform", "confidence": 0.9}))
    assert failures_in_a_row(restarted) == 0
