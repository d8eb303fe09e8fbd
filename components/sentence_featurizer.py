"""A Rasa dense featurizer: all-MiniLM-L6-v2 vectors for each word and the sentence.

DIET then sees, beside the word and character n-grams, what a message means:
"my kids need a quiet room" lands near "our farmers depend on the river" though
they share no word. benchmarks/RESULTS.md shows what it changed (held-out F1,
cross-validation, CaSiNo recall) and what it costs per message.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.mediation.encoder import default_encoder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the encoder's vectors to the user's text (sequence: one per token)."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        default_encoder()  # a missing model fails here, at start-up, with the fix named
        return cls(execution_context.node_name, config)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to configure."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._featurize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def _featurize(self, message: Message) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        if tokens is None:
            return  # not a message with text (e.g. an intent or action name)
        text = message.get(TEXT)
        encoder = default_encoder()
        if not tokens or not isinstance(text, str) or not text.strip():
            # An empty message still needs features of the trained shape: DIET's
            # input signature expects this featurizer's arrays on every message.
            sequence = np.zeros((len(tokens), encoder.size), dtype=np.float32)
            sentence = np.zeros((1, encoder.size), dtype=np.float32)
        else:
            encoding = encoder.encode(text)
            sequence = np.stack([encoding.span(token.start, token.end) for token in tokens])
            sentence = encoding.sentence[np.newaxis, :]
        self.add_features_to_message(
            sequence=sequence, sentence=sentence, attribute=TEXT, message=message
        )
