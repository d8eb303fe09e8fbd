from __future__ import annotations

from bot.mediation.ranking import CaseProfile, rank_measures


def test_water_case_ranks_water_measures_first(analyser, knowledge):
    analyses = [
        analyser.analyse("our farmers depend on the river and fear drought"),
        analyser.analyse("the reservoir behind the dam is our drinking water"),
    ]
    case = CaseProfile.from_analyses(analyses, shared_topics={"water"})
    ranked = rank_measures(knowledge.measures.values(), case, knowledge.topics)
    top = ranked[:3]
    assert all("water" in r.measure.topics for r in top)
    assert all("water and rivers" in r.reason.lower() or "water" in r.reason.lower() for r in top)
    assert "shared by the parties" in top[0].reason
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)


def test_security_case_differs_from_water_case(analyser, knowledge):
    case = CaseProfile.from_analyses(
        [analyser.analyse("soldiers patrol the border and military exercises scare villagers")]
    )
    ranked = rank_measures(knowledge.measures.values(), case, knowledge.topics)
    assert "security" in ranked[0].measure.topics or "borders" in ranked[0].measure.topics
    assert ranked[0].topics


def test_exclusions_and_stable_order(analyser, knowledge):
    case = CaseProfile.from_analyses([analyser.analyse("fishing boats and fish stocks")])
    first = rank_measures(knowledge.measures.values(), case, knowledge.topics)
    again = rank_measures(knowledge.measures.values(), case, knowledge.topics)
    assert [r.measure.id for r in first] == [r.measure.id for r in again]
    rest = rank_measures(
        knowledge.measures.values(),
        case,
        knowledge.topics,
        exclude=[r.measure.id for r in first[:3]],
    )
    assert [r.measure.id for r in rest] == [r.measure.id for r in first[3:]]


def test_empty_case_still_offers_first_steps(knowledge):
    ranked = rank_measures(knowledge.measures.values(), CaseProfile(), knowledge.topics)
    assert ranked and all(r.measure.stage == "first_steps" for r in ranked)
