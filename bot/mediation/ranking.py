"""Ranking confidence-building measures for one case, each with its reason.

The score is transparent on purpose: topics the case raised (double weight when
the parties share them), words of the case that the measure's keywords answer,
and a small preference for first steps, since trust is usually low when a
mediation starts. The reason line is built from exactly that evidence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.knowledge.catalog import STAGE_LABELS, Measure
from bot.knowledge.lexicon import Topic
from bot.mediation.analysis import Analysis

STAGE_BONUS = {"first_steps": 1.5, "deepening": 0.5, "institutionalising": 0.0}
SHARED_TOPIC_WEIGHT = 2.0
TOPIC_WEIGHT = 1.0
KEYWORD_WEIGHT = 1.0


@dataclass(frozen=True)
class CaseProfile:
    """What the case is about, as the analysis saw it."""

    topic_counts: Mapping[str, int] = field(default_factory=dict)
    shared_topics: frozenset[str] = frozenset()
    lemmas: frozenset[str] = frozenset()

    @classmethod
    def from_analyses(
        cls, analyses: Iterable[Analysis], shared_topics: Iterable[str] = ()
    ) -> CaseProfile:
        counts: Counter[str] = Counter()
        lemmas: set[str] = set()
        for analysis in analyses:
            counts.update(analysis.topics.keys())
            lemmas.update(analysis.content_lemmas)
        return cls(dict(counts), frozenset(shared_topics), frozenset(lemmas))


@dataclass(frozen=True)
class RankedMeasure:
    measure: Measure
    score: float
    reason: str
    topics: tuple[str, ...]
    keywords: tuple[str, ...]

    def as_evidence(self) -> dict:
        return {
            "score": round(self.score, 2),
            "topics": list(self.topics),
            "keywords": list(self.keywords),
        }


def _reason(
    measure: Measure,
    topics: Sequence[str],
    shared: frozenset[str],
    keywords: Sequence[str],
    labels: Mapping[str, Topic],
) -> str:
    parts = []
    if topics:
        named = [labels[t].label.lower() if t in labels else t for t in topics]
        shared_note = " (shared by the parties)" if shared.intersection(topics) else ""
        parts.append(f"fits {', '.join(named)}{shared_note}")
    if keywords:
        parts.append("answers what was said about " + ", ".join(f"“{k}”" for k in keywords))
    parts.append(STAGE_LABELS[measure.stage])
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def rank_measures(
    measures: Iterable[Measure],
    case: CaseProfile,
    topics: Mapping[str, Topic],
    exclude: Iterable[str] = (),
) -> list[RankedMeasure]:
    """All relevant measures, best first; ties broken by id so the order is stable.

    A measure is relevant when it shares a topic or a keyword with the case. When
    the case gave nothing to go on (no topics, no matching words), first-step
    measures are offered so the user still has something to react to.
    """
    excluded = set(exclude)
    ranked: list[RankedMeasure] = []
    fallback: list[RankedMeasure] = []
    for measure in measures:
        if measure.id in excluded:
            continue
        hit_topics = tuple(t for t in measure.topics if case.topic_counts.get(t))
        hit_keywords = tuple(k for k in measure.keywords if k in case.lemmas)
        score = STAGE_BONUS[measure.stage]
        for topic in hit_topics:
            weight = SHARED_TOPIC_WEIGHT if topic in case.shared_topics else TOPIC_WEIGHT
            score += weight * min(case.topic_counts[topic], 3)
        score += KEYWORD_WEIGHT * len(hit_keywords)
        entry = RankedMeasure(
            measure,
            score,
            _reason(measure, hit_topics, case.shared_topics, hit_keywords, topics),
            hit_topics,
            hit_keywords,
        )
        if hit_topics or hit_keywords:
            ranked.append(entry)
        elif measure.stage == "first_steps":
            fallback.append(entry)
    pool = ranked or fallback
    return sorted(pool, key=lambda r: (-r.score, r.measure.id))
