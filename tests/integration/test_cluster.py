"""Two Rasa servers and two action servers behind nginx, sharing PostgreSQL and Redis:
30 concurrent mediations come out complete, and so do mediations whose Rasa server is
killed half-way."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from bot.ops.cluster import ClusterPlan, check_cluster_settings, cluster_specs
from bot.ops.rasa_model import ensure_model
from bot.ops.runner import Stack, free_port, temporary_postgres
from bot.settings import Settings
from bot.store.db import session_scope
from bot.store.migrate import upgrade
from bot.store.models import MediationSession, Statement
from tests.integration.conftest import ARTIFACTS

REDIS_URL = "redis://127.0.0.1:6379/13"
CONVERSATIONS = 30


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with contextlib.ExitStack() as cleanup:
        url = cleanup.enter_context(temporary_postgres())
        upgrade(url)
        settings = Settings.from_env(
            {
                "DATABASE_URL": url,
                "REDIS_URL": REDIS_URL,
                "WEB_PORT": str(free_port()),
                "RASA_TELEMETRY_ENABLED": "false",
            }
        )
        check_cluster_settings(settings, 2)
        model = ensure_model(settings.root, settings.models_dir, env=settings.child_env())
        plan = ClusterPlan(
            settings=settings,
            rasa_ports=(free_port(), free_port()),
            action_ports=(free_port(), free_port()),
            proxy_port=free_port(),
            action_proxy_port=free_port(),
            workdir=tmp_path_factory.mktemp("cluster"),
        )
        stack = Stack(settings, log_dir=ARTIFACTS / "logs" / "cluster")
        cleanup.callback(stack.stop)
        for spec in cluster_specs(plan, model):
            stack.start(spec)
        stack.wait_healthy(timeout=420)
        yield plan, stack


def script(n: int) -> list[tuple[str, bool]]:
    """One mediation: (message, is it a statement the record must hold)."""
    return [
        ("/start_mediation", False),
        ("/affirm", False),
        (f"Sharing the water of river number {n} after a new dam", False),
        ("Riverland and Dryland", False),
        (f"Riverland farmers in valley {n} need water for their crops in summer", True),
        (
            f"Riverland is worried that the towns of district {n} will run out of drinking water",
            True,
        ),
        ("/done", False),
        (f"Dryland needs electricity from the dam for village {n}", True),
        ("/done", False),
        ("/affirm", False),
        ("/done", False),
    ]


class Client:
    """A REST client that re-sends a message (same id) when its server fails."""

    def __init__(self, base: str) -> None:
        self.url = f"{base}/webhooks/rest/webhook"
        self.upstreams: Counter[str] = Counter()
        self.retries = 0
        self.lock = threading.Lock()

    def say(self, sender: str, message: str, message_id: str) -> list[dict]:
        body = {"sender": sender, "message": message, "message_id": message_id}
        for attempt in range(8):
            try:
                reply = requests.post(self.url, json=body, timeout=150)
                if reply.status_code < 500:
                    reply.raise_for_status()
                    with self.lock:
                        self.upstreams[reply.headers.get("X-Upstream", "?")] += 1
                    return reply.json()
            except requests.ConnectionError:
                pass
            with self.lock:
                self.retries += 1
            time.sleep(1 + attempt)
        raise AssertionError(f"{sender}: {message!r} got no answer after 8 attempts")

    def mediate(self, sender: str, n: int, pause: float = 0.0) -> list[str]:
        said = []
        for index, (message, statement) in enumerate(script(n)):
            self.say(sender, message, f"{sender}-{index}")
            if statement:
                said.append(message)
            time.sleep(pause)
        return said


def _events(db, sender: str) -> list[str]:
    """A conversation's event log, short (for failure messages)."""
    from bot.store.transcript import events

    rows = db.execute(
        select(events.c.type_name, events.c.intent_name, events.c.action_name, events.c.data)
        .where(events.c.sender_id == sender)
        .order_by(events.c.id)
    ).all()
    shown = []
    for kind, intent, action, data in rows:
        if kind in ("user", "bot", "slot"):
            detail = json.loads(data)
            text = detail.get("text") if kind != "slot" else f"{detail['name']}={detail['value']}"
            shown.append(f"{kind}:{intent or ''}:{str(text)[:60]}")
        elif kind == "action":
            shown.append(f"action:{action}")
    return shown


def assert_complete(url: str, sent: dict[str, list[str]]) -> None:
    """Every conversation ended completed, with exactly its statements, in order."""
    with session_scope(url) as db:
        for sender, statements in sent.items():
            sessions = (
                db.execute(select(MediationSession).where(MediationSession.sender_id == sender))
                .scalars()
                .all()
            )
            assert len(sessions) == 1, (sender, [s.status for s in sessions])
            if sessions[0].status != "completed":
                raise AssertionError(
                    f"{sender} did not complete:\n" + "\n".join(_events(db, sender))
                )
            stored = (
                db.execute(
                    select(Statement.text)
                    .where(Statement.session_id == sessions[0].id)
                    .order_by(Statement.id)
                )
                .scalars()
                .all()
            )
            assert stored == statements, sender


def test_thirty_concurrent_mediations_across_two_rasa_servers(cluster):
    plan, _ = cluster
    client = Client(plan.proxy_url)
    senders = {f"cluster-{n}": n for n in range(CONVERSATIONS)}
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CONVERSATIONS) as pool:
        futures = {s: pool.submit(client.mediate, s, n) for s, n in senders.items()}
        sent = {s: f.result() for s, f in futures.items()}
    elapsed = time.monotonic() - started
    assert_complete(plan.settings.database_url, sent)
    servers = {u for u in client.upstreams if u != "?"}
    rasa = {f"{plan.settings.host}:{p}" for p in plan.rasa_ports}
    assert servers == rasa, client.upstreams  # both Rasa servers took messages
    assert min(client.upstreams[s] for s in rasa) > CONVERSATIONS  # and not a handful
    print(
        f"\n{CONVERSATIONS} mediations, {sum(client.upstreams.values())} messages in "
        f"{elapsed:.1f}s; per server {dict(client.upstreams)}; retries {client.retries}"
    )


def test_a_rasa_server_killed_mid_run_the_others_finish_the_conversations(cluster):
    plan, stack = cluster
    client = Client(plan.proxy_url)
    senders = {f"fault-{n}": n for n in range(10)}
    with ThreadPoolExecutor(max_workers=len(senders)) as pool:
        futures = {s: pool.submit(client.mediate, s, n, 0.3) for s, n in senders.items()}
        deadline = time.monotonic() + 60
        while sum(client.upstreams.values()) < 25 and time.monotonic() < deadline:
            time.sleep(0.2)
        stack.kill(plan.rasa_name(0))
        killed_at = sum(client.upstreams.values())
        sent = {s: f.result() for s, f in futures.items()}
    assert 0 < killed_at < len(senders) * len(script(0))  # the kill came mid-run
    assert_complete(plan.settings.database_url, sent)
    survivor = f"{plan.settings.host}:{plan.rasa_ports[1]}"
    log = (plan.workdir / "access.log").read_text()
    after = [line for line in log.splitlines() if "fault-" in line or "webhook" in line]
    assert re.search(rf"upstream=[^ ]*{re.escape(survivor)}", after[-1])
    print(f"\nkilled after {killed_at} replies; client retries {client.retries}")


def test_a_room_across_the_cluster(cluster):
    """A party's caucus reaches whichever Rasa and action server nginx picks; what it
    shares reaches another party's open view within a second, from any process."""
    from bot.store.rooms import RoomRepository

    plan, _ = cluster
    rooms = RoomRepository.from_settings(plan.settings)
    room = rooms.create_room("Fishing rights off the two isles", ["North Isle", "South Isle"])
    north, south = room.parties
    web = f"http://{plan.settings.host}:{plan.settings.web_port}"

    def say(text: str) -> list[dict]:
        reply = requests.post(f"{web}/rooms/{north.token}/api/say", json={"text": text}, timeout=90)
        assert reply.status_code == 200, reply.text
        return reply.json()["replies"]

    page = requests.get(f"{web}/", timeout=10).text  # the widget, too, goes through nginx
    config = json.loads(re.search(r'id="config">(.*?)</script>', page).group(1))
    assert config["rasaPort"] == plan.proxy_port
    assert "North Isle's private caucus" in say("/start_caucus")[0]["text"]
    say("Our fishermen need the northern banks in winter")
    items = rooms.items(room.room_id)
    assert [(i.party, i.state.value) for i in items] == [("North Isle", "private")]

    views: list[tuple[float, dict]] = []
    ready = threading.Event()

    def listen() -> None:
        with requests.get(f"{web}/rooms/{south.token}/events", stream=True, timeout=30) as r:
            for line in r.iter_lines():
                if line.startswith(b"data:"):
                    views.append((time.monotonic(), json.loads(line[5:])))
                    ready.set()
                    if len(views) >= 2:
                        return

    threading.Thread(target=listen, daemon=True).start()
    assert ready.wait(15)
    assert views[0][1]["joint"] == []
    released = requests.post(
        f"{web}/rooms/{north.token}/api/items/state",
        json={"items": "all", "state": "released"},
        timeout=30,
    )
    changed_at = time.monotonic()
    assert released.status_code == 200
    deadline = time.monotonic() + 5
    while len(views) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(views) == 2 and views[1][0] - changed_at < 1.0
    assert views[1][1]["joint"][0]["text"] == "Our fishermen need the northern banks in winter"
    # The analysis comes from an action server, through nginx as the Rasa servers' calls.
    assert "unavailable" not in views[1][1]["analysis"], views[1][1]["analysis"]
    assert views[1][1]["analysis"]["measures"]
