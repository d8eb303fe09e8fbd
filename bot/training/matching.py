"""Matching a trainee's words to a scenario's answer key, with the evidence shown.

Both sides go through the same spaCy analysis (lookup lemmas, topic lexicon), so
"farmers irrigating their crops" meets the key words "farmer, irrigate, crop".
A match needs two shared content lemmas, or one shared lemma on a shared topic:
one common word alone ("water") is too weak to credit a trainee with an interest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.knowledge.catalog import Measure
from bot.knowledge.scenarios import KeyPoint, Scenario
from bot.mediation.analysis import Analyser, Analysis


@dataclass(frozen=True)
class KeyItem:
    """One entry of the answer key, in the form matching needs."""

    id: str
    kind: str  # interest | position | common_ground | avoid
    party: str | None
    text: str
    lemmas: frozenset[str]
    topics: frozenset[str]


@dataclass(frozen=True)
class Match:
    """Why a trainee's words count as this key item: the shared words and topics."""

    item: KeyItem
    words: tuple[str, ...]
    topics: tuple[str, ...]

    @property
    def strength(self) -> int:
        return 2 * len(self.words) + len(self.topics)

    def evidence(self) -> str:
        parts = []
        if self.words:
            parts.append("words " + ", ".join(self.words))
        if self.topics:
            parts.append("topic " + ", ".join(self.topics))
        return "; ".join(parts)


def match(analysis: Analysis, item: KeyItem, words_only: bool = False) -> Match | None:
    """`words_only`: a shared topic does not help (for moves to avoid, where a topic
    such as water is shared by good and bad proposals alike)."""
    words = tuple(sorted(analysis.content_lemmas & item.lemmas))
    topics = tuple(sorted(set(analysis.topics) & item.topics))
    if len(words) >= 2 or (words and topics and not words_only):
        return Match(item, words, topics)
    return None


def best_match(
    analysis: Analysis, items: Iterable[KeyItem], words_only: bool = False
) -> Match | None:
    """The strongest match (ties go to the earlier item, as the key lists them)."""
    best: Match | None = None
    for item in items:
        found = match(analysis, item, words_only)
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
        )
        for m in measures
    )
