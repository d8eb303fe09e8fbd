"""The two Rasa hot-path fixes in components/ behave exactly as Rasa's own code."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

import components  # noqa: F401  (installs both fixes, as Rasa's import of it does)
from components import action_response, event_types


def rasa_check(result: dict) -> None:
    """Rasa 3.6's own check, for comparison."""
    jsonschema.validate(result, RemoteAction.action_response_format_spec())


GOOD = {
    "events": [
        {"event": "slot", "name": "step", "value": "interests", "timestamp": None},
        {"event": "active_loop", "name": "interests_form"},
    ],
    "responses": [{"text": "Thank you.", "buttons": []}],
}
BAD = [
    {"events": "not a list", "responses": []},
    {"events": [{"no": "event key"}], "responses": []},
    {"events": [{"event": "slot", "name": 42}], "responses": []},
    {"events": [], "responses": ["a string, not an object"]},
    ["not", "an", "object"],
]


def test_importing_components_installs_both_fixes():
    action = RemoteAction("action_x", None)
    assert RemoteAction._validate_action_result is action_response.validate_action_result
    assert action._validate_action_result(GOOD) is True
    assert Event.resolve_by_type("slot") is SlotSet


def test_a_good_reply_passes_both_checks():
    rasa_check(GOOD)
    assert action_response.validate_action_result(RemoteAction("a", None), GOOD) is True


@pytest.mark.parametrize("reply", BAD)
def test_a_bad_reply_fails_with_rasas_error_and_advice(reply):
    with pytest.raises(jsonschema.ValidationError) as rasa_error:
        rasa_check(reply)
    with pytest.raises(jsonschema.ValidationError) as ours:
        action_response.validate_action_result(RemoteAction("a", None), reply)
    assert ours.value.message.startswith(rasa_error.value.message)
    assert "Failed to validate Action server response" in ours.value.message
    assert list(ours.value.path) == list(rasa_error.value.path)


def test_the_schema_itself_is_checked_once_per_process():
    action_response.response_validator.cache_clear()
    for _ in range(50):
        action_response.validate_action_result(RemoteAction("a", None), GOOD)
    info = action_response.response_validator.cache_info()
    assert (info.misses, info.hits) == (1, 49)


def test_every_event_class_resolves_as_rasa_resolves_it():
    for cls in all_subclasses(Event):
        assert event_types.resolve_by_type(cls.type_name) is event_types._ORIGINAL(cls.type_name)
    assert event_types.resolve_by_type("user") is UserUttered
    assert event_types.resolve_by_type("action") is ActionExecuted


def test_unknown_names_behave_as_in_rasa():
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        event_types.resolve_by_type("no_such_event")
    assert event_types.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert event_types.resolve_by_type("topic") is None
    assert "no_such_event" not in event_types._FOUND


def test_an_event_class_defined_later_is_still_found():
    assert event_types.resolve_by_type("slot") is SlotSet  # the memory is in use

    class LateEvent(SlotSet):
        type_name = "late_event_for_test"

    assert event_types.resolve_by_type("late_event_for_test") is LateEvent
    assert Event.from_parameters({"event": "slot", "name": "x", "value": 1}) == SlotSet("x", 1)
