"""The catalogue of confidence-building measures (docs/architecture.md §7)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.lexicon import Topic
from bot.knowledge.loader import KnowledgeError, check_unique_ids, load_document

CATEGORIES: dict[str, tuple[str, ...]] = {
    "unoda": (
        "communication_and_coordination",
        "observation_and_verification",
        "cooperation_and_integration",
        "military_constraint",
        "training_and_education",
    ),
    "osce_vienna_document": (
        "information_exchange",
        "risk_reduction",
        "contacts",
        "prior_notification",
        "observation",
        "verification",
        "communications_network",
    ),
    "osce_non_military": ("political", "economic", "environmental", "societal", "cultural"),
    "seed_article": (
        "people_to_people_exchange",
        "cultural_diplomacy",
        "track_two",
        "multilateral_dialogue",
        "digital_diplomacy",
        "information_sharing",
        "verification_mechanism",
    ),
}
STAGES = ("first_steps", "deepening", "institutionalising")
STAGE_LABELS = {
    "first_steps": "a first step",
    "deepening": "a step to deepen trust",
    "institutionalising": "a way to make trust lasting",
}

SCHEMA = {
    "type": "object",
    "required": ["version", "measures"],
    "properties": {
        "version": {"const": 1},
        "measures": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "id",
                    "title",
                    "description",
                    "framework",
                    "category",
                    "topics",
                    "stage",
                    "source",
                    "keywords",
                ],
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                    "title": {"type": "string", "minLength": 3, "maxLength": 100},
                    "description": {"type": "string", "minLength": 20},
                    "framework": {"enum": list(CATEGORIES)},
                    "category": {"type": "string"},
                    "topics": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string"},
                    },
                    "stage": {"enum": list(STAGES)},
                    "source": {"type": "string", "minLength": 3},
                    "keywords": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string"},
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    description: str
    framework: str
    category: str
    topics: tuple[str, ...]
    stage: str
    source: str
    keywords: tuple[str, ...]


def load_catalog(path: Path, topics: dict[str, Topic]) -> dict[str, Measure]:
    """Load and validate the catalogue; topics must exist in the lexicon."""
    document = load_document(path, SCHEMA)
    entries = document["measures"]
    check_unique_ids(path, "measures", entries)
    measures: dict[str, Measure] = {}
    for index, entry in enumerate(entries):
        where = f"{path}: measures[{index}] (id {entry['id']!r})"
        if entry["category"] not in CATEGORIES[entry["framework"]]:
            allowed = ", ".join(CATEGORIES[entry["framework"]])
            raise KnowledgeError(
                f"{where}: field 'category': {entry['category']!r} is not a category of "
                f"framework {entry['framework']!r} (allowed: {allowed})"
            )
        unknown = [t for t in entry["topics"] if t not in topics]
        if unknown:
            raise KnowledgeError(
                f"{where}: field 'topics': unknown topic(s) {', '.join(unknown)}; "
                "add them to topics.yml or fix the spelling"
            )
        measures[entry["id"]] = Measure(
            id=entry["id"],
            title=entry["title"].strip(),
            description=" ".join(entry["description"].split()),
            framework=entry["framework"],
            category=entry["category"],
            topics=tuple(entry["topics"]),
            stage=entry["stage"],
            source=entry["source"].strip(),
            keywords=tuple(k.lower() for k in entry["keywords"]),
        )
    return measures
