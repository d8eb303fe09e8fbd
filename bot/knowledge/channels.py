"""Next-step channels offered in the summary (diplomatic channels, Track II, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.lexicon import Topic
from bot.knowledge.loader import KnowledgeError, check_unique_ids, load_document

SCHEMA = {
    "type": "object",
    "required": ["version", "channels"],
    "properties": {
        "version": {"const": 1},
        "channels": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "title", "description", "topics", "source"],
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                    "title": {"type": "string", "minLength": 3},
                    "description": {"type": "string", "minLength": 10},
                    "topics": {"type": "array", "items": {"type": "string"}},
                    "source": {"type": "string", "minLength": 3},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Channel:
    id: str
    title: str
    description: str
    topics: tuple[str, ...]
    source: str


def load_channels(path: Path, topics: dict[str, Topic]) -> list[Channel]:
    document = load_document(path, SCHEMA)
    check_unique_ids(path, "channels", document["channels"])
    channels = []
    for index, entry in enumerate(document["channels"]):
        unknown = [t for t in entry["topics"] if t not in topics]
        if unknown:
            raise KnowledgeError(
                f"{path}: channels[{index}] (id {entry['id']!r}): field 'topics': "
                f"unknown topic(s) {', '.join(unknown)}"
            )
        channels.append(
            Channel(
                id=entry["id"],
                title=entry["title"].strip(),
                description=" ".join(entry["description"].split()),
                topics=tuple(entry["topics"]),
                source=entry["source"].strip(),
            )
        )
    return channels
