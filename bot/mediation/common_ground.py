"""Finding common ground: interests that two or more parties share.

Two kinds of evidence count: a topic from the lexicon that several parties'
interests touch, and content words (lemmas) that several parties use. Every item
keeps that evidence so the assistant can say *why* it thinks the ground is shared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.knowledge.lexicon import Topic
from bot.mediation.analysis import Analysis

MAX_LEMMA_ITEMS = 4


@dataclass(frozen=True)
class CommonGroundItem:
    text: str
    parties: tuple[str, ...]
    topics: tuple[str, ...] = ()
    shared_lemmas: tuple[str, ...] = ()
    evidence: Mapping[str, tuple[str, ...]] | None = None

    def as_evidence(self) -> dict:
        return {
            "parties": list(self.parties),
            "topics": list(self.topics),
            "shared_lemmas": list(self.shared_lemmas),
            "words_by_party": {p: list(w) for p, w in (self.evidence or {}).items()},
        }


def join_names(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _subject(parties: Sequence[str], total: int) -> str:
    if len(parties) == total == 2:
        return f"Both {join_names(parties)}"
    if len(parties) == total:
        return f"All of {join_names(parties)}"
    return join_names(parties)


def find_common_ground(
    interests: Mapping[str, Sequence[Analysis]], topics: Mapping[str, Topic]
) -> list[CommonGroundItem]:
    """Shared topics first (most parties, most words), then shared words."""
    parties = [p for p, analyses in interests.items() if analyses]
    total = len(interests)
    items: list[tuple[tuple, CommonGroundItem]] = []
    covered_terms: set[str] = set()

    for topic_id, topic in topics.items():
        words = {
            party: tuple(
                dict.fromkeys(t for a in interests[party] for t in a.topics.get(topic_id, ()))
            )
            for party in parties
        }
        sharing = [p for p in parties if words[p]]
        if len(sharing) < 2:
            continue
        evidence = {p: words[p] for p in sharing}
        covered_terms.update(t for ws in evidence.values() for w in ws for t in w.split())
        said = "; ".join(f"{p}: {', '.join(ws)}" for p, ws in evidence.items())
        item = CommonGroundItem(
            text=f"{_subject(sharing, total)} have interests in {topic.label.lower()} ({said}).",
            parties=tuple(sharing),
            topics=(topic_id,),
            evidence=evidence,
        )
        items.append(((0, -len(sharing), -sum(map(len, evidence.values())), topic_id), item))

    lemma_parties: dict[str, list[str]] = {}
    for party in parties:
        for lemma in sorted(frozenset().union(*(a.content_lemmas for a in interests[party]))):
            lemma_parties.setdefault(lemma, []).append(party)
    shared = [
        (lemma, sharing)
        for lemma, sharing in lemma_parties.items()
        if len(sharing) >= 2 and lemma not in covered_terms
    ]
    shared.sort(key=lambda pair: (-len(pair[1]), pair[0]))
    for lemma, sharing in shared[:MAX_LEMMA_ITEMS]:
        item = CommonGroundItem(
            text=f"{_subject(sharing, total)} speak of “{lemma}”.",
            parties=tuple(sharing),
            shared_lemmas=(lemma,),
            evidence={p: (lemma,) for p in sharing},
        )
        items.append(((1, -len(sharing), 0, lemma), item))

    return [item for _, item in sorted(items, key=lambda pair: pair[0])]
