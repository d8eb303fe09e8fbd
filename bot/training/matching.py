"""Matching a trainee's words to a scenario's answer key, with the evidence shown.

Two ways to match, the same the mediation uses (docs/architecture.md §3):
- **by meaning**: the sentence vectors of the trainee's words and of the key item
  are at least `MATCH_SIMILARITY` alike ("our boats can't reach the shoal"
  meets "its fishermen need access to the fishing grounds");
- **by words**: both go through the same spaCy analysis (lookup lemmas, topic
  lexicon), so "farmers irrigating their crops" meets the key words "farmer,
  irrigate, crop". Two shared content lemmas, or one on a shared topic: one
  common word alone ("water") is too weak to credit a trainee with an interest.
The evidence quotes the words that matched, and the similarity when meaning decided.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.knowledge.catalog import Measure
from bot.knowledge.scenarios import KeyPoint, Scenario
from bot.mediation.analysis import Analyser, Analysis
from bot.mediation.semantics import Semantics

# Calibrated on the scenarios' cues (a party's own words for each interest) against
# their interests: benchmarks/calibrate.py.
MATCH_SIMILARITY = 0.45


@dataclass(frozen=True)
class KeyItem:
    """One entry of the answer key, in the form matching needs."""

    id: str
    kind: str  # interest | position | common_ground | avoid
    party: str | None
    text: str
    lemmas: frozenset[str]
    topics: frozenset[str]
    meaning: str = ""  # what is compared by meaning, when not `text` (a measure's description)


@dataclass(frozen=True)
class Match:
    """Why a trainee's words count as this key item: the shared words and topics."""

    item: KeyItem
    words: tuple[str, ...]
    topics: tuple[str, ...]
    similarity: float = 0.0

    @property
    def strength(self) -> float:
        return 2 * len(self.words) + len(self.topics) + 10 * self.similarity

    def evidence(self) -> str:
        parts = []
        if self.similarity >= MATCH_SIMILARITY:
            parts.append(f"meaning {self.similarity:.2f} alike")
        if self.words:
            parts.append("words " + ", ".join(self.words))
        if self.topics:
            parts.append("topic " + ", ".join(self.topics))
        return "; ".join(parts)


def match(
    analysis: Analysis,
    item: KeyItem,
    words_only: bool = False,
    semantics: Semantics | None = None,
) -> Match | None:
    """`words_only`: neither a shared topic nor meaning helps (for moves to avoid, where
    good and bad proposals about the same water are alike in topic and meaning)."""
    words = tuple(sorted(analysis.content_lemmas & item.lemmas))
    topics = tuple(sorted(set(analysis.topics) & item.topics))
    similarity = 0.0
    if semantics is not None and not words_only:
        similarity = semantics.similarity(analysis.text, item.meaning or item.text)
    if len(words) >= 2 or (words and topics and not words_only) or similarity >= MATCH_SIMILARITY:
        return Match(item, words, topics, similarity)
    return None


def best_match(
    analysis: Analysis,
    items: Iterable[KeyItem],
    words_only: bool = False,
    semantics: Semantics | None = None,
) -> Match | None:
    """The strongest match (ties go to the earlier item, as the key lists them)."""
    best: Match | None = None
    for item in items:
        found = match(analysis, item, words_only, semantics)
        if found and (best is None or found.strength > best.strength):
            best = found
    return best


@dataclass(frozen=True)
class AnswerKey:
    """A scenario's answer key, analysed once per process."""

    scenario: Scenario
    interests: tuple[KeyItem, ...]
    positions: tuple[KeyItem, ...]
    common_ground: tuple[KeyItem, ...]
    avoid: tuple[KeyItem, ...]
    semantics: Semantics | None = None  # matching by meaning, when the analyser has it

    def interests_of(self, party: str) -> tuple[KeyItem, ...]:
        return tuple(i for i in self.interests if i.party == party)

    def interest(self, interest_id: str) -> KeyItem:
        return next(i for i in self.interests if i.id == interest_id)

    @classmethod
    def build(cls, scenario: Scenario, analyser: Analyser) -> AnswerKey:
        # A party's name proves nothing about what the trainee understood of it.
        names = set(analyser.analyse(" ".join(p.name for p in scenario.parties)).lemmas)

        def item(
            id_: str, kind: str, party: str | None, text: str, keywords: Iterable[str] = ()
        ) -> KeyItem:
            analysis = analyser.analyse(text)
            # The key's own words are listed as keywords (a position, which has none, is
            # matched on its content words); all go through the trainee's lemmatiser.
            words = analyser.analyse(" ".join(keywords)) if keywords else analysis
            return KeyItem(
                id=id_,
                kind=kind,
                party=party,
                text=text,
                lemmas=words.content_lemmas - names,
                topics=frozenset(analysis.topics),
            )

        interests, positions = [], []
        for party in scenario.parties:
            for interest in party.interests:
                built = item(interest.id, "interest", party.name, interest.text, interest.keywords)
                # The scenario names the interest's topics; the lexicon may find more.
                interests.append(
                    KeyItem(**{**built.__dict__, "topics": built.topics | set(interest.topics)})
                )
            for number, text in enumerate(party.positions, start=1):
                ident = f"{party.name}-position-{number}"
                positions.append(item(ident, "position", party.name, text))

        def points(kind: str, entries: tuple[KeyPoint, ...]) -> tuple[KeyItem, ...]:
            return tuple(
                item(f"{kind}-{n}", kind, None, p.text, p.keywords)
                for n, p in enumerate(entries, start=1)
            )

        return cls(
            scenario=scenario,
            interests=tuple(interests),
            positions=tuple(positions),
            common_ground=points("common_ground", scenario.common_ground),
            avoid=points("avoid", scenario.avoid),
            semantics=analyser.semantics,
        )


def catalogue_items(measures: Iterable[Measure], analyser: Analyser) -> tuple[KeyItem, ...]:
    """The measure catalogue in matchable form: a trainee's own proposal ("a hotline
    between the two navies") is credited as the catalogue measure it describes."""
    return tuple(
        KeyItem(
            id=m.id,
            kind="measure",
            party=None,
            text=m.title,
            lemmas=analyser.analyse(f"{m.title} {' '.join(m.keywords)}").content_lemmas,
            topics=frozenset(m.topics),
            meaning=f"{m.title}. {m.description}",
        )
        for m in measures
    )
