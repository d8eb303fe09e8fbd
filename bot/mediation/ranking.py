"""Ranking confidence-building measures for one case, each with its reason.

The score is first the measure's **semantic fit** with the case: the similarity of
its description to what was said, the shared needs and contested ground first
(`PRIORITY_WEIGHT`), then every interest and option. Topics the case raised and
words the measure's keywords answer add a little and make up the reason line
shown to the user, with a small preference for first steps, since trust is
usually low when a mediation starts. Without a semantic layer the score is the
lexical one alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.knowledge.catalog import STAGE_LABELS, Measure
from bot.knowledge.lexicon import Topic
from bot.mediation.analysis import Analysis
from bot.mediation.semantics import Semantics

STAGE_BONUS = {"first_steps": 1.5, "deepening": 0.5, "institutionalising": 0.0}
SHARED_TOPIC_WEIGHT = 2.0
TOPIC_WEIGHT = 1.0
KEYWORD_WEIGHT = 1.0
# Semantic fit: similarity scaled to dominate the lexical evidence, which then breaks ties.
FIT_WEIGHT = 20.0
PRIORITY_WEIGHT = 1.0  # shared needs and contested ground
STATEMENT_WEIGHT = 0.85  # every other interest and option
SEMANTIC_LEXICAL_SCALE = 0.25  # lexical evidence counts a quarter when meaning decides
MIN_FIT = 0.2  # below this a measure is not relevant by meaning


@dataclass(frozen=True)
class CaseProfile:
    """What the case is about, as the analysis saw it."""

    topic_counts: Mapping[str, int] = field(default_factory=dict)
    shared_topics: frozenset[str] = frozenset()
    lemmas: frozenset[str] = frozenset()
    # (text, weight): what the measures are compared with by meaning.
    texts: tuple[tuple[str, float], ...] = ()

    @classmethod
    def from_analyses(
        cls,
        analyses: Iterable[Analysis],
        shared_topics: Iterable[str] = (),
        priority_texts: Iterable[str] = (),
    ) -> CaseProfile:
        counts: Counter[str] = Counter()
        lemmas: set[str] = set()
        texts = [(text, PRIORITY_WEIGHT) for text in priority_texts]
        for analysis in analyses:
            counts.update(analysis.topics.keys())
            lemmas.update(analysis.content_lemmas)
            texts.append((analysis.text, STATEMENT_WEIGHT))
        return cls(dict(counts), frozenset(shared_topics), frozenset(lemmas), tuple(texts))


@dataclass(frozen=True)
class RankedMeasure:
    measure: Measure
    score: float
    reason: str
    topics: tuple[str, ...]
    keywords: tuple[str, ...]
    fit: float | None = None
    closest: str | None = None  # what was said that the measure answers best

    def as_evidence(self) -> dict:
        return {
            "score": round(self.score, 2),
            "topics": list(self.topics),
            "keywords": list(self.keywords),
            "fit": None if self.fit is None else round(self.fit, 3),
            "closest": self.closest,
        }


def measure_text(measure: Measure) -> str:
    """What a measure is compared with: its title and description."""
    return f"{measure.title}. {measure.description}"


def _reason(
    measure: Measure,
    topics: Sequence[str],
    shared: frozenset[str],
    keywords: Sequence[str],
    labels: Mapping[str, Topic],
    closest: str | None = None,
) -> str:
    parts = []
    if closest:
        quoted = closest if len(closest) <= 90 else closest[:87].rstrip() + "…"
        parts.append(f"answers “{quoted}”")
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
    semantics: Semantics | None = None,
) -> list[RankedMeasure]:
    """All relevant measures, best first; ties broken by id so the order is stable.

    A measure is relevant when it fits what was said by meaning, or shares a topic or
    a keyword with the case. When the case gave nothing to go on, first-step
    measures are offered so the user still has something to react to.
    """
    excluded = set(exclude)
    ranked: list[RankedMeasure] = []
    fallback: list[RankedMeasure] = []
    candidates = [m for m in measures if m.id not in excluded]
    fits = _fits(candidates, case, semantics)
    for measure, (fit, closest) in zip(candidates, fits, strict=True):
        hit_topics = tuple(t for t in measure.topics if case.topic_counts.get(t))
        hit_keywords = tuple(k for k in measure.keywords if k in case.lemmas)
        lexical = 0.0
        for topic in hit_topics:
            weight = SHARED_TOPIC_WEIGHT if topic in case.shared_topics else TOPIC_WEIGHT
            lexical += weight * min(case.topic_counts[topic], 3)
        lexical += KEYWORD_WEIGHT * len(hit_keywords)
        if fit is None:
            score = STAGE_BONUS[measure.stage] + lexical
        else:
            score = FIT_WEIGHT * fit + SEMANTIC_LEXICAL_SCALE * (
                lexical + STAGE_BONUS[measure.stage]
            )
        entry = RankedMeasure(
            measure,
            score,
            _reason(measure, hit_topics, case.shared_topics, hit_keywords, topics, closest),
            hit_topics,
            hit_keywords,
            fit,
            closest,
        )
        if (fit is not None and fit >= MIN_FIT) or hit_topics or hit_keywords:
            ranked.append(entry)
        elif measure.stage == "first_steps":
            fallback.append(entry)
    pool = ranked or fallback
    return sorted(pool, key=lambda r: (-r.score, r.measure.id))


def _fits(
    measures: Sequence[Measure], case: CaseProfile, semantics: Semantics | None
) -> list[tuple[float | None, str | None]]:
    """Each measure's fit (mean of its best and its three best weighted similarities
    to the case's texts) and the text it answers best; (None, None) without meaning."""
    if semantics is None or not case.texts or not measures:
        return [(None, None)] * len(measures)
    texts = [text for text, _ in case.texts]
    weights = np.array([weight for _, weight in case.texts], dtype=np.float32)
    sims = semantics.similarities([measure_text(m) for m in measures], texts) * weights
    result: list[tuple[float | None, str | None]] = []
    for row in sims:
        order = np.argsort(-row)
        fit = 0.5 * float(row[order[0]]) + 0.5 * float(row[order[:3]].mean())
        result.append((fit, texts[int(order[0])]))
    return result
