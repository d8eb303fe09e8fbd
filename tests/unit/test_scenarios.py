"""Training scenarios load, are rich enough, and a broken file fails clearly."""

from __future__ import annotations

import shutil

import pytest
import yaml

from bot.knowledge import KnowledgeError, load_knowledge
from tests.conftest import KNOWLEDGE_DIR


def test_at_least_six_scenarios_across_domains(knowledge):
    scenarios = knowledge.scenarios
    assert len(scenarios) >= 6
    assert len({s.topic for s in scenarios.values()}) >= 5
    for scenario in scenarios.values():
        assert len(scenario.parties) >= 2 and scenario.common_ground and scenario.avoid
        for party in scenario.parties:
            assert party.positions and len(party.interests) >= 2 and party.stonewall
        assert all(m in knowledge.measures for m in scenario.measures)


def test_answer_key_keywords_are_what_the_analysis_sees(knowledge, analyser):
    """Each interest's own wording yields at least one of its keywords as a lemma."""
    for scenario in knowledge.scenarios.values():
        for party in scenario.parties:
            for interest in party.interests:
                lemmas = set(analyser.analyse(f"{interest.text} {interest.cue}").lemmas)
                assert lemmas & set(interest.keywords), (scenario.id, interest.id)


def _broken_copy(tmp_path, mutate):
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    path = target / "scenarios" / "shared-river-dam.yml"
    document = yaml.safe_load(path.read_text())
    mutate(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    return target


def test_missing_field_names_file_and_field(tmp_path):
    def drop(document):
        del document["parties"][1]["stonewall"]

    with pytest.raises(KnowledgeError) as error:
        load_knowledge(_broken_copy(tmp_path, drop))
    message = str(error.value)
    assert "shared-river-dam.yml" in message and "parties[1]" in message
    assert "'stonewall'" in message


def test_unknown_measure_is_reported(tmp_path):
    def unknown(document):
        document["measures"].append("teleportation")

    with pytest.raises(KnowledgeError, match=r"shared-river-dam\.yml: field 'measures'.*teleport"):
        load_knowledge(_broken_copy(tmp_path, unknown))


def test_an_avoid_entry_without_key_words_names_its_field(tmp_path):
    def drop(document):
        del document["avoid"][2]["keywords"]

    with pytest.raises(KnowledgeError) as error:
        load_knowledge(_broken_copy(tmp_path, drop))
    assert "shared-river-dam.yml" in str(error.value) and "'keywords'" in str(error.value)


def test_the_debrief_file_must_describe_every_skill(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    path = target / "debrief.yml"
    document = yaml.safe_load(path.read_text())
    document["skills"] = [s for s in document["skills"] if s["id"] != "tone"]
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(KnowledgeError, match=r"debrief\.yml: field 'skills': no entry for tone"):
        load_knowledge(target)
    del document["skills"][0]["tips"]["low"]
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(KnowledgeError, match=r"debrief\.yml: skills\[0\] \(id 'interests'\)"):
        load_knowledge(target)
