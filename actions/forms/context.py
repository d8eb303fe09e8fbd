"""Step 2, the context: the topic and the parties in a mediation; the trainee's name
and the scenario (which brings its own topic and parties) in training."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms.base import StepValidation
from actions.forms.replies import say
from actions.session import (
    ANALYSER,
    KNOWLEDGE,
    REPOSITORY,
    TRAINING,
    enter_step,
    is_training,
    read_turn,
    session_id,
)
from bot.mediation.common_ground import join_names
from bot.mediation.moves import NAVIGATION_INTENTS, SMALL_TALK_INTENTS
from bot.mediation.parties import looks_like_party_list, merge_parties, parse_parties
from bot.mediation.statement_kind import COMMAND_CONFIDENCE, guard
from bot.mediation.turn import Turn
from bot.store.training import MAX_TRAINEE_LENGTH
from bot.training.picking import RANDOM, brief_messages, pick_scenario, scenario_menu

MAX_NAME_WORDS = 6  # "Moro Islamic Liberation Front" is a name; a longer run is a sentence
ANONYMOUS = "anonymous"


class AskTopic(Action):
    def name(self) -> str:
        return "action_ask_topic"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = enter_step(tracker, "context")
        sid = session_id(tracker)
        previous = REPOSITORY.topic(sid) if sid else None
        dispatcher.utter_message(response="utter_ask_topic")
        if previous:
            say(dispatcher, "topic_so_far", topic=previous)
        return events


class AskParties(Action):
    def name(self) -> str:
        return "action_ask_parties"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        draft = tracker.get_slot("party_draft") or []
        if draft:
            say(dispatcher, "parties_so_far", names=join_names(draft))
        else:
            dispatcher.utter_message(response="utter_ask_parties")
        return []


class AskTrainee(Action):
    def name(self) -> str:
        return "action_ask_trainee"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = enter_step(tracker, "context")
        say(dispatcher, "ask_trainee", buttons=[{"title": "Stay anonymous", "payload": "/deny"}])
        return events


class AskScenario(Action):
    def name(self) -> str:
        return "action_ask_scenario"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = enter_step(tracker, "context")
        menu = scenario_menu(KNOWLEDGE.scenarios)
        say(
            dispatcher,
            "ask_scenario",
            menu="\n".join(f"{n}. {s.title}" for n, s in enumerate(menu, start=1)),
            buttons=[
                *({"title": s.title, "payload": f'/inform{{"scenario":"{s.id}"}}'} for s in menu),
                {"title": "Surprise me", "payload": f'/inform{{"scenario":"{RANDOM}"}}'},
            ],
        )
        return events


class ValidateContextForm(StepValidation):
    """Mediation: the topic and the parties. Training: the trainee's name and the
    scenario, which brings its own topic and parties."""

    def name(self) -> str:
        return "validate_context_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if is_training(tracker):
            return ["trainee", "scenario"]
        return [slot for slot in domain_slots if slot not in ("trainee", "scenario")]

    def validate_trainee(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not is_training(tracker):
            return {"trainee": value}  # kept from an earlier training session, unused here
        if value is not None and tracker.get_slot("requested_slot") != "trainee":
            # Given in an earlier training session of this conversation: keep it.
            if value != ANONYMOUS:
                TRAINING.set_trainee(session_id(tracker), value)
            return {"trainee": value}
        turn = self.answer(value, tracker)
        if turn is None:
            return {"trainee": None}
        text = " ".join(turn.text.split())
        if turn.intent == "deny":
            return {"trainee": ANONYMOUS}  # no name is stored
        if not text:
            say(dispatcher, "no_trainee_name")
            return {"trainee": None}
        if len(text) > MAX_TRAINEE_LENGTH:
            say(dispatcher, "trainee_name_too_long", length=len(text), limit=MAX_TRAINEE_LENGTH)
            return {"trainee": None}
        TRAINING.set_trainee(turn.session_id, text)
        return {"trainee": text}

    def validate_scenario(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not is_training(tracker):
            return {"scenario": None}
        if value in KNOWLEDGE.scenarios and tracker.get_slot("requested_slot") != "scenario":
            return {"scenario": value}  # already chosen; we are coming back to the case
        turn = self.answer(value, tracker)
        if turn is None:
            return {"scenario": None}
        chosen_id = next(iter(turn.entity("scenario")), None)
        chosen = pick_scenario(turn.text, KNOWLEDGE.scenarios, ANALYSER, chosen_id=chosen_id)
        if chosen is None:
            say(dispatcher, "which_scenario")
            return {"scenario": None}
        names = [party.name for party in chosen.parties]
        TRAINING.set_scenario(turn.session_id, chosen.id)
        REPOSITORY.set_topic(turn.session_id, chosen.title)
        REPOSITORY.set_parties(turn.session_id, names)
        for text in brief_messages(chosen):
            dispatcher.utter_message(text=text)
        return {
            "scenario": chosen.id,
            "topic": chosen.title,
            "parties": names,
            "current_party": names[0],
        }

    def validate_topic(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if is_training(tracker):
            return {"topic": value}  # set from the scenario
        turn = self.answer(value, tracker)
        if turn is None:
            return {"topic": None}
        if not turn.text.strip():
            say(dispatcher, "nothing_caught")
            return {"topic": None}
        if turn.intent in SMALL_TALK_INTENTS and len(turn.text.split()) <= 3:
            say(dispatcher, "topic_too_short")
            return {"topic": None}
        REPOSITORY.set_topic(turn.session_id, turn.text)
        return {"topic": turn.text}

    def validate_parties(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if is_training(tracker):
            return {"parties": value}  # set from the scenario
        turn = self.answer(value, tracker)
        if turn is None:
            return {"parties": None}
        if turn.intent in SMALL_TALK_INTENTS and len(turn.text.split()) <= 2:
            say(dispatcher, "name_the_parties")
            return {"parties": None}
        return take_parties(turn, dispatcher, tracker.get_slot("party_draft") or [])


def take_parties(turn: Turn, dispatcher: CollectingDispatcher, draft: list[str]) -> dict[str, Any]:
    """The parties named in the turn, added to those named before (`draft`), checked
    and stored; or what is missing, said."""
    parsed = parse_parties(turn.text)
    if any(len(name.split()) > MAX_NAME_WORDS for name in parsed.names):
        say(dispatcher, "parties_are_a_sentence")
        return {"parties": None}
    if parsed.too_long:
        say(dispatcher, "party_name_too_long")
        return {"parties": None}
    merged, repeated = merge_parties(draft, list(parsed.names))
    twice = list(parsed.duplicates) + repeated
    if twice:
        say(dispatcher, "parties_named_twice", names=join_names(sorted(set(twice))))
    if len(merged) < 2:
        if not merged:
            say(dispatcher, "no_party_names")
        return {"parties": None, "party_draft": merged}
    REPOSITORY.set_parties(turn.session_id, merged)
    say(dispatcher, "parties_are", names=join_names(merged))
    return {"parties": merged, "party_draft": None, "current_party": merged[0]}


def context_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """The topic or the parties, when the context form asked for them and DIET took the
    answer for a side intent ("Nationalists and Unionists" as hostility, "Japan and
    China" as out of scope). None when the message is something else, so the side
    intent's own answer stands; plain commands ("bye", "help") always keep theirs."""
    if (tracker.active_loop or {}).get("name") != "context_form" or is_training(tracker):
        return None
    turn = read_turn(tracker)
    slot = tracker.get_slot("requested_slot")
    if not turn.text.strip() or guard(turn.text) in ("command", "small talk"):
        return None
    if slot == "parties" and looks_like_party_list(turn.text):
        # names are never a command
        values = take_parties(turn, dispatcher, tracker.get_slot("party_draft") or [])
    elif slot == "topic" and len(turn.text.split()) >= 3:
        if turn.intent in NAVIGATION_INTENTS and turn.confidence >= COMMAND_CONFIDENCE:
            return None  # "Please restart the conversation": a command, read with near-certainty
        REPOSITORY.set_topic(turn.session_id, turn.text)
        values = {"topic": turn.text}
    else:
        return None
    return [SlotSet(k, v) for k, v in values.items()] + [FollowupAction("context_form")]
