"""Transcripts, read from the `events` table that Rasa's SQLTrackerStore owns.

The table is Rasa's: it is declared here only to be read (and kept out of our
migrations). Columns used: sender_id, type_name, timestamp, intent_name, data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    inspect,
    select,
)

from bot.mediation.steps import ACTION_STEPS
from bot.store.db import get_engine

# Metadata key under which the project's channels keep the text exactly as typed.
VERBATIM_KEY = "verbatim_text"
# The client's own id for a message, when the REST client sends one (idempotent re-sends).
CLIENT_ID_KEY = "client_message_id"

rasa_metadata = MetaData()
events = Table(
    "events",
    rasa_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), index=True),  # Rasa indexes it too
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


@dataclass(frozen=True)
class TranscriptLine:
    speaker: str  # "user" or "assistant"
    text: str
    intent: str | None
    confidence: float | None
    timestamp: float
    step: str | None = None  # the mediation step the turn belonged to

    def as_dict(self) -> dict:
        return {
            "step": self.step,
            "speaker": self.speaker,
            "text": self.text,
            "intent": self.intent,
            "confidence": self.confidence,
            "timestamp": datetime.fromtimestamp(self.timestamp, timezone.utc).isoformat(),
        }


def read_transcript(
    database_url: str, sender_id: str, start: float = 0.0, end: float | None = None
) -> list[TranscriptLine]:
    """User and bot messages of one conversation between two event timestamps, each with
    the mediation step it belonged to (from the step actions Rasa logged around it)."""
    engine = get_engine(database_url)
    if not inspect(engine).has_table("events"):
        return []  # Rasa has not written anything to this database yet
    query = (
        select(
            events.c.type_name,
            events.c.timestamp,
            events.c.intent_name,
            events.c.action_name,
            events.c.data,
        )
        .where(
            events.c.sender_id == sender_id,
            events.c.type_name.in_(["user", "bot", "action"]),
            events.c.timestamp >= start,
        )
        .order_by(events.c.timestamp, events.c.id)
    )
    if end is not None:
        query = query.where(events.c.timestamp < end)
    lines: list[TranscriptLine] = []
    step = None
    answering: int | None = None  # index of the user message awaiting its first action
    with engine.connect() as connection:
        for type_name, timestamp, intent_name, action_name, raw in connection.execute(query):
            if type_name == "action":
                if action_name in ACTION_STEPS:
                    step = ACTION_STEPS[action_name]
                # A user message belongs to the step of the first action that handles it.
                if answering is not None and action_name != "action_listen":
                    lines[answering] = replace(lines[answering], step=step)
                    answering = None
                continue
            data = json.loads(raw or "{}")
            if type_name == "user":
                intent = (data.get("parse_data") or {}).get("intent") or {}
                verbatim = (data.get("metadata") or {}).get(VERBATIM_KEY)
                text = verbatim if isinstance(verbatim, str) else data.get("text") or ""
                lines.append(
                    TranscriptLine(
                        "user",
                        text,
                        intent.get("name") or intent_name,
                        intent.get("confidence"),
                        timestamp,
                        step,
                    )
                )
                answering = len(lines) - 1
            else:
                lines.append(
                    TranscriptLine("assistant", data.get("text") or "", None, None, timestamp, step)
                )
    return lines


_HAS_EVENTS: set[str] = set()  # databases whose `events` table exists (it is never dropped)


def latest_event_id(database_url: str, sender_id: str) -> int:
    """The id of a conversation's latest stored event (0 before any): a cheap mark of
    whether it moved, for live views of a caucus (bot/web/rooms.py)."""
    engine = get_engine(database_url)
    if database_url not in _HAS_EVENTS:
        if not inspect(engine).has_table("events"):
            return 0  # Rasa has written nothing yet; asked again next time
        _HAS_EVENTS.add(database_url)
    with engine.connect() as connection:
        value = connection.execute(
            select(func.max(events.c.id)).where(events.c.sender_id == sender_id)
        ).scalar()
    return int(value or 0)
