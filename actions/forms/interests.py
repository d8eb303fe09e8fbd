"""Step 3, interests: each party's needs, fears and hopes, party by party; in training,
the trainee questions the parties, who answer in their own voice."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms.base import DONE_BUTTON, StepValidation
from actions.forms.replies import say
from actions.session import (
    ANALYSER,
    REPOSITORY,
    TOPIC_LABELS,
    TRAINING,
    answer_key,
    enter_step,
    is_training,
    parties_of,
    session_id,
)
from actions.statements import handle_statement, judge
from bot.mediation import steps
from bot.mediation.moves import interest_move, next_party
from bot.mediation.parties import find_named_party
from bot.mediation.questions import question_body
from bot.mediation.turn import Turn
from bot.training.matching import AnswerKey
from bot.training.questioning import answer_question


class AskInterestStatement(Action):
    def name(self) -> str:
        return "action_ask_interest_statement"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("pending_statement"):
            return []  # a clarifying question is open; asking again would bury it
        parties = parties_of(tracker)
        party = tracker.get_slot("current_party") or (parties[0] if parties else "the first party")
        training = is_training(tracker)
        events: list[EventType] = []
        if tracker.get_slot("step") != "interests":
            events = enter_step(tracker, "interests")
            events.append(SlotSet("current_party", party))
            intro = "interests_intro_training" if training else "interests_intro"
            say(dispatcher, intro, progress=steps.progress("interests"), party=party)
        first = REPOSITORY.count_statements(session_id(tracker), party, "interest") == 0
        prompt = ("ask_first_interest" if first else "ask_more_interests") + (
            "_training" if training else ""
        )
        say(dispatcher, prompt, party=party, buttons=[DONE_BUTTON])
        return events


class ValidateInterestsForm(StepValidation):
    def name(self) -> str:
        return "validate_interests_form"

    def validate_interest_statement(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        keep_asking: dict[str, Any] = {"interest_statement": None, "pending_statement": None}
        turn = self.answer(value, tracker)
        if turn is None:
            return {"interest_statement": None}
        current = turn.speaker
        move = interest_move(turn, tracker.get_slot("pending_statement"))
        if move.action == "say":
            say(dispatcher, move.reply or "", party=current)
        elif move.action == "question":
            put_question(dispatcher, turn, move.text, answer_key(tracker))
        elif move.action == "next_party":
            has_interest = bool(current) and bool(
                REPOSITORY.count_statements(turn.session_id, current, "interest")
            )
            after = next_party(turn.parties, current, has_interest)
            if after.action == "say":
                say(dispatcher, after.reply or "", party=current)
            elif after.action == "next_party":
                return {**keep_asking, "current_party": after.text}
            else:
                return {**keep_asking, "interest_statement": "done", "current_party": None}
        elif move.action == "statement":
            parties = list(turn.parties)
            decision = judge(tracker, move.text, parties, current, move.chosen)
            events = handle_statement(
                dispatcher, tracker, move.text, decision, current or "", parties
            )
            return {**keep_asking, **{e["name"]: e["value"] for e in events}}
        return keep_asking


def put_question(
    dispatcher: CollectingDispatcher, turn: Turn, text: str, key: AnswerKey | None
) -> None:
    """Training: the party answers in its own voice. A mediation: I can't speak for it."""
    party = (
        find_named_party(text, list(turn.parties))
        or next((p for p in turn.entity("party") if p in turn.parties), None)
        or turn.speaker
    )
    if key is None or party is None:
        say(dispatcher, "cannot_answer_for_a_party", party=party or "a party")
        return
    if not question_body(text, party).strip(" ?.!"):
        say(dispatcher, "what_to_ask", party=party)
        return
    reply = answer_question(
        key,
        party,
        text,
        ANALYSER.analyse(text),
        TRAINING.revealed(turn.session_id),
        TOPIC_LABELS,
        hostile=turn.intent == "express_hostility",
    )
    TRAINING.add_move(
        turn.session_id,
        turn.message_id,
        "question",
        reply.quality,
        text,
        party=party,
        revealed=reply.revealed,
        answer=reply.text,
    )
    say(dispatcher, "party_answers", party=party, answer=reply.text)
    if reply.coaching:
        say(dispatcher, "coach", advice=reply.coaching)
