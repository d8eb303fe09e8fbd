"""Database faults (unreachable, read-only, full) and an unreachable action server, each
against the real thing: PostgreSQL behind a proxy that is cut, an SQLite file opened
read-only or capped in size, an action endpoint where nothing listens."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
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
from bot.settings import PROJECT_ROOT, ConfigError
from bot.store.faults import describe, failure_kind
from bot.store.migrate import upgrade
from bot.store.repository import SessionRepository
from components.action_unavailable import _Guarded
from components.tracker_store import DurableSQLTrackerStore, TrackerStoreUnavailable
from tests.conftest import free_port
from tests.tcp_proxy import TcpProxy

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def conversation(sender: str, *said: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    for text_ in said:
        tracker.update(UserUttered(text_, {"name": "state_interest", "confidence": 0.9}))
        tracker.update(BotUttered(f"noted: {text_}"))
        tracker.update(ActionExecuted("action_listen"))
    return tracker


def user_texts(store_url: str, sender: str) -> list[str]:
    engine = create_engine(store_url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
        ).all()
    engine.dispose()
    return [json.loads(r[0])["text"] for r in rows if json.loads(r[0])["event"] == "user"]


# -- what a failure means --------------------------------------------------------------
def test_each_database_failure_is_named_with_its_fix(tmp_path, postgres_url):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    upgrade(url)
    read_only = f"sqlite:///file:{tmp_path / 'c.db'}?mode=ro&uri=true"
    with pytest.raises(OperationalError) as caught:
        SessionRepository(read_only).start_session("reader")
    assert failure_kind(caught.value) == "readonly"
    assert "read-only: give the server's user write access" in describe(caught.value, url)

    dead = f"postgresql://postgres:s3cret@127.0.0.1:{free_port()}/test?connect_timeout=2"
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
def test_tracker_store_keeps_conversations_through_an_outage_and_writes_them_back(
    postgres_url, caplog
):
    caplog.set_level(logging.INFO)
    host_port = postgres_url.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    database = postgres_url.rsplit("/", 1)[1]

    async def scenario() -> None:
        with TcpProxy((host, int(port))) as proxy:
            url = f"postgresql://postgres@127.0.0.1:{proxy.port}/{database}?connect_timeout=2"
            store = DurableSQLTrackerStore(domain=DOMAIN, host=url)
            await store.save(conversation("alice", "we need water"))
            assert user_texts(postgres_url, "alice") == ["we need water"]

            proxy.cut()
            tracker = conversation("alice", "we need water", "and grazing")
            tracker.update(SlotSet("step", "interests"))
            await store.save(tracker)  # no exception: kept in memory
            assert "alice" in store.pending
            back = await store.retrieve("alice")  # served from memory, whole
            assert back.get_slot("step") == "interests" and len(back.events) == len(tracker.events)
            with pytest.raises(TrackerStoreUnavailable, match="cannot reach the database"):
                await store.retrieve("bob")  # never a made-up empty conversation
            reply = CollectingOutputChannel()
            message = UserMessage(
                "  hello? ", reply, "bob", metadata={"verbatim_text": "  hello? "}
            )
            store.keep_unprocessed(message, {"text": "kept"})
            await asyncio.sleep(2)  # an outage of a few tries: 0.5 s, then 1 s, then 2 s
            assert store.pending and store.unprocessed  # nothing written, nothing dropped

            proxy.restore()
            for _ in range(40):  # the retry task writes everything back by itself
                if not store.pending and not store.unprocessed:
                    break
                await asyncio.sleep(0.5)
            assert not store.pending and not store.unprocessed
            assert user_texts(postgres_url, "alice") == ["we need water", "and grazing"]
            assert user_texts(postgres_url, "bob") == ["hello?"]
            bob = await store.retrieve("bob")
            assert bob.latest_message.text != "hello?"  # reverted: the state is unchanged
            assert [
                e.metadata.get("verbatim_text") for e in bob.events if isinstance(e, UserUttered)
            ] == ["  hello? "]
            store.engine.dispose()

    asyncio.run(scenario())
    logged = caplog.text
    assert "Database outage began: cannot reach the database at postgresql://" in logged
    assert "Kept conversation alice in memory" in logged
    assert "Database still unavailable" in logged and "next try in 2.0 s" in logged
    assert "Database reachable again after" in logged


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
class _Rejecting(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.dumps({"action_name": "validate_x", "error": "not me"}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


def test_an_unreachable_action_server_ends_the_turn_with_the_domains_reply():
    tracker = conversation("dave", "we need water")
    tracker.update(UserUttered("and grazing", {"name": "state_interest", "confidence": 0.9}))
    endpoint = EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook")
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


def test_a_form_whose_validation_fails_keeps_its_place(monkeypatch):
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
    form = FormAction("interests_form", EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook"))
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


def test_an_action_server_rejecting_an_action_is_left_to_rasa():
    server = HTTPServer(("127.0.0.1", 0), _Rejecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{server.server_port}/webhook")
        action = _Guarded(RemoteAction("validate_x", endpoint))
        nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
        with pytest.raises(ActionExecutionRejection):
            asyncio.run(action.run(CollectingOutputChannel(), nlg, conversation("erin"), DOMAIN))
    finally:
        server.shutdown()


class _Failing(BaseHTTPRequestHandler):
    """An action server with a bug: every call answers 500."""

    def do_POST(self):
        body = b"Internal Server Error"
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


def _fail_in_a_row(url: str, times: int, caplog) -> list[list]:
    """Send `times` messages to a conversation whose action fails; each turn's events."""
    tracker = conversation("gina", "we need water")
    action = _Guarded(RemoteAction("validate_interests_form", EndpointConfig(url)))
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    turns = []
    for n in range(times):
        tracker.update(UserUttered(f"try {n}", {"name": "state_interest", "confidence": 0.9}))
        with caplog.at_level(logging.ERROR):
            events = asyncio.run(action.run(CollectingOutputChannel(), nlg, tracker, DOMAIN))
        for e in events:
            tracker.update(e)
        turns.append(events)
    return turns


def test_an_action_answering_500_again_and_again_is_called_broken(caplog):
    server = HTTPServer(("127.0.0.1", 0), _Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        turns = _fail_in_a_row(f"http://127.0.0.1:{server.server_port}/webhook", 4, caplog)
    finally:
        server.shutdown()
    replies = [next(e for e in events if isinstance(e, BotUttered)) for events in turns]
    assert all("part of the assistant is unavailable" in r.text for r in replies[:2])
    for reply in replies[2:]:  # from the third failure in a row, and while it lasts
        assert "Something is broken in this step" in reply.text
        assert [b["payload"] for b in reply.data["buttons"]] == ["/restart", "/goodbye"]
    assert all(isinstance(events[1], UserUtteranceReverted) for events in turns)  # kept
    assert "'validate_interests_form' failed 3 times in a row for gina" in caplog.text
    assert "HTTP 500" in caplog.text


def test_an_unreachable_action_server_is_never_called_broken(caplog):
    turns = _fail_in_a_row(f"http://127.0.0.1:{free_port()}/webhook", 4, caplog)
    replies = [next(e for e in events if isinstance(e, BotUttered)) for events in turns]
    assert all("part of the assistant is unavailable" in r.text for r in replies)
    assert "in a row" not in caplog.text


# -- write-back: two servers, errors that are no outage, bounded memory ------------------
def _proxied(postgres_url: str, proxy: TcpProxy) -> str:
    database = postgres_url.rsplit("/", 1)[1]
    return f"postgresql://postgres@127.0.0.1:{proxy.port}/{database}?connect_timeout=2"


def _target(postgres_url: str) -> tuple[str, int]:
    host, port = postgres_url.split("@", 1)[1].split("/", 1)[0].rsplit(":", 1)
    return host, int(port)


def test_one_conversation_on_two_servers_through_an_outage_loses_nothing(postgres_url, tmp_path):
    """Server A kept the conversation through an outage; server B kept a message of it
    that it could not read. B writes back first. Rasa's count-based save then skipped
    A's first events (as many as B had written); here A writes all it added."""

    async def scenario() -> None:
        with TcpProxy(_target(postgres_url)) as proxy:
            url = _proxied(postgres_url, proxy)
            a = DurableSQLTrackerStore(domain=DOMAIN, host=url, parked_dir=tmp_path)
            b = DurableSQLTrackerStore(domain=DOMAIN, host=url, parked_dir=tmp_path)
            await a.save(conversation("shared", "we need water"))
            tracker = await a.retrieve("shared")  # A reads it, then the database goes
            proxy.cut()
            for said in ("and grazing", "and schools"):
                tracker.update(UserUttered(said, {"name": "state_interest", "confidence": 0.9}))
                tracker.update(BotUttered(f"noted: {said}"))
                tracker.update(ActionExecuted("action_listen"))
                await a.save(tracker)
            assert "shared" in a.pending
            with pytest.raises(TrackerStoreUnavailable):
                await b.retrieve("shared")
            b.keep_unprocessed(
                UserMessage("hello from B", CollectingOutputChannel(), "shared"), {"text": "kept"}
            )
            for store in (a, b):
                store._retry.cancel()
            proxy.restore()
            assert await b.write_back() == (0, 1)  # B first: 4 events ahead of A's
            assert await a.write_back() == (1, 0)
            said = user_texts(postgres_url, "shared")
            assert said == ["we need water", "hello from B", "and grazing", "and schools"]
            # The next turn, on either server, sees everything once and carries on.
            again = await b.retrieve("shared")
            again.update(UserUttered("and roads", {"name": "state_interest", "confidence": 0.9}))
            await b.save(again)
            assert user_texts(postgres_url, "shared")[-1] == "and roads"
            assert len(user_texts(postgres_url, "shared")) == 5
            for store in (a, b):
                store.engine.dispose()

    asyncio.run(scenario())


def test_a_conversation_the_database_refuses_is_parked_and_the_others_are_written(
    tmp_path, caplog, monkeypatch
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
        cli = [sys.executable, "-m", "bot.cli", "events", "replay", str(files[0])]
        done = subprocess.run(cli, env={**os.environ, "DATABASE_URL": url}, capture_output=True)
        assert done.returncode == 0, done.stderr
        assert b"wrote 1 of 1 event(s) of conversation bad" in done.stdout
        assert user_texts(url, "bad") == ["first", "second"] and not files[0].exists()

    asyncio.run(scenario())


def test_memory_for_an_outage_is_bounded_and_what_does_not_fit_is_written_from_disk(
    postgres_url, tmp_path, caplog
):
    async def scenario() -> None:
        with TcpProxy(_target(postgres_url)) as proxy:
            url = _proxied(postgres_url, proxy)
            store = DurableSQLTrackerStore(
                domain=DOMAIN, host=url, parked_dir=tmp_path, max_kept_events=8
            )
            for sender in ("small", "large"):
                await store.save(conversation(sender, "first"))
            small, large = await store.retrieve("small"), await store.retrieve("large")
            proxy.cut()
            small.update(UserUttered("a few", {"name": "state_interest", "confidence": 0.9}))
            await store.save(small)  # 1 event: kept in memory
            for n in range(5):
                large.update(UserUttered(f"many {n}", {"name": "inform", "confidence": 0.9}))
                large.update(BotUttered("ok"))
            await store.save(large)  # 10 events: over the bound, parked on disk
            assert list(store.pending) == ["small"] and len(store.spilled) == 1
            assert store._kept_events() <= 8
            store._retry.cancel()
            proxy.restore()
            await store.write_back()
            assert not store.pending and not store.spilled
            assert list(tmp_path.glob("*.parked.json")) == []
            assert user_texts(postgres_url, "small") == ["first", "a few"]
            assert user_texts(postgres_url, "large") == ["first"] + [f"many {n}" for n in range(5)]
            store.engine.dispose()

    with caplog.at_level(logging.ERROR):
        asyncio.run(scenario())
    assert "Memory for the outage is full (8 events, CONCORDIA_MAX_KEPT_EVENTS)" in caplog.text


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
