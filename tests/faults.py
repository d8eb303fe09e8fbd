"""What the fault tests of both layers share: a conversation as Rasa keeps it, the user
texts a tracker store wrote, a run of turns against a failing action server, and the
URL of PostgreSQL behind a `TcpProxy`."""

from __future__ import annotations

import asyncio
import json
import logging

from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import create_engine, text

from bot.settings import PROJECT_ROOT
from components.action_unavailable import _Guarded
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


def fail_in_a_row(url: str, times: int, caplog) -> list[list]:
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


def proxied(postgres_url: str, proxy: TcpProxy) -> str:
    database = postgres_url.rsplit("/", 1)[1]
    return f"postgresql://postgres@127.0.0.1:{proxy.port}/{database}?connect_timeout=2"


def proxy_target(postgres_url: str) -> tuple[str, int]:
    host, port = postgres_url.split("@", 1)[1].split("/", 1)[0].rsplit(":", 1)
    return host, int(port)
