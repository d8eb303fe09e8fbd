"""All knowledge files, loaded and cross-checked together once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.catalog import Measure, load_catalog
from bot.knowledge.channels import Channel, load_channels
from bot.knowledge.lexicon import Topic, load_lexicon


@dataclass(frozen=True)
class Knowledge:
    topics: dict[str, Topic]
    measures: dict[str, Measure]
    channels: list[Channel]


def load_knowledge(directory: Path) -> Knowledge:
    """Load topics.yml, measures.yml and channels.yml from `directory` (raises KnowledgeError)."""
    topics = load_lexicon(directory / "topics.yml")
    return Knowledge(
        topics=topics,
        measures=load_catalog(directory / "measures.yml", topics),
        channels=load_channels(directory / "channels.yml", topics),
    )


@functools.lru_cache(maxsize=4)
def cached_knowledge(directory: str) -> Knowledge:
    return load_knowledge(Path(directory))
