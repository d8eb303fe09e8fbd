"""All knowledge files, loaded and cross-checked together once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.catalog import Measure, load_catalog
from bot.knowledge.channels import Channel, load_channels
from bot.knowledge.debrief import Skill, load_skills
from bot.knowledge.lexicon import Topic, load_lexicon
from bot.knowledge.scenarios import Scenario, load_scenarios


@dataclass(frozen=True)
class Knowledge:
    topics: dict[str, Topic]
    measures: dict[str, Measure]
    channels: list[Channel]
    scenarios: dict[str, Scenario]
    skills: dict[str, Skill]


def load_knowledge(directory: Path) -> Knowledge:
    """Load topics, measures, channels, scenarios/ and debrief.yml (raises KnowledgeError)."""
    topics = load_lexicon(directory / "topics.yml")
    measures = load_catalog(directory / "measures.yml", topics)
    return Knowledge(
        topics=topics,
        measures=measures,
        channels=load_channels(directory / "channels.yml", topics),
        scenarios=load_scenarios(directory / "scenarios", topics, measures),
        skills=load_skills(directory / "debrief.yml"),
    )


@functools.lru_cache(maxsize=4)
def cached_knowledge(directory: str) -> Knowledge:
    return load_knowledge(Path(directory))
