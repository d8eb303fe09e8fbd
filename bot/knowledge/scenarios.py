"""Training scenarios: a public brief, the parties' positions, and the answer key.

Each scenario is its own YAML file under `scenarios/`, validated at load: a missing
field is a start-up error naming the file and the field, never a crash mid-session.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.catalog import Measure
from bot.knowledge.lexicon import Topic
from bot.knowledge.loader import KnowledgeError, load_document

_ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
_TEXT = {"type": "string", "minLength": 3}
_WORDS = {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 2}}
# A point of the answer key that a trainee's words are matched against.
_KEY_POINT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["text", "keywords"],
    "properties": {"text": _TEXT, "keywords": _WORDS},
}

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "version",
        "id",
        "title",
        "topic",
        "brief",
        "parties",
        "common_ground",
        "measures",
        "avoid",
    ],
    "properties": {
        "version": {"const": 1},
        "id": _ID,
        "title": _TEXT,
        "topic": {"type": "string"},
        "brief": {"type": "string", "minLength": 40},
        "parties": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "positions", "interests", "stonewall"],
                "properties": {
                    "name": _TEXT,
                    "positions": {"type": "array", "minItems": 1, "items": _TEXT},
                    "stonewall": _TEXT,
                    "interests": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["id", "text", "topics", "keywords", "cue"],
                            "properties": {
                                "id": _ID,
                                "text": _TEXT,
                                "topics": _WORDS,
                                "keywords": _WORDS,
                                "cue": _TEXT,
                            },
                        },
                    },
                },
            },
        },
        "common_ground": {"type": "array", "minItems": 1, "items": _KEY_POINT},
        "measures": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "avoid": {"type": "array", "minItems": 1, "items": _KEY_POINT},
    },
}


@dataclass(frozen=True)
class KeyPoint:
    """Common ground to find, or a move to avoid: its text and the words that signal it."""

    text: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Interest:
    id: str
    text: str
    topics: tuple[str, ...]
    keywords: tuple[str, ...]
    cue: str


@dataclass(frozen=True)
class ScenarioParty:
    name: str
    positions: tuple[str, ...]
    interests: tuple[Interest, ...]
    stonewall: str


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    topic: str
    brief: str
    parties: tuple[ScenarioParty, ...]
    common_ground: tuple[KeyPoint, ...]
    measures: tuple[str, ...]
    avoid: tuple[KeyPoint, ...]

    def party(self, name: str) -> ScenarioParty:
        for party in self.parties:
            if party.name == name:
                return party
        raise KeyError(f"scenario {self.id!r} has no party {name!r}")


def _key_point(entry: dict) -> KeyPoint:
    return KeyPoint(" ".join(entry["text"].split()), tuple(k.lower() for k in entry["keywords"]))


def _load_one(path: Path, topics: dict[str, Topic], measures: dict[str, Measure]) -> Scenario:
    doc = load_document(path, SCHEMA)
    if doc["id"] != path.stem:
        raise KnowledgeError(f"{path}: field 'id': {doc['id']!r} differs from the file name")
    if doc["topic"] not in topics:
        raise KnowledgeError(f"{path}: field 'topic': unknown topic {doc['topic']!r}")
    unknown = [m for m in doc["measures"] if m not in measures]
    if unknown:
        raise KnowledgeError(f"{path}: field 'measures': unknown measure(s) {', '.join(unknown)}")
    parties = []
    names: set[str] = set()
    for p_index, party in enumerate(doc["parties"]):
        if party["name"] in names:
            raise KnowledgeError(f"{path}: parties[{p_index}]: party {party['name']!r} twice")
        names.add(party["name"])
        interests = []
        for i_index, item in enumerate(party["interests"]):
            bad = [t for t in item["topics"] if t not in topics]
            if bad:
                raise KnowledgeError(
                    f"{path}: parties[{p_index}].interests[{i_index}] (id {item['id']!r}): "
                    f"field 'topics': unknown topic(s) {', '.join(bad)}"
                )
            interests.append(
                Interest(
                    item["id"],
                    item["text"],
                    tuple(item["topics"]),
                    tuple(k.lower() for k in item["keywords"]),
                    item["cue"],
                )
            )
        parties.append(
            ScenarioParty(
                party["name"], tuple(party["positions"]), tuple(interests), party["stonewall"]
            )
        )
    return Scenario(
        id=doc["id"],
        title=doc["title"],
        topic=doc["topic"],
        brief=" ".join(doc["brief"].split()),
        parties=tuple(parties),
        common_ground=tuple(_key_point(c) for c in doc["common_ground"]),
        measures=tuple(doc["measures"]),
        avoid=tuple(_key_point(a) for a in doc["avoid"]),
    )


def load_scenarios(
    directory: Path, topics: dict[str, Topic], measures: dict[str, Measure]
) -> dict[str, Scenario]:
    """Every `*.yml` in `directory`, keyed by id (raises KnowledgeError naming file/field)."""
    if not directory.is_dir():
        raise KnowledgeError(f"{directory}: the scenarios folder is missing")
    return {
        s.id: s for s in (_load_one(p, topics, measures) for p in sorted(directory.glob("*.yml")))
    }
