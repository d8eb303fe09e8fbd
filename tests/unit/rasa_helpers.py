"""Running custom actions outside Rasa: a tracker built by hand, a collecting dispatcher."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.settings import PROJECT_ROOT

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
_ids = itertools.count()


def make_tracker(
    text: str = "",
    intent: str | None = None,
    slots: dict | None = None,
    entities: list | None = None,
    active_loop: str | None = None,
    candidates: dict | None = None,
    verbatim: str | None = None,
    sender: str = "tester",
) -> Tracker:
    message_id = f"msg-{next(_ids)}"
    latest = {
        "text": text.strip(),
        "message_id": message_id,
        "intent": {"name": intent, "confidence": 0.9} if intent else {},
        "entities": entities or [],
        "metadata": {"verbatim_text": text if verbatim is None else verbatim},
    }
    events: list[dict[str, Any]] = [{"event": "user", "timestamp": 100.0, "text": text}]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (candidates or {}).items()]
    return Tracker(
        sender,
        dict(slots or {}),
        latest,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def run(action, tracker: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, DOMAIN)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return result, dispatcher.messages


def slot_events(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or m.get("response") or "" for m in messages)
