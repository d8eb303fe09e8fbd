"""Conversation events that could not be written to the database, kept on disk.

The tracker store (components/tracker_store.py) parks a conversation here when the
database refuses its events for a reason waiting will not fix (a constraint, a bad
value: a bug), or when its memory for an outage is full. Nothing is dropped: each
file holds the conversation's id, why it was parked, and its events as Rasa
serialises them. `concordia events replay` (or the store itself, for what it parked
to save memory) appends them to Rasa's `events` table, skipping any already there,
so replaying twice writes nothing twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bot.store.db import get_engine
from bot.store.transcript import events as events_table

SUFFIX = ".parked.json"


@dataclass(frozen=True)
class Parked:
    path: Path
    sender_id: str
    reason: str
    events: list[dict[str, Any]]


def park(directory: Path, sender_id: str, events: list[dict[str, Any]], reason: str) -> Path:
    """Write one conversation's events to a new file (atomically: whole or absent),
    readable by its owner only: it holds what people said."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256(sender_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    path = directory / f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}-{digest}"
    draft = path.with_suffix(".tmp")
    body = {"sender_id": sender_id, "reason": reason, "events": events}
    with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write(json.dumps(body, ensure_ascii=False))
    final = path.with_name(path.name + SUFFIX)
    os.replace(draft, final)
    return final


def read(path: Path) -> Parked:
    body = json.loads(path.read_text(encoding="utf-8"))
    return Parked(path, body["sender_id"], body["reason"], list(body["events"]))


def files(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"*{SUFFIX}")) if directory.is_dir() else []


def row(sender_id: str, event: dict[str, Any]) -> dict[str, Any]:
    """The `events` row Rasa's SQLTrackerStore writes for one serialised event."""
    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
    return {
        "sender_id": sender_id,
        "type_name": event.get("event"),
        "timestamp": event.get("timestamp"),
        "intent_name": intent,
        "action_name": event.get("name"),
        "data": json.dumps(event),
    }


def claim(path: Path) -> Path | None:
    """Take a parked file for replaying (renamed, so a server and `concordia events
    replay` never replay one file at once); None when someone else took it first."""
    taken = path.with_name(path.name + f".replaying-{os.getpid()}")
    try:
        os.rename(path, taken)
    except FileNotFoundError:
        return None
    return taken


def release(taken: Path) -> None:
    """Give a claimed file back (its replay failed): it stays for a later replay."""
    os.rename(taken, taken.with_name(taken.name.rsplit(".replaying-", 1)[0]))


def replay(database_url: str, parked: Parked) -> int:
    """Append a parked conversation's events that are not in the database yet (by their
    exact serialised form), in one transaction; the number written."""
    rows = [row(parked.sender_id, event) for event in parked.events]
    with get_engine(database_url).begin() as connection:
        stored = set(
            connection.execute(
                select(events_table.c.data).where(events_table.c.sender_id == parked.sender_id)
            ).scalars()
        )
        new = [r for r in rows if r["data"] not in stored]
        if new:
            connection.execute(insert(events_table), new)
    return len(new)
