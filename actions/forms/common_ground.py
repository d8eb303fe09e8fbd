"""Step 4, common ground: shared needs, compatible interests and contested ground,
proposed with their evidence; the user confirms, removes or adds points. In
training, the trainee names the common ground."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms.base import DONE_BUTTON, StepValidation
from actions.forms.replies import say
from actions.session import (
    MEASURE_TEXTS,
    REPOSITORY,
    SEMANTICS,
    enter_step,
    is_training,
    parties_of,
    session_id,
)
from bot.mediation import steps
from bot.mediation.common_ground import Said, find_common_ground, sections
from bot.mediation.moves import common_ground_move


def sectioned(items: list[tuple[str, str]]) -> str:
    """Points under their kind's heading, numbered across headings ("remove 2")."""
    return "\n".join(
        f"{heading}:\n" + "\n".join(f"{number}. {text}" for number, text in points)
        for heading, points in sections(items)
    )


class AskCommonGroundFeedback(Action):
    def name(self) -> str:
        return "action_ask_common_ground_feedback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        sid = session_id(tracker)
        progress = steps.progress("common_ground")
        entering = tracker.get_slot("step") != "common_ground"
        events: list[EventType] = enter_step(tracker, "common_ground") if entering else []
        if entering and is_training(tracker):
            # The trainee names the common ground: proposing it would give the answer away.
            say(
                dispatcher, "common_ground_intro_training", progress=progress, buttons=[DONE_BUTTON]
            )
            return events
        if entering:
            parties = parties_of(tracker)
            stored = REPOSITORY.statements(sid, kinds=("interest", "position"))
            said = [Said(s.party, s.kind, s.text) for s in stored if s.party in parties]
            topics_of = {s.text: tuple(s.analysis.topics) for s in stored}
            found = find_common_ground(said, parties, SEMANTICS, MEASURE_TEXTS, topics_of)
            REPOSITORY.propose_common_ground(sid, found)
            if not found:
                say(dispatcher, "no_common_ground_found", progress=progress, buttons=[DONE_BUTTON])
                return events
            points = sectioned([(item.kind, item.text) for item in found])
            say(dispatcher, "common_ground_found", progress=progress, points=points)
        else:
            current = [(c.kind, c.text) for c in REPOSITORY.common_ground(sid)]
            if current:
                say(dispatcher, "common_ground_so_far", points=sectioned(current))
        if is_training(tracker):
            say(dispatcher, "more_common_ground_training", buttons=[DONE_BUTTON])
            return events
        confirm = {"title": "Yes, that's right", "payload": "/affirm"}
        say(dispatcher, "does_this_capture_it", buttons=[confirm, DONE_BUTTON])
        return events


class ValidateCommonGroundForm(StepValidation):
    def name(self) -> str:
        return "validate_common_ground_form"

    def validate_common_ground_feedback(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        turn = self.answer(value, tracker)
        if turn is None:
            return {"common_ground_feedback": None}
        sid = turn.session_id
        items: list = []

        def listed() -> int:  # read only when a number is to be checked
            items[:] = REPOSITORY.common_ground(sid)
            return len(items)

        move = common_ground_move(turn, listed)
        if move.action == "confirm":
            REPOSITORY.confirm_common_ground(sid)
            return {"common_ground_feedback": "confirmed"}
        if move.action == "say":
            say(dispatcher, move.reply or "", number=move.number)
        elif move.action == "remove":
            chosen = [items[int(n) - 1] for n in move.items]
            REPOSITORY.set_common_ground_status(sid, [c.id for c in chosen], "removed")
            say(dispatcher, "removed", points="; ".join(c.text for c in chosen))
        elif move.action == "add":
            REPOSITORY.add_common_ground(sid, move.text, turn.message_id)
            say(dispatcher, "common_ground_added", text=move.text)
        return {"common_ground_feedback": None}
