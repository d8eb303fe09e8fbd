"""Access to conversations through the real Rasa server: the widget's socket, the
REST channel's size cap, and Rasa's HTTP API."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import requests
import socketio

from bot.store.transcript import read_transcript
from tests.integration.conftest import API_TOKEN


class Browser:
    """A socket.io client speaking to the Rasa server as the widget does."""

    def __init__(self, stack) -> None:
        self.stack = stack
        self.client = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Queue = asyncio.Queue()
        self.said: asyncio.Queue = asyncio.Queue()
        self.client.on("session_confirm", self.confirmed.put_nowait)
        self.client.on("bot_uttered", self.said.put_nowait)

    async def __aenter__(self) -> Browser:
        origin = f"http://127.0.0.1:{self.stack.settings.web_port}"
        await self.client.connect(
            # Long-polling: this python-socketio's websocket client needs a newer aiohttp
            # than Rasa 3.6 pins; the server side is the same either way.
            self.stack.settings.rasa_url,
            headers={"Origin": origin},
            transports=["polling"],
        )
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.client.disconnect()

    async def session(self, requested: Any = None) -> str:
        await self.client.emit("session_request", {"session_id": requested})
        return await asyncio.wait_for(self.confirmed.get(), 10)

    async def say(self, text: str, session_id: Any) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": session_id})

    async def reply(self, timeout: float = 60) -> str:
        message = await asyncio.wait_for(self.said.get(), timeout)
        return message.get("text") or ""

    async def until(self, needle: str, timeout: float = 60) -> str:
        """The replies up to the one containing `needle` (a turn can send several)."""
        seen = []
        while not seen or needle not in seen[-1]:
            seen.append(await self.reply(timeout))
        return "\n".join(seen)


def test_a_browser_cannot_join_or_write_into_another_conversation(stack):
    async def scenario() -> tuple[str, str]:
        async with Browser(stack) as alice, Browser(stack) as mallory:
            alice_id = await alice.session()
            assert len(alice_id) == 65 and alice_id[32] == "."  # 128 random bits, signed
            await alice.say("/start_mediation", alice_id)
            assert "Do you agree" in await alice.until("Do you agree")

            # Made-up ids, a REST conversation's id, a near miss: each gets a fresh id.
            for guess in ("integration-1", "default", alice_id[:-1] + "x", alice_id[:32]):
                assert await mallory.session(guess) not in (guess, alice_id)
            mallory_id = await mallory.session()
            await mallory.say("Mallory was here", alice_id)  # names Alice's conversation
            await asyncio.sleep(3)
            assert mallory.said.empty() and alice.said.empty()  # ignored, nobody answered

            await alice.say("x" * 9000, alice_id)
            assert "at most 8,000" in await alice.reply(10)  # refused, kindly, not stored
        async with Browser(stack) as again:  # Alice comes back (page reload)
            assert await again.session(alice_id) == alice_id
            await again.say("yes", alice_id)
            assert "what is the dispute about" in await again.until("dispute about")
        return alice_id, mallory_id

    alice_id, mallory_id = asyncio.run(scenario())
    url = stack.settings.database_url
    alice_said = [line.text for line in read_transcript(url, alice_id) if line.speaker == "user"]
    assert alice_said == ["/start_mediation", "yes"]
    assert read_transcript(url, mallory_id) == []


def test_an_over_long_rest_message_is_refused_with_a_friendly_reply(stack):
    reply = requests.post(
        stack.webhook, json={"sender": "long-1", "message": "y" * 8001}, timeout=30
    )
    assert reply.status_code == 413
    assert "8,001 characters long" in reply.json()["error"]
    assert "shorter parts" in reply.json()["error"]
    assert read_transcript(stack.settings.database_url, "long-1") == []
    huge = requests.post(
        stack.webhook,
        data=b'{"sender": "long-2", "message": "' + b"z" * 2_000_000 + b'"}',
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert huge.status_code == 413  # Sanic refuses the body before anyone parses it
    assert stack.say("long-1", "y" * 8000)  # the limit itself is fine


def test_rasa_http_api_is_off_without_a_token(stack):
    stack.say("api-1", "hello")
    for path in ("/conversations/api-1/tracker", "/status", "/model/parse"):
        reply = requests.get(f"{stack.settings.rasa_url}{path}", timeout=10)
        assert reply.status_code in (404, 405), path
        assert '"events"' not in reply.text and "sender_id" not in reply.text


def test_rasa_http_api_with_a_token_answers_only_to_the_token(pg_stack):
    pg_stack.say("api-2", "hello")
    url = f"{pg_stack.settings.rasa_url}/conversations/api-2/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": "guess"}, timeout=10).status_code == 401
    allowed = requests.get(url, params={"token": API_TOKEN}, timeout=10)
    assert allowed.status_code == 200 and allowed.json()["sender_id"] == "api-2"
    assert API_TOKEN not in pg_stack.rasa_log.read_text(errors="replace")


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_the_sign_in_limit_holds_across_two_web_processes(tmp_path, database):
    """20 wrong passwords at once, split over two web-app processes on one database:
    exactly 5 are checked (401), the rest wait (429). Check-then-record let more by."""
    import contextlib
    import re
    from concurrent.futures import ThreadPoolExecutor

    from bot.ops.runner import Stack, free_port, temporary_postgres, web_app_spec
    from bot.review.accounts import MAX_FAILURES, Accounts
    from bot.settings import Settings
    from bot.store.migrate import upgrade

    with contextlib.ExitStack() as cleanup:
        if database == "sqlite":
            url = f"sqlite:///{tmp_path / 'limit.db'}"
        else:
            url = cleanup.enter_context(temporary_postgres())
        upgrade(url)
        Accounts(url).add("trainer", "the right password")
        key = "shared-key-for-both-web-apps-" + "k" * 16
        bases = []
        for _ in range(2):
            port = free_port()
            env = {"DATABASE_URL": url, "WEB_PORT": str(port), "CONCORDIA_SECRET_KEY": key}
            stack = Stack(Settings.from_env(env))
            stack.start(web_app_spec(stack.settings))
            cleanup.callback(stack.stop)
            stack.wait_healthy(60)
            bases.append(f"http://127.0.0.1:{port}")

        def forms(base: str) -> tuple[requests.Session, str]:
            client = requests.Session()
            page = client.get(f"{base}/review/login", timeout=10).text
            return client, re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)

        ready = [(bases[i % 2], *forms(bases[i % 2])) for i in range(20)]

        def attempt(item: tuple[str, requests.Session, str], password="a wrong password") -> int:
            base, client, token = item
            return client.post(
                f"{base}/review/login",
                data={"name": "trainer", "password": password, "csrf_token": token},
                timeout=60,
                allow_redirects=False,
            ).status_code

        with ThreadPoolExecutor(max_workers=20) as pool:
            codes = list(pool.map(attempt, ready))
        assert sorted(codes) == [401] * MAX_FAILURES + [429] * (20 - MAX_FAILURES), codes
        assert attempt((bases[1], *forms(bases[1])), "the right password") == 429


HOSTILE_IDS = [
    "é" * 32 + "." + "é" * 32,
    "\udcff" * 65,
    "0" * 32 + "." + "\u202e" * 32,
    "x" * 100_000,
    "",
    42,
    4.2,
    True,
    ["a", {"b": None}],
    {"session_id": "nested"},
]


def test_any_socket_session_id_gets_a_fresh_id_and_no_traceback(stack):
    """Arbitrary values where the widget sends its session id: each `session_request`
    is answered with a new signed id, each `user_uttered` naming one is ignored, and
    the server logs no traceback."""
    log = stack.processes.log_dir / "rasa-server.log"
    before = len(log.read_text(errors="replace"))

    async def scenario() -> None:
        async with Browser(stack) as mallory:
            for value in HOSTILE_IDS:
                given = await mallory.session(value)
                assert isinstance(given, str) and len(given) == 65 and given != value
                await mallory.say("hello", value)
            await asyncio.sleep(2)
            assert mallory.said.empty()  # nothing was processed under a forged id
            own = await mallory.session()
            await mallory.say("hello", own)
            assert await mallory.reply(60)  # the socket still works

    asyncio.run(scenario())
    assert "Traceback" not in log.read_text(errors="replace")[before:]
