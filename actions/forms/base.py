"""What every step's validator shares: the turn, read once, and the check that the
slot Rasa hands over is an answer at all."""

from __future__ import annotations

from abc import ABC, abstractmethod

from rasa_sdk import FormValidationAction, Tracker

from actions.session import read_turn
from bot.mediation.moves import not_for_this_slot
from bot.mediation.turn import Turn

DONE_BUTTON = {"title": "Done, next step", "payload": "/done"}


class StepValidation(FormValidationAction, ABC):
    """A step form's `FormValidationAction` (abstract, so the action server does not
    register it)."""

    @abstractmethod
    def name(self) -> str: ...

    @staticmethod
    def answer(value: object, tracker: Tracker) -> Turn | None:
        """The turn to validate, or None when `value` is no answer: Rasa also hands a
        form the slots that navigation ("go back") cleared."""
        turn = read_turn(tracker)
        return None if not_for_this_slot(value, turn) else turn
