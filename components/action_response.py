"""Rasa's check of the action server's replies, with the schema checked once.

Rasa 3.6 validates every action server reply with `jsonschema.validate`, which
first re-checks the (constant) response schema against the JSON Schema
meta-schema and only then the reply. Profiling the Rasa server under load put
about 65% of its CPU in that meta-schema check. `install` swaps in a validator
built once: the same schema, the same errors and message for a bad reply, the
cost of the reply check alone (benchmarks/RESULTS.md has the figures).
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.lru_cache(maxsize=1)
def response_validator() -> Any:
    """The validator for Rasa's action-response schema, its schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """What `RemoteAction._validate_action_result` does, minus the meta-schema check."""
    error = exceptions.best_match(response_validator().iter_errors(result))
    if error is not None:
        error.message += (  # Rasa's own wording for a bad reply
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            "For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    """Use the once-checked validator in this process (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
