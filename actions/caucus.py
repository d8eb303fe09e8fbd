"""A party's private caucus in a room: the Rasa side of `bot/rooms/caucus.py`.

The conversation is the party's caucus when its sender id is a room party's
`conversation_id` (the room page sends `/start_caucus` on it, through the web app).
Each answer is recorded in the party's consent ledger, private.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.session import (
    ANALYSER,
    KNOWLEDGE,
    MEDIATION_SLOTS,
    ROOMS,
    is_caucus,
    read_turn,
)
from actions.statements import judge
from bot.mediation.coaching import coach_position
from bot.mediation.statement_kind import guard
from bot.rooms.caucus import JUDGED, QUESTIONS, SLOTS, caucus_move, share_request
from bot.rooms.ledger import ItemKind, Share
from bot.store.rooms import Access

WHICH_TO_SHARE = (
    "Which of your notes? Say “share all”, “share these two” (the last two you gave), or "
    "their numbers as the room page shows them, such as “share 1 and 3”."
)
NOT_A_CAUCUS = (
    "This conversation is not a party's caucus in a room. Open your room link to reach "
    "your caucus, or say “start a mediation” here."
)


def caucus_of(tracker: Tracker) -> Access | None:
    return ROOMS.party_by_conversation(tracker.sender_id)


class StartCaucus(Action):
    def name(self) -> str:
        return "action_start_caucus"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        access = caucus_of(tracker)
        if access is None:
            dispatcher.utter_message(text=NOT_A_CAUCUS)
            return [SlotSet("mode", None)]  # the form then asks nothing (required_slots)
        held = ROOMS.notes_of(access)
        again = f" Your notes so far: {len(held)}; this adds to them." if held else ""
        dispatcher.utter_message(
            text=f"This is {access.name}'s private caucus on “{access.topic}”. Nothing you "
            "say here reaches the other parties or the facilitator until you share it on "
            f"the room page.{again}"
        )
        return [
            *(SlotSet(slot, None) for slot in MEDIATION_SLOTS),
            SlotSet("session_id", None),
            SlotSet("mode", "caucus"),
            SlotSet("topic", access.topic),
            SlotSet("parties", [access.name]),
            SlotSet("current_party", access.name),
            SlotSet("caucus_more", False),
        ]


class ValidateCaucusForm(FormValidationAction):
    def name(self) -> str:
        return "validate_caucus_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return list(SLOTS) if is_caucus(tracker) else []

    def _answer(
        self, question: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        if value is None:
            # Not an answer: Rasa also hands the form the slots that starting it cleared.
            return {question: None}
        turn = read_turn(tracker)
        access = caucus_of(tracker)
        if access is None:
            dispatcher.utter_message(text=NOT_A_CAUCUS)
            return {question: None}  # the form stays where it is: no rule follows its end
        shared = self._share(turn.text, access, dispatcher)
        if shared:
            return {question: None}  # the same question stays open
        kind = None
        if question in JUDGED and turn.intent not in ("done", "skip_step"):
            kind = judge(tracker, turn.text, [access.name], access.name).kind
        move = caucus_move(question, turn.text, turn.intent, kind, guard(turn.text), access.name)
        if move.record is not None:
            ROOMS.record_item(access.participant_id, move.record, turn.text, turn.message_id)
        reply = move.reply
        if move.record is ItemKind.POSITION:
            coaching = coach_position(ANALYSER.analyse(turn.text), access.name, KNOWLEDGE.topics)
            reply = f"Noted, privately, as a position of {access.name}. {coaching.text}"
        if reply:
            dispatcher.utter_message(text=reply)
        if move.done and question == QUESTIONS[-1]:
            dispatcher.utter_message(text=summary(access))
        if move.done:
            return {question: "done", "caucus_more": False}
        return {question: None, "caucus_more": True}

    @staticmethod
    def _share(text: str, access: Access, dispatcher: CollectingDispatcher) -> bool:
        """Carry out "share these two with the room" (bot/rooms/caucus.py): True when
        the message asked to share, whether or not it named notes that exist."""
        held = ROOMS.notes_of(access)
        positions = share_request(text, len(held))
        if positions is None:
            return False
        if not positions:
            dispatcher.utter_message(text=WHICH_TO_SHARE)
            return True
        chosen = [held[p - 1] for p in positions]
        ROOMS.set_state(access.participant_id, [i.id for i in chosen], Share.RELEASED)
        listed = "; ".join(
            f"{p}. “{i.text.strip()}”" for p, i in zip(positions, chosen, strict=True)
        )
        dispatcher.utter_message(text=f"Shared with the room: {listed}. Sharing cannot be undone.")
        return True

    def validate_caucus_interest(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._answer("caucus_interest", value, dispatcher, tracker)

    def validate_caucus_offer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._answer("caucus_offer", value, dispatcher, tracker)

    def validate_caucus_red_line(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._answer("caucus_red_line", value, dispatcher, tracker)

    def validate_caucus_note(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._answer("caucus_note", value, dispatcher, tracker)


def summary(access: Access) -> str:
    """After the three questions: what the party's notes hold, and how to share."""
    held = ROOMS.notes_of(access)
    private = sum(1 for i in held if i.state is not Share.RELEASED)
    return (
        f"Thank you. {access.name}'s notes hold {len(held)} item(s); {private} of them are "
        "not shared. On the room page, tick what the others may see and press “Share "
        "selected”, or “Share everything”, or say it here. Anything you keep private "
        "stays here."
    )
