"""Faults that need a server of their own: PostgreSQL behind a proxy that is cut (the
tracker store keeps conversations through the outage and writes them back, on one
server or two) and action servers that reject an action or answer 500 every time."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.utils.endpoints import EndpointConfig

from components.action_unavailable import _Guarded
from components.tracker_store import DurableSQLTrackerStore, TrackerStoreUnavailable
from tests.faults import DOMAIN, conversation, fail_in_a_row, proxied, proxy_target, user_texts
from tests.tcp_proxy import TcpProxy


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


def test_an_action_answering_500_again_and_again_is_called_broken(caplog):
    server = HTTPServer(("127.0.0.1", 0), _Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        turns = fail_in_a_row(f"http://127.0.0.1:{server.server_port}/webhook", 4, caplog)
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


def test_one_conversation_on_two_servers_through_an_outage_loses_nothing(postgres_url, tmp_path):
    """Server A kept the conversation through an outage; server B kept a message of it
    that it could not read. B writes back first. Rasa's count-based save then skipped
    A's first events (as many as B had written); here A writes all it added."""

    async def scenario() -> None:
        with TcpProxy(proxy_target(postgres_url)) as proxy:
            url = proxied(postgres_url, proxy)
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


def test_memory_for_an_outage_is_bounded_and_what_does_not_fit_is_written_from_disk(
    postgres_url, tmp_path, caplog
):
    async def scenario() -> None:
        with TcpProxy(proxy_target(postgres_url)) as proxy:
            url = proxied(postgres_url, proxy)
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
