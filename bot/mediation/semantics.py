"""Meaning as vectors: one sentence encoder per process, and a cache of what it has read.

The mediation's judgements (what kind of statement, which topic, which interests
mean the same thing, which measure fits) compare unit-length sentence vectors
from all-MiniLM-L6-v2, the encoder the NLU pipeline already ships
(`bot/mediation/encoder.py`). A conversation re-reads its earlier statements at
every step, so vectors are cached by text: each sentence is encoded once.

Whether two parties' interests are one shared need is judged by `alignment`, not by
the sentence vectors: each content word of one sentence is matched with its closest
word (in context) in the other, as BERTScore does. On the development cases this
separates shared needs from different needs on the same topic better than the
sentence vectors (pair AUC 0.91 against 0.85, docs/architecture.md), because a mean
over a whole sentence is dominated by its topic and framing ("we need", the party's
name), while the alignment asks whether what is needed has a counterpart.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np

CACHE_SIZE = 20_000  # sentences; 384 float32 each, so about 30 MB at most
WORDS_CACHE_SIZE = 2_000  # sentences' word vectors; float16, about 25 kB each, 50 MB at most

# Words that frame a need rather than say what is needed: not aligned.
FRAME_WORDS = frozenset(
    """the a an of to in on at for with and or but is are be we they our their it its that
    this must need needs want wants have has""".split()  # noqa: SIM905 (a word list)
)


class Encoder(Protocol):
    def encode(self, text: str): ...  # returns an Encoding with a `.sentence` vector


class Semantics:
    """Unit sentence vectors with a bounded, thread-safe cache."""

    def __init__(self, encoder: Encoder, cache_size: int = CACHE_SIZE) -> None:
        self._encoder = encoder
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._words: OrderedDict[str, tuple[np.ndarray, tuple[tuple[int, int], ...]]] = (
            OrderedDict()
        )
        self._size = cache_size
        self._lock = threading.Lock()

    def vector(self, text: str) -> np.ndarray:
        key = " ".join(text.split())
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        return self._encode(key)[0]

    def _encode(
        self, key: str
    ) -> tuple[np.ndarray, tuple[np.ndarray, tuple[tuple[int, int], ...]]]:
        """Encode once, keeping both the sentence vector and the word vectors."""
        encoding = self._encoder.encode(key or ".")
        vector = encoding.sentence.astype(np.float32)
        vector.setflags(write=False)
        rows = encoding.vectors / np.maximum(
            np.linalg.norm(encoding.vectors, axis=1, keepdims=True), 1e-12
        )
        words = (rows.astype(np.float16), tuple(encoding.offsets))
        with self._lock:
            self._cache[key] = vector
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
            self._words[key] = words
            if len(self._words) > WORDS_CACHE_SIZE:
                self._words.popitem(last=False)
        return vector, words

    def _word_vectors(self, key: str) -> tuple[np.ndarray, tuple[tuple[int, int], ...]]:
        """Unit contextual vectors of each word piece of `key`, with their spans."""
        with self._lock:
            hit = self._words.get(key)
            if hit is not None:
                self._words.move_to_end(key)
                return hit
        return self._encode(key)[1]

    def content_words(self, text: str, skip: Sequence[str] = ()) -> np.ndarray:
        """Unit vectors of the content words of `text` (not FRAME_WORDS, punctuation or
        the names in `skip`, such as the parties'): what `alignment` compares."""
        key = " ".join(text.split())
        rows, offsets = self._word_vectors(key)
        masked = [
            (m.start(), m.end())
            for name in skip
            if name.strip()
            for m in re.finditer(re.escape(" ".join(name.split())), key, re.IGNORECASE)
        ]
        keep = [
            index
            for index, (start, end) in enumerate(offsets)
            if end > start
            and key[start:end].isalnum()
            and (end - start > 1 or key[start].isdigit())  # not the "s" of "Egypt's"
            and key[start:end].lower() not in FRAME_WORDS
            and not any(a <= start < b for a, b in masked)
        ]
        return rows[keep].astype(np.float32) if keep else rows.astype(np.float32)

    def alignment(self, a: str, b: str, skip: Sequence[str] = ()) -> float:
        """How far each sentence's content words have a counterpart in the other (mean
        of both directions' best matches, -1 to 1)."""
        sims = self.content_words(a, skip) @ self.content_words(b, skip).T
        return float((sims.max(axis=1).mean() + sims.max(axis=0).mean()) / 2)

    def alignments(self, texts: Sequence[str], skip: Sequence[str] = ()) -> np.ndarray:
        """`alignment` of every text with every other: a symmetric (n, n) matrix."""
        words = [self.content_words(t, skip) for t in texts]
        out = np.ones((len(texts), len(texts)), dtype=np.float32)
        for i in range(len(texts)):
            for j in range(i + 1, len(texts)):
                sims = words[i] @ words[j].T
                out[i, j] = out[j, i] = (sims.max(axis=1).mean() + sims.max(axis=0).mean()) / 2
        return out

    def matrix(self, texts: Iterable[str]) -> np.ndarray:
        """(len(texts), 384), one unit row per text."""
        rows = [self.vector(t) for t in texts]
        return np.vstack(rows) if rows else np.zeros((0, 384), dtype=np.float32)

    @functools.cached_property
    def words(self) -> frozenset[str]:
        """The encoder's whole-word vocabulary (about 20,000 English words): what
        `statement_kind.unreadable` checks a message against."""
        vocab = getattr(getattr(self._encoder, "tokenizer", None), "vocab", {})
        return frozenset(w for w in vocab if w.isalpha() and not w.startswith("##"))

    def similarity(self, a: str, b: str) -> float:
        return float(self.vector(a) @ self.vector(b))

    def similarities(self, texts: Sequence[str], others: Sequence[str]) -> np.ndarray:
        """Cosine similarity of every text with every other: (len(texts), len(others))."""
        return self.matrix(texts) @ self.matrix(others).T


@functools.lru_cache(maxsize=1)
def default_semantics() -> Semantics:
    """The process-wide semantic layer (the encoder's 90 MB of weights are loaded once)."""
    from bot.mediation.encoder import default_encoder

    return Semantics(default_encoder())
