"""Meaning as vectors: one sentence encoder per process, and a cache of what it has read.

The mediation's judgements (what kind of statement, which topic, which interests
mean the same thing, which measure fits) compare unit-length sentence vectors
from all-MiniLM-L6-v2, the encoder the NLU pipeline already ships
(`bot/mediation/encoder.py`). A conversation re-reads its earlier statements at
every step, so vectors are cached by text: each sentence is encoded once.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np

CACHE_SIZE = 20_000  # sentences; 384 float32 each, so about 30 MB at most


class Encoder(Protocol):
    def encode(self, text: str): ...  # returns an Encoding with a `.sentence` vector


class Semantics:
    """Unit sentence vectors with a bounded, thread-safe cache."""

    def __init__(self, encoder: Encoder, cache_size: int = CACHE_SIZE) -> None:
        self._encoder = encoder
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = cache_size
        self._lock = threading.Lock()

    def vector(self, text: str) -> np.ndarray:
        key = " ".join(text.split())
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        vector = self._encoder.encode(key or ".").sentence.astype(np.float32)
        vector.setflags(write=False)
        with self._lock:
            self._cache[key] = vector
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vector

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
