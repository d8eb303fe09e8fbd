"""Language analysis of statements with spaCy: lemmas, content words and topics.

A blank English pipeline with the lookup lemmatiser (tables from
`spacy-lookups-data`, nothing downloaded) and a PhraseMatcher over the topic
lexicon. Everything the assistant later concludes (common ground, measure
ranking) is computed from these features, so each conclusion can cite them.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType

from bot.knowledge.lexicon import Topic
from bot.mediation.semantics import Semantics
from bot.mediation.topics import TopicTagger

# Words that appear in almost every interest statement and so prove nothing shared.
FILLER_LEMMAS = frozenset(
    [
        "need",
        "want",
        "worry",
        "concern",
        "fear",
        "hope",
        "think",
        "feel",
        "believe",
        "like",
        "know",
        "say",
        "tell",
        "make",
        "get",
        "go",
        "come",
        "see",
        "look",
        "let",
        "thing",
        "way",
        "lot",
        "people",
        "side",
        "party",
        "country",
        "government",
        "community",
        "really",
        "also",
        "very",
        "much",
        "many",
        "just",
        "even",
        "still",
        "well",
        "able",
        "sure",
        "important",
        "matter",
        "care",
        "both",
        "other",
        "each",
        "every",
        "one",
        "two",
        "first",
        "new",
        "good",
        "bad",
        "time",
        "year",
        "day",
        "week",
        "month",
        "must",
        "should",
        "would",
        "could",
        "will",
        "shall",
        "can",
        "may",
        "might",
    ]
)

# Surface cues of a demand or fixed stance; used as evidence when coaching a position.
POSITION_CUES = frozenset(
    [
        "must",
        "demand",
        "demands",
        "insist",
        "insists",
        "never",
        "non-negotiable",
        "nonnegotiable",
        "ultimatum",
        "unless",
        "immediately",
        "refuse",
        "refuses",
        "require",
        "requires",
        "only",
        "withdraw",
        "final",
    ]
)

_WORD = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass(frozen=True)
class Analysis:
    """The features of one statement that the mediation logic relies on."""

    text: str
    lemmas: tuple[str, ...]
    topics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    position_cues: tuple[str, ...] = ()

    @property
    def content_lemmas(self) -> frozenset[str]:
        """Lemmas that can carry shared meaning (filler removed)."""
        return frozenset(lemma for lemma in self.lemmas if lemma not in FILLER_LEMMAS)


# thinc (spaCy's backend) imports each of these when it is installed, to offer it as a
# backend. Rasa puts TensorFlow in the same environment, so a process that only
# lemmatises (the action server) loaded TensorFlow, JAX and h5py: about 300 MB and
# seconds of start-up it never used.
UNUSED_BACKENDS = ("tensorflow", "jax", "h5py", "mxnet")


def _import_spacy() -> ModuleType:
    """spaCy, imported without the backends thinc would load and this never uses; a
    process that has already loaded one (the Rasa server, tests) keeps it."""
    hidden = [name for name in UNUSED_BACKENDS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import spacy
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                sys.modules.pop(name, None)
    return spacy


class Analyser:
    """Holds the spaCy pipeline and topic matcher; build once per process.

    With `semantics`, topics come from meaning (`bot/mediation/topics.py`) and the
    lexicon's matches become their explanation; without it, from the lexicon alone.
    """

    def __init__(self, topics: dict[str, Topic], semantics: Semantics | None = None) -> None:
        spacy = _import_spacy()
        from spacy.matcher import PhraseMatcher

        self._nlp = spacy.blank("en")
        self._nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        self._nlp.initialize()
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="LEMMA")
        self._topic_ids = {}
        for topic in topics.values():
            key = self._nlp.vocab.strings.add(topic.id)
            self._topic_ids[key] = topic.id
            patterns = list(self._nlp.pipe(topic.terms))
            # Terms are written in lemma form; match both the lemma and the lower form.
            self._matcher.add(topic.id, patterns)
        self.semantics = semantics
        self._tagger = TopicTagger(topics, semantics) if semantics is not None else None

    def analyse(self, text: str) -> Analysis:
        doc = self._nlp(text.lower())
        lemmas = tuple(
            token.lemma_.lower()
            for token in doc
            if not token.is_stop
            and not token.is_punct
            and len(token) > 1
            and _WORD.search(token.text)
        )
        topics: dict[str, list[str]] = {}
        for match_id, start, end in self._matcher(doc):
            # Evidence in lexicon form ("river" for "rivers"), as the lexicon lists it.
            term = " ".join(token.lemma_.lower() for token in doc[start:end])
            found = topics.setdefault(self._topic_ids[match_id], [])
            if term not in found:
                found.append(term)
        cues = tuple(dict.fromkeys(t.lower_ for t in doc if t.lower_ in POSITION_CUES))
        lexical = {topic: tuple(terms) for topic, terms in sorted(topics.items())}
        return Analysis(
            text=text,
            lemmas=lemmas,
            topics=self._tagger.tag(text, lexical) if self._tagger else lexical,
            position_cues=cues,
        )

    def analyse_many(self, texts: Iterable[str]) -> list[Analysis]:
        return [self.analyse(text) for text in texts]


@functools.lru_cache(maxsize=2)
def analyser_for(knowledge_dir: str) -> Analyser:
    """The process-wide analyser for a knowledge folder (spaCy and the encoder load once)."""
    from bot.knowledge.bundle import cached_knowledge
    from bot.mediation.semantics import default_semantics

    return Analyser(cached_knowledge(knowledge_dir).topics, default_semantics())
