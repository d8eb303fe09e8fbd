"""Step 1, the opening: purpose, ground rules and the parties' consent."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms.base import StepValidation
from actions.session import enter_step, is_training
from bot.mediation.answers import yes_or_no


class AskConsent(Action):
    def name(self) -> str:
        return "action_ask_consent"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = []
        if tracker.get_slot("step") != "opening":
            events = enter_step(tracker, "opening")
            training = is_training(tracker)
            dispatcher.utter_message(
                response="utter_opening_training" if training else "utter_opening"
            )
        dispatcher.utter_message(response="utter_ask_consent")
        return events


class ValidateOpeningForm(StepValidation):
    def name(self) -> str:
        return "validate_opening_form"

    def validate_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if isinstance(value, str):  # typed: "understood, we agree to that" is a yes
            typed = yes_or_no(value)
            value = value if typed is None else typed
        if value is False:
            dispatcher.utter_message(response="utter_consent_declined")
        elif value is not True and value is not None:  # another answer: say what is needed
            dispatcher.utter_message(response="utter_consent_needed")
        return {"consent": True if value is True else None}
