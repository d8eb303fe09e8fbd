"""The skills a training debrief scores and the method-grounded advice for each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.loader import KnowledgeError, check_unique_ids, load_document

SKILL_IDS = ("interests", "positions", "questions", "common_ground", "measures", "tone")
_TEXT = {"type": "string", "minLength": 10}
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "skills"],
    "properties": {
        "version": {"const": 1},
        "skills": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "label", "method", "tips"],
                "properties": {
                    "id": {"enum": list(SKILL_IDS)},
                    "label": {"type": "string", "minLength": 3},
                    "method": _TEXT,
                    "tips": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["none", "low", "good"],
                        "properties": {"none": _TEXT, "low": _TEXT, "good": _TEXT},
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Skill:
    id: str
    label: str
    method: str
    tips: dict[str, str]


def load_skills(path: Path) -> dict[str, Skill]:
    """Every scored skill, in debrief order; all six must be described."""
    document = load_document(path, SCHEMA)
    check_unique_ids(path, "skills", document["skills"])
    skills = {
        s["id"]: Skill(
            s["id"],
            s["label"],
            s["method"],
            {k: " ".join(v.split()) for k, v in s["tips"].items()},
        )
        for s in document["skills"]
    }
    missing = [s for s in SKILL_IDS if s not in skills]
    if missing:
        raise KnowledgeError(f"{path}: field 'skills': no entry for {', '.join(missing)}")
    return {s: skills[s] for s in SKILL_IDS}
