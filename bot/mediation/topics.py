"""Topics from meaning: a statement is about the topics whose descriptions it is
closest to, not about every topic one of its words appears under.

"We want to sell surplus power to our neighbours to pay for schools and roads"
contains "road", a term of *infrastructure*, but it means energy and the economy.
The lexicon's terms still matter: they are the explanation shown to the user
("energy: power"), and a term match lowers the bar a little, since a named dam
or tariff is strong evidence. Thresholds are calibrated on the training
scenarios' labelled interests (docs/architecture.md, `benchmarks/calibrate.py`).
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.knowledge.lexicon import Topic
from bot.mediation.semantics import Semantics

TOPIC_SIMILARITY = 0.30  # a topic is taken at this similarity to its closest description
TERM_SIMILARITY = 0.14  # ... or at this one when one of its terms is in the text
MARGIN = 0.12  # and only within this of the best topic
MAX_TOPICS = 2


class TopicTagger:
    """Similarity of a statement to each topic's description sentences."""

    def __init__(
        self,
        topics: Mapping[str, Topic],
        semantics: Semantics,
        threshold: float = TOPIC_SIMILARITY,
        term_threshold: float = TERM_SIMILARITY,
        margin: float = MARGIN,
    ) -> None:
        self._semantics = semantics
        self._ids: list[str] = []
        rows: list[str] = []
        for topic in topics.values():
            for sentence in (topic.label, *topic.descriptions):
                self._ids.append(topic.id)
                rows.append(sentence)
        self._matrix = semantics.matrix(rows)
        self.threshold, self.term_threshold, self.margin = threshold, term_threshold, margin

    def scores(self, text: str) -> dict[str, float]:
        """Each topic's similarity: the best over its label and description sentences."""
        sims = self._matrix @ self._semantics.vector(text)
        best: dict[str, float] = {}
        for topic_id, sim in zip(self._ids, sims.tolist(), strict=True):
            best[topic_id] = max(sim, best.get(topic_id, -1.0))
        return best

    def tag(self, text: str, lexical: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        """Topics of `text` (best first), each with the lexicon terms that explain it."""
        scores = self.scores(text)
        top = max(scores.values(), default=0.0)
        chosen = [
            topic
            for topic, score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
            if score >= top - self.margin
            and score >= (self.term_threshold if lexical.get(topic) else self.threshold)
        ][:MAX_TOPICS]
        return {topic: tuple(lexical.get(topic, ())) for topic in chosen}
