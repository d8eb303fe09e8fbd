"""Rasa's TensorFlow models loaded for prediction only: about 500 MB less per server.

Rasa 3.6 (`RasaModel.load`) gives a saved model its variables by training it on one
example (`model.fit`): that traces Keras's whole training graph and creates Adam's
slot variables, and only then are the trained weights read over them. A server never
trains, yet it keeps all of that: DIET's load took the Rasa server from 0.8 to 1.45 GB.

`load_for_prediction` reads the checkpoint first and lets the prediction graph create
the variables, which TensorFlow fills from the checkpoint as they are created
(restore on create). Every variable prediction creates must come from the checkpoint,
or Rasa's own load runs instead; the optimizer's saved state is left unread. Intents,
rankings, confidences and entities come out exactly as with Rasa's load
(tests/unit/test_model_serving.py). Fine-tuning (`rasa train --finetune`) and a model
loaded without a prediction example keep Rasa's load.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.utils.tensorflow.constants import RUN_EAGERLY
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

logger = logging.getLogger(__name__)

# Rasa's own `RasaModel.load` (the function under the classmethod), kept for fallback.
_RASA_LOAD = RasaModel.load.__func__  # type: ignore[attr-defined]


def load_for_prediction(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: RasaModelData | None = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """`RasaModel.load` without the training step, when the model is only to predict."""

    def rasas_load() -> RasaModel:
        return _RASA_LOAD(
            cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
            *args, **kwargs,
        )  # fmt: skip

    if finetune_mode or predict_data_example is None:
        return rasas_load()
    model = cls(*args, **kwargs)
    model.compile(run_eagerly=kwargs.get("config", {}).get(RUN_EAGERLY))
    status = model.load_weights(model_file_name)
    status.expect_partial()  # the optimizer's slots stay unread: nothing trains
    model.run_inference(predict_data_example)  # creates (and so restores) every variable
    try:
        status.assert_existing_objects_matched()
    except AssertionError as exc:
        logger.warning(
            "%s: a variable of the prediction graph is not in %s (%s); loading it the "
            "way Rasa does instead.",
            cls.__name__,
            model_file_name,
            str(exc).splitlines()[0] if str(exc) else "unmatched",
        )
        return rasas_load()
    return model


def install() -> None:
    """Load models this way in this process (idempotent)."""
    RasaModel.load = classmethod(load_for_prediction)  # type: ignore[assignment,method-assign]
