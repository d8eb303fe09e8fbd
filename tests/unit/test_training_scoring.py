"""Scoring a training session against the answer key: high for a perfect answer, low
for positions, lemmas matching other word forms, every score explained."""

from __future__ import annotations

import pytest

from bot.training.matching import AnswerKey, catalogue_items
from bot.training.scoring import (
    AskedQuestion,
    NamedStatement,
    TrainingRecord,
    score_session,
)
from tests.conftest import SCENARIO_IDS


@pytest.fixture(scope="module")
def catalogue(knowledge, analyser):
    return catalogue_items(knowledge.measures.values(), analyser)


@pytest.fixture(scope="module")
def river(knowledge, analyser):
    return AnswerKey.build(knowledge.scenarios["shared-river-dam"], analyser)


def _score(key, record, knowledge, catalogue):
    debrief = score_session(key, record, knowledge.skills, catalogue, knowledge.measures)
    return debrief, {s.skill: s for s in debrief.skills}


def perfect_record(scenario, analyser) -> TrainingRecord:
    """The answer key in the trainee's mouth: every interest, open questions revealing
    each one, the common ground and the fitting measures."""
    return TrainingRecord(
        statements=[
            NamedStatement(p.name, "interest", analyser.analyse(i.text))
            for p in scenario.parties
            for i in p.interests
        ],
        questions=[
            AskedQuestion(p.name, "open", i.id) for p in scenario.parties for i in p.interests
        ],
        common_ground=[analyser.analyse(c.text) for c in scenario.common_ground],
        accepted_measures=list(scenario.measures),
    )


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_a_perfect_answer_scores_high_in_every_scenario(
    scenario_id, knowledge, analyser, catalogue
):
    scenario = knowledge.scenarios[scenario_id]
    key = AnswerKey.build(scenario, analyser)
    debrief, skills = _score(key, perfect_record(scenario, analyser), knowledge, catalogue)
    assert skills["interests"].score == 1.0, skills["interests"]
    assert skills["positions"].score == 1.0
    assert skills["questions"].score == 1.0
    assert skills["common_ground"].score == 1.0, skills["common_ground"]
    assert skills["measures"].score == 1.0
    assert skills["tone"].score == 1.0
    assert debrief.overall == 1.0
    assert all(s.tip and s.method for s in debrief.skills)


def test_a_position_only_answer_scores_low(knowledge, analyser, catalogue, river):
    """Naming each party's public demands as its interests."""
    record = TrainingRecord(
        statements=[
            NamedStatement(p.name, "interest", analyser.analyse(text))
            for p in river.scenario.parties
            for text in p.positions
        ]
    )
    debrief, skills = _score(river, record, knowledge, catalogue)
    assert skills["positions"].score == 0.0
    assert "6 of 6 things named were positions" in skills["positions"].summary
    assert any("restates Riverland's position" in m for m in skills["positions"].missed)
    assert skills["interests"].score < 0.5
    assert debrief.overall < 0.4
    assert "Behind every position" in skills["interests"].tip


def test_positions_recognised_by_nlu_count_as_mistaken(knowledge, analyser, catalogue, river):
    record = TrainingRecord(
        statements=[
            NamedStatement("Riverland", "position", analyser.analyse("They must stop the dam now")),
            NamedStatement(
                "Riverland", "interest", analyser.analyse("Riverland's farmers need summer flow")
            ),
        ]
    )
    _, skills = _score(river, record, knowledge, catalogue)
    assert skills["positions"].score == 0.5
    assert "signal words: must" in skills["positions"].missed[0]


def test_other_word_forms_match_through_lemmas_and_the_debrief_says_which(
    knowledge, analyser, catalogue, river
):
    """ "irrigating", "crops", "harvests" meet the key words irrigate, crop, harvest."""
    record = TrainingRecord(
        statements=[
            NamedStatement(
                "Riverland",
                "interest",
                analyser.analyse("Their farmers are irrigating crops and fear for the harvests"),
            ),
            NamedStatement(
                "Highvale", "interest", analyser.analyse("Villages without electricity want power")
            ),
        ]
    )
    _, skills = _score(river, record, knowledge, catalogue)
    interests = skills["interests"]
    assert "Recall 2 of 8" in interests.summary and "precision 2 of 2" in interests.summary
    irrigation = next(f for f in interests.found if f.startswith("Riverland:"))
    assert "matched words crop, farmer, harvest, irrigate" in irrigation
    assert any("electricity" in f and "village" in f for f in interests.found)
    assert len(interests.missed) == 6
    assert interests.score == pytest.approx(2 * 1.0 * 0.25 / 1.25, abs=0.001)


def test_an_interest_given_to_the_wrong_party_is_not_credited(
    knowledge, analyser, catalogue, river
):
    record = TrainingRecord(
        statements=[
            NamedStatement(
                "Riverland", "interest", analyser.analyse("They need to repay the dam loans")
            )
        ]
    )
    _, skills = _score(river, record, knowledge, catalogue)
    assert skills["interests"].score == 0.0
    assert any("fits Highvale, not Riverland" in f for f in skills["interests"].found)


@pytest.mark.parametrize("scenario_id", ["shared-river-dam", "cyber-incident", "refugee-flows"])
def test_nothing_done_gives_zero_scores_each_explained(scenario_id, knowledge, analyser, catalogue):
    """A trainee who skipped every step or only said "I don't know"."""
    key = AnswerKey.build(knowledge.scenarios[scenario_id], analyser)
    debrief, skills = _score(key, TrainingRecord(), knowledge, catalogue)
    assert [s.score for s in debrief.skills] == [0.0] * 6
    assert debrief.overall == 0.0
    for skill in debrief.skills:
        assert skill.summary and skill.tip == knowledge.skills[skill.skill].tips["none"]
    assert len(skills["interests"].missed) == len(key.interests)
    assert skills["questions"].summary == "No questions asked to the parties."


def test_question_quality_mixes_form_and_what_was_revealed(knowledge, analyser, catalogue, river):
    record = TrainingRecord(
        questions=[
            AskedQuestion("Riverland", "open", "summer-irrigation"),
            AskedQuestion("Riverland", "leading", None),
            AskedQuestion("Highvale", "hostile", None),
            AskedQuestion("Highvale", "closed", None),
        ]
    )
    _, skills = _score(river, record, knowledge, catalogue)
    form = (1.0 + 0 + 0 + 0.25) / 4
    assert skills["questions"].score == pytest.approx(0.6 * form + 0.4 * (1 / 8), abs=0.001)
    assert "1 open and on an interest, 1 yes-or-no, 1 leading, 1 hostile" in (
        skills["questions"].summary
    )
    assert "Rephrase a hostile question" in skills["questions"].tip
    assert skills["tone"].score == 0.75  # one hostile question
    assert skills["tone"].tip == knowledge.skills["tone"].tips["low"]


def test_own_measures_match_the_catalogue_and_moves_to_avoid_cost(
    knowledge, analyser, catalogue, river
):
    record = TrainingRecord(
        own_measures=[
            analyser.analyse("set up a joint river basin commission"),
            analyser.analyse("split the water half and half"),
        ],
        accepted_measures=["hydrological-data-sharing"],
    )
    _, skills = _score(river, record, knowledge, catalogue)
    measures = skills["measures"]
    assert any(f.startswith("Joint river basin commission: your words") for f in measures.found)
    assert any("move to avoid" in m and "split" in m for m in measures.missed)
    assert "2 of 4 fitting measures proposed" in measures.summary
    assert measures.score < 0.6


def test_common_ground_in_the_trainees_own_words(knowledge, analyser, catalogue, river):
    record = TrainingRecord(
        common_ground=[
            analyser.analyse("both sides want to share information on rainfall and river flow"),
            analyser.analyse("they both like football"),
        ]
    )
    _, skills = _score(river, record, knowledge, catalogue)
    cg = skills["common_ground"]
    assert "Recall 1 of 3" in cg.summary and "precision 1 of 2" in cg.summary
    assert any("matched no shared interest" in f for f in cg.found)


def test_the_chat_debrief_is_short_with_bars_and_the_link(knowledge, analyser, catalogue, river):
    from bot.training.debrief import bar, chat_messages

    debrief, _ = _score(river, perfect_record(river.scenario, analyser), knowledge, catalogue)
    messages = chat_messages(debrief, river.scenario.title, "http://x/debrief/abc")
    assert messages[0].startswith("Debrief for “A shared river and a new dam”. Overall: 100%.")
    assert messages[0].count("██████████ 100%") == 6
    assert len(messages) == 8 and messages[-1].endswith(
        "[open the debrief page](http://x/debrief/abc)"
    )
    assert "(and 5 more on the debrief page)" in messages[1]  # 8 found, 3 shown
    assert ".." not in "".join(messages)
    assert bar(0.34) == "███░░░░░░░"


def test_a_paraphrase_with_no_shared_word_matches_by_meaning(knowledge, semantic_analyser):
    from bot.training.matching import AnswerKey, best_match

    key = AnswerKey.build(knowledge.scenarios["border-military-incidents"], semantic_analyser)
    text = "Arvelia's shepherds want to take their flocks up to the mountain meadows again"
    analysis = semantic_analyser.analyse(text)
    found = best_match(analysis, key.interests, semantics=key.semantics)
    assert found is not None and found.item.id == "herders-pastures"
    assert found.evidence().startswith("meaning 0.")  # the evidence says how it matched
    assert best_match(analysis, key.interests) is None  # no shared word: lexical misses it
