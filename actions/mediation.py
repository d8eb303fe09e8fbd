"""Starting a mediation, reframing, clarifying, and the closing summary."""

from __future__ import annotations

from collections import Counter

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.session import (
    ANALYSER,
    KNOWLEDGE,
    MEDIATION_SLOTS,
    REPOSITORY,
    current_step,
    enter_step,
    latest_user_timestamp,
    parties_of,
    progress_line,
    restart_boundary,
    session_id,
    verbatim_text,
)
from bot.coaching import reframe_hostility
from bot.summary import PartyRecord, build_summary, suggest_channels


class StartMediation(Action):
    """Opens a new session, closing an unfinished one; the opening form follows."""

    def name(self) -> str:
        return "action_start_mediation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        previous = session_id(tracker)
        if previous:
            REPOSITORY.finish(previous, "abandoned")
        sid = REPOSITORY.start_session(
            tracker.sender_id,
            "mediation",
            boundary=restart_boundary(tracker),
            trigger=latest_user_timestamp(tracker),
        )
        return [*(SlotSet(slot, None) for slot in MEDIATION_SLOTS), SlotSet("session_id", sid)]


class StartTraining(Action):
    """Training scenarios are a separate feature; until they exist, say so plainly."""

    def name(self) -> str:
        return "action_start_training"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(
            text="Practice scenarios with a scored debrief are not available in this version "
            "yet. You can practise the mediator's role on a case of your own: I will "
            "guide you through every step.",
            buttons=[{"title": "Start a mediation", "payload": "/start_mediation"}],
        )
        return []


class Reframe(Action):
    def name(self) -> str:
        return "action_reframe"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        party = tracker.get_slot("current_party") if current_step(tracker) == "interests" else None
        coaching = reframe_hostility(ANALYSER.analyse(verbatim_text(tracker)), party)
        dispatcher.utter_message(text=coaching.text)
        return []


class Clarify(Action):
    """Low NLU confidence: ask rather than guess, in the terms of the current step."""

    def name(self) -> str:
        return "action_clarify"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = verbatim_text(tracker)
        if current_step(tracker) == "interests" and text.strip():
            party = tracker.get_slot("current_party") or "this party"
            dispatcher.utter_message(
                text=f"I'm not sure how to read that. Is it something {party} needs or worries "
                f"about (an interest), or something {party} demands (a position)?",
                buttons=[
                    {"title": "An interest", "payload": "/state_interest"},
                    {"title": "A position", "payload": "/state_position"},
                ],
            )
            return [SlotSet("pending_statement", text)]
        where = progress_line(tracker)
        dispatcher.utter_message(
            text="Sorry, I'm not sure what you mean. Could you say it another way?"
            + (f" We are at {where}." if where else ""),
            buttons=[
                {"title": "Help", "payload": "/help"},
                {"title": "Where are we?", "payload": "/where_are_we"},
            ],
        )
        return []


class Summarise(Action):
    def name(self) -> str:
        return "action_summarise"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        sid = session_id(tracker)
        events = enter_step(tracker, "summary")
        record = REPOSITORY.get(sid)
        names = parties_of(tracker) or [p.name for p in record.parties]
        parties = []
        for name in names:
            said = [s for s in record.statements if s.party and s.party.name == name]
            parties.append(
                PartyRecord(
                    name,
                    [s.text for s in said if s.kind == "interest"],
                    [s.text for s in said if s.kind == "position"],
                )
            )
        case_topics = Counter(t for s in record.statements for t in (s.topics or {}))
        summary = build_summary(
            session_id=sid,
            topic=record.topic,
            parties=parties,
            common_ground=[c.text for c in record.common_ground if c.status == "confirmed"],
            accepted=[m.title for m in record.measures if m.status == "accepted"],
            rejected=[m.title for m in record.measures if m.status == "rejected"],
            channels=suggest_channels(KNOWLEDGE.channels, case_topics),
        )
        REPOSITORY.finish(sid, "completed", summary)
        dispatcher.utter_message(
            text=summary,
            buttons=[{"title": "Start another mediation", "payload": "/start_mediation"}],
        )
        return events
