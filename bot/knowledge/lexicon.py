"""The topic lexicon: which words mark a statement as being about water, trade, ..."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.loader import KnowledgeError, check_unique_ids, load_document

SCHEMA = {
    "type": "object",
    "required": ["version", "topics"],
    "properties": {
        "version": {"const": 1},
        "topics": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "label", "description", "terms"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "label": {"type": "string", "minLength": 1},
                    "description": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string", "minLength": 20},
                    },
                    "terms": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string", "pattern": "^[a-z0-9][a-z0-9' -]*$"},
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Topic:
    """A topic: `descriptions` say what it means (matched by meaning), `terms` explain a match."""

    id: str
    label: str
    terms: tuple[str, ...]
    descriptions: tuple[str, ...] = ()


def load_lexicon(path: Path) -> dict[str, Topic]:
    document = load_document(path, SCHEMA)
    check_unique_ids(path, "topics", document["topics"])
    owner: dict[str, str] = {}
    topics: dict[str, Topic] = {}
    for index, entry in enumerate(document["topics"]):
        for term in entry["terms"]:
            if term in owner and owner[term] != entry["id"]:
                raise KnowledgeError(
                    f"{path}: topics[{index}] (id {entry['id']!r}): term {term!r} "
                    f"is already listed under topic {owner[term]!r}"
                )
            owner[term] = entry["id"]
        topics[entry["id"]] = Topic(
            entry["id"], entry["label"], tuple(entry["terms"]), tuple(entry["description"])
        )
    return topics
