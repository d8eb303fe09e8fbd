"""Rasa-side extensions of this project, referenced from config.yml and endpoints.yml.

Rasa imports this package in every process that loads the model or the endpoints
(`rasa run`, `rasa test`, `rasa shell`), so two fixes for hot paths that
profiling found in Rasa 3.6 are installed here, once, before the first message:
the check of action-server replies and the lookup of event classes. Each keeps
Rasa's behaviour and is tested against it (tests/unit/test_rasa_hot_paths.py).
"""

from components import action_response, event_types

action_response.install()
event_types.install()
