"""Rasa-side extensions of this project, referenced from config.yml and endpoints.yml.

Rasa imports this package in every process that loads the model or the endpoints
(`rasa run`, `rasa test`, `rasa shell`), so two fixes for hot paths that
profiling found in Rasa 3.6 are installed here, once, before the first message:
the check of action-server replies and the lookup of event classes. Each keeps
Rasa's behaviour and is tested against it (tests/unit/test_rasa_hot_paths.py).
TensorFlow models are loaded for prediction only (`inference_load`: about 500 MB
less, the same predictions, tests/unit/test_inference_load.py).
A custom action that the action server cannot run ends the turn with a clear reply
instead of silence (`action_unavailable`), and a database outage keeps conversations
in memory until they can be written (`tracker_store`).
"""

from components import (
    action_response,
    action_unavailable,
    event_types,
    inference_load,
    tracker_store,
)

action_response.install()
event_types.install()
inference_load.install()
action_unavailable.install()
tracker_store.install()
