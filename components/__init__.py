"""Rasa-side extensions of this project, referenced from config.yml and endpoints.yml.

Rasa imports this package in every process that loads the model or the endpoints
(`rasa run`, `rasa test`, `rasa shell`), so fixes for hot paths that profiling
found in Rasa 3.6 are installed here, once, before the first message: the check of
action-server replies and the lookup of event classes, each keeping Rasa's
behaviour and tested against it (tests/unit/test_rasa_hot_paths.py); action calls
carry the current turn's events, not the whole tracker (`action_payload`,
tests/unit/test_action_payload.py), over connections kept open between calls
(`kept_connections`).
TensorFlow models are loaded for prediction only (`inference_load`: about 500 MB
less) and a message's NLU runs beside the event loop (`nlu_thread`); both give the
same predictions as Rasa's own code (tests/unit/test_model_serving.py).
A custom action that the action server cannot run ends the turn with a clear reply
instead of silence (`action_unavailable`), and a database outage keeps conversations
in memory until they can be written (`tracker_store`, on the product's pooled engine).
"""

from components import (
    action_payload,
    action_response,
    action_unavailable,
    event_types,
    inference_load,
    kept_connections,
    nlu_thread,
    tracker_store,
)

action_response.install()
action_payload.install()
event_types.install()
inference_load.install()
kept_connections.install()
nlu_thread.install()
action_unavailable.install()
tracker_store.install()
