"""The knowledge files load, are rich enough, and bad entries fail clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.knowledge import KnowledgeError, load_knowledge
from bot.knowledge.catalog import CATEGORIES, STAGES
from tests.conftest import KNOWLEDGE_DIR


def test_catalogue_covers_the_design(knowledge):
    measures = list(knowledge.measures.values())
    assert len(measures) >= 40
    used = {(m.framework, m.category) for m in measures}
    for framework, categories in CATEGORIES.items():
        for category in categories:
            assert (framework, category) in used, f"no measure for {framework}/{category}"
    assert {m.stage for m in measures} == set(STAGES)
    for topic in knowledge.topics:
        assert any(topic in m.topics for m in measures), f"no measure serves {topic}"


def test_lexicon_and_channels(knowledge):
    for expected in (
        "water",
        "energy",
        "security",
        "trade",
        "fisheries",
        "borders",
        "migration",
        "culture",
        "environment",
        "cyber",
        "health",
    ):
        assert expected in knowledge.topics
    titles = {c.id for c in knowledge.channels}
    assert {
        "diplomatic-channels",
        "track-two",
        "multilateral-fora",
        "people-to-people",
        "digital-diplomacy",
    } <= titles


def _copy_with(tmp_path: Path, filename: str, mutate) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    document = yaml.safe_load((target / filename).read_text())
    mutate(document)
    (target / filename).write_text(yaml.safe_dump(document, allow_unicode=True))
    return target


def test_missing_field_names_file_entry_and_field(tmp_path):
    def drop_stage(doc):
        del doc["measures"][3]["stage"]

    directory = _copy_with(tmp_path, "measures.yml", drop_stage)
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(directory)
    message = str(error.value)
    assert "measures.yml" in message and "measures[3]" in message and "'stage'" in message


def test_wrong_category_for_framework(tmp_path):
    def wrong(doc):
        doc["measures"][0]["framework"] = "unoda"
        doc["measures"][0]["category"] = "cultural"

    directory = _copy_with(tmp_path, "measures.yml", wrong)
    with pytest.raises(KnowledgeError, match=r"measures\[0\].*'category'.*unoda"):
        load_knowledge(directory)


def test_unknown_topic_and_duplicate_id(tmp_path):
    def unknown(doc):
        doc["measures"][1]["topics"] = ["water", "astrology"]

    with pytest.raises(KnowledgeError, match="astrology"):
        load_knowledge(_copy_with(tmp_path / "a", "measures.yml", unknown))

    def duplicate(doc):
        doc["measures"][2]["id"] = doc["measures"][1]["id"]

    with pytest.raises(KnowledgeError, match="duplicate id"):
        load_knowledge(_copy_with(tmp_path / "b", "measures.yml", duplicate))


def test_term_in_two_topics_is_rejected(tmp_path):
    def clash(doc):
        doc["topics"][1]["terms"].append(doc["topics"][0]["terms"][0])

    with pytest.raises(KnowledgeError, match="already listed under topic"):
        load_knowledge(_copy_with(tmp_path, "topics.yml", clash))


def test_invalid_yaml_is_reported(tmp_path):
    directory = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, directory)
    (directory / "channels.yml").write_text("channels: [unclosed\n")
    with pytest.raises(KnowledgeError, match=r"channels\.yml: not valid YAML"):
        load_knowledge(directory)
