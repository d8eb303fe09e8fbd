"""The semantic layer's word alignment, which decides shared needs, with the real encoder."""

from __future__ import annotations

import numpy as np

from bot.mediation.common_ground import SHARED_NEED_ALIGNMENT
from bot.mediation.encoder import default_encoder
from bot.mediation.semantics import Semantics

BORDER = ["India", "China"]
SAFE_SOLDIERS = "We need to know our soldiers will not be killed in surprise clashes."
SAFE_TROOPS = "Our troops must not die in sudden confrontations along the line."
PATROL = "Our troops must be free to patrol up to the line we have always claimed."
SUPPLY = "China needs its border troops supplied by roads that are open all year."


def test_the_same_need_in_other_words_aligns_and_a_different_need_does_not(semantics):
    same = semantics.alignment(SAFE_SOLDIERS, SAFE_TROOPS, skip=BORDER)
    assert same >= SHARED_NEED_ALIGNMENT
    # Same topic (troops, the line), different needs: below the threshold.
    assert semantics.alignment(SAFE_SOLDIERS, PATROL, skip=BORDER) < SHARED_NEED_ALIGNMENT
    assert semantics.alignment(SAFE_SOLDIERS, SUPPLY, skip=BORDER) < SHARED_NEED_ALIGNMENT


def test_alignment_is_symmetric_and_the_matrix_agrees(semantics):
    texts = [SAFE_SOLDIERS, SAFE_TROOPS, PATROL]
    matrix = semantics.alignments(texts, skip=BORDER)
    assert matrix.shape == (3, 3)
    assert np.allclose(matrix, matrix.T)
    assert abs(matrix[0, 1] - semantics.alignment(SAFE_TROOPS, SAFE_SOLDIERS, skip=BORDER)) < 1e-5


def test_party_names_and_framing_words_are_left_out(semantics):
    # "Egypt", the "s" of "Egypt's" and "need" are left out: farmers, water, drought remain.
    assert semantics.content_words("Egypt's farmers need water in a drought", ["Egypt"]).shape == (
        3,
        384,
    )
    egypt, sudan = "Egypt's farmers need water in a drought.", "Sudan's farmers need water too."
    with_names = semantics.alignment(egypt, sudan)
    without = semantics.alignment(egypt, sudan, skip=["Egypt", "Sudan"])
    assert without > with_names


def test_a_sentence_of_framing_words_only_still_compares(semantics):
    # No content word left: every word piece is compared rather than none.
    assert -1.0 <= semantics.alignment("We need it.", "They want that.") <= 1.0


class _Counting:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self._encoder = default_encoder()
        self.tokenizer = self._encoder.tokenizer

    def encode(self, text: str):
        self.calls.append(text)
        return self._encoder.encode(text)


def test_each_sentence_is_encoded_once_for_vectors_and_words():
    counting = _Counting()
    semantics = Semantics(counting)
    semantics.vector(SAFE_SOLDIERS)
    semantics.alignment(SAFE_SOLDIERS, SAFE_TROOPS)
    semantics.alignments([SAFE_SOLDIERS, SAFE_TROOPS, PATROL])
    semantics.similarity(SAFE_TROOPS, PATROL)
    assert sorted(counting.calls) == sorted([SAFE_SOLDIERS, SAFE_TROOPS, PATROL])
