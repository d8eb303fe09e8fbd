"""Knowledge the assistant uses (measures, topics, channels), validated when loaded."""

from bot.knowledge.bundle import Knowledge, cached_knowledge, load_knowledge
from bot.knowledge.catalog import Measure, load_catalog
from bot.knowledge.channels import Channel, load_channels
from bot.knowledge.lexicon import Topic, load_lexicon
from bot.knowledge.loader import KnowledgeError

__all__ = [
    "Channel",
    "Knowledge",
    "KnowledgeError",
    "Measure",
    "Topic",
    "cached_knowledge",
    "load_catalog",
    "load_channels",
    "load_knowledge",
    "load_lexicon",
]
