"""The NumPy all-MiniLM-L6-v2 encoder and the Rasa featurizer built on it."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.mediation import encoder as sentence_encoder
from bot.mediation.encoder import (
    MAX_WORDPIECES,
    SentenceEncoder,
    default_encoder,
    model_dir,
    onnx_file,
)
from components.sentence_featurizer import SentenceEncoderFeaturizer

# Ids and spans as Hugging Face's `tokenizers` 0.23.3 gives them for the model's own
# tokenizer.json (the same check over the 1,692 training sentences and 1,000+ others
# found no difference when this tokenizer was written).
REFERENCE = [
    (
        "Riverland's farmers need water!",
        [101, 2314, 3122, 1005, 1055, 6617, 2342, 2300, 999, 102],
        [(0, 0), (0, 5), (5, 9), (9, 10), (10, 11), (12, 19), (20, 24), (25, 30), (30, 31), (0, 0)],
    ),
    (
        "Café naïve RÉSUMÉ",
        [101, 7668, 15743, 13746, 102],
        [(0, 0), (0, 4), (5, 10), (11, 17), (0, 0)],
    ),
    (
        "unbelievably\u200bhostile",  # a zero-width space is dropped, not a word break
        [101, 4895, 8671, 2666, 3567, 6321, 15006, 15286, 102],
        [(0, 0), (0, 2), (2, 5), (5, 7), (7, 9), (9, 12), (13, 16), (16, 20), (0, 0)],
    ),
]


@pytest.fixture(scope="module")
def encoder():
    return default_encoder()


@pytest.mark.parametrize(("text", "ids", "offsets"), REFERENCE)
def test_word_pieces_are_berts_own(encoder, text, ids, offsets):
    assert encoder.tokenizer.encode(text) == (ids, offsets)


def test_a_long_message_is_cut_at_the_model_limit(encoder):
    ids, offsets = encoder.tokenizer.encode("word " * 1000)
    assert len(ids) == len(offsets) == MAX_WORDPIECES
    assert ids[0] == encoder.tokenizer.cls and ids[-1] == encoder.tokenizer.sep


@pytest.fixture(scope="module")
def numpy_encoder():
    return SentenceEncoder(model_dir(), runtime="numpy")


@pytest.mark.parametrize(
    "text",
    [
        "Our farmers depend on the river to water their crops",
        "",
        "word " * 1000,  # cut at the limit: every position embedding in use
        "Ωmega façade 東京 🙂 unbelievably\u200bhostile",
    ],
)
def test_onnx_runtime_gives_the_numpy_reference_vectors(encoder, numpy_encoder, text):
    """The servers run the ONNX graph (a third of the time); the thresholds were tuned
    with what the NumPy forward pass gives."""
    reference = numpy_encoder.encode(text)
    fast = encoder.encode(text)
    assert fast.offsets == reference.offsets
    assert fast.vectors.dtype == np.float32
    assert np.abs(fast.vectors - reference.vectors).max() < 1e-4


def test_the_onnx_graph_is_built_once_beside_the_model_folder(tmp_path):
    """Not inside it: the model fingerprint reads every file there."""
    folder = tmp_path / "all-MiniLM-L6-v2"
    folder.mkdir()
    for name in ("config.json", "vocab.txt", "model.safetensors"):
        (folder / name).symlink_to(model_dir() / name)
    built = onnx_file(folder)
    assert built.parent == tmp_path and built.is_file()
    stamp = built.stat().st_mtime_ns
    assert onnx_file(folder) == built and built.stat().st_mtime_ns == stamp
    assert not list(tmp_path.glob("*.tmp"))


def test_the_session_keeps_no_memory_arena_on_one_thread(encoder):
    """A server holds the encoder for its life: no buffers kept from the longest text."""
    options = encoder._session.get_session_options()
    assert options.enable_cpu_mem_arena is False
    assert (options.intra_op_num_threads, options.inter_op_num_threads) == (1, 1)


def test_an_unknown_runtime_is_refused():
    with pytest.raises(ValueError, match="runtime must be"):
        SentenceEncoder(model_dir(), runtime="torch")


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_sentences_that_mean_the_same_are_close(encoder):
    need = encoder.encode("Our farmers depend on the river to water their crops").sentence
    same = encoder.encode("The growers need irrigation from the river").sentence
    other = encoder.encode("Can we skip this step please?").sentence
    assert abs(float(np.linalg.norm(need)) - 1.0) < 1e-5
    assert cosine(need, same) > 0.5
    assert cosine(need, other) < 0.2


def test_a_span_is_the_mean_of_its_word_pieces(encoder):
    encoding = encoder.encode("unbelievably hostile")
    pieces = [i for i, (a, b) in enumerate(encoding.offsets) if b > a and a < 12]
    assert len(pieces) == 5  # un ##bel ##ie ##va ##bly
    np.testing.assert_allclose(encoding.span(0, 12), encoding.vectors[pieces].mean(axis=0))
    assert not encoding.span(100, 110).any()  # beyond the text: no vector


def featurize(text: str) -> Message:
    message = Message(data={TEXT: text})
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    SentenceEncoderFeaturizer("encoder", SentenceEncoderFeaturizer.get_default_config()).process(
        [message]
    )
    return message


def test_the_featurizer_gives_one_vector_per_token_and_one_per_sentence():
    message = featurize("Riverland's farmers need water!")
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence.features.shape == (len(message.get("text_tokens")), 384)
    assert sentence.features.shape == (1, 384)
    assert np.abs(sequence.features).sum(axis=1).min() > 0  # every token has a vector


def test_an_empty_message_gets_zero_features_of_the_trained_shape():
    # DIET's input signature expects this featurizer's arrays on every message: without
    # them a whitespace-only message failed in the Rasa server (found by the REST test).
    message = featurize("   ")
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence.features.shape == (len(message.get("text_tokens")), 384)
    assert sentence.features.shape == (1, 384)
    assert not sequence.features.any() and not sentence.features.any()


def test_a_missing_model_names_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv(sentence_encoder.ENCODER_DIR_VARIABLE, str(tmp_path / "nowhere"))
    sentence_encoder.default_encoder.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="make install"):
            sentence_encoder.default_encoder()
    finally:
        monkeypatch.delenv(sentence_encoder.ENCODER_DIR_VARIABLE)
        sentence_encoder.default_encoder.cache_clear()
