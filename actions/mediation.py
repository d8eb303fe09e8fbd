"""Starting a mediation or a training session, reframing, clarifying, and the
closing summary (with the scored debrief in training)."""

from __future__ import annotations

from collections import Counter

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import context_answer
from actions.session import (
    ANALYSER,
    ANSWER_KEYS,
    CATALOGUE_ITEMS,
    KNOWLEDGE,
    MEDIATION_SLOTS,
    REPOSITORY,
    SETTINGS,
    TRAINING,
    answer_key,
    current_step,
    enter_step,
    is_training,
    latest_user_timestamp,
    message_id,
    parties_of,
    progress_line,
    restart_boundary,
    session_id,
    verbatim_text,
)
from actions.statements import answer_to_kind_question, handle_statement, judge, statement_instead
from bot.mediation.answers import yes_or_no
from bot.mediation.coaching import hostile_words, is_non_answer, reframe_hostility
from bot.mediation.common_ground import CONTESTED
from bot.mediation.parties import find_named_party
from bot.mediation.questions import plainly_a_question
from bot.mediation.summary import PartyRecord, build_summary, suggest_channels
from bot.store.training_record import training_record
from bot.training.debrief import chat_messages
from bot.training.scoring import score_session


def _start(tracker: Tracker, mode: str) -> list[EventType]:
    """Open a new session (closing an unfinished one) and clear the previous one's slots."""
    previous = session_id(tracker)
    if previous:
        REPOSITORY.finish(previous, "abandoned")
    sid = REPOSITORY.start_session(
        tracker.sender_id,
        mode,
        boundary=restart_boundary(tracker),
        trigger=latest_user_timestamp(tracker),
    )
    return [
        *(SlotSet(slot, None) for slot in MEDIATION_SLOTS),
        SlotSet("session_id", sid),
        SlotSet("mode", mode),
    ]


class StartMediation(Action):
    """Opens a new session, closing an unfinished one; the opening form follows."""

    def name(self) -> str:
        return "action_start_mediation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return _start(tracker, "mediation")


class AnswerStartOffer(Action):
    """The answer to "Shall we begin a mediation?" (utter_start_first), read by its words:
    DIET took "understood, we agree to that" for a fallback and "that is acceptable to
    both of us" for a choice of measures, and a yes then led nowhere."""

    def name(self) -> str:
        return "action_answer_start_offer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        sid = session_id(tracker)
        if sid and REPOSITORY.is_active(sid):
            # a session still under way while no step runs: starting another would
            # abandon it, and "nothing has started" would be untrue
            where = progress_line(tracker)
            dispatcher.utter_message(
                text="A mediation is already under way"
                + (f" ({where})" if where else "")
                + ". Say “where are we?” to carry on with it, or “restart” to begin afresh."
            )
            return []
        answer = yes_or_no(verbatim_text(tracker))
        if answer is True:
            return [*_start(tracker, "mediation"), FollowupAction("opening_form")]
        dispatcher.utter_message(
            response="utter_start_declined" if answer is False else "utter_start_how"
        )
        return []


class StartTraining(Action):
    """Opens a training session: the same steps, with a scenario in place of a real case."""

    def name(self) -> str:
        return "action_start_training"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return _start(tracker, "training")


class Reframe(Action):
    """Hostile words get a reframe; in training the named party stonewalls, and the
    remark counts against the trainee's tone."""

    def name(self) -> str:
        return "action_reframe"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        answer = context_answer(dispatcher, tracker)
        if answer is not None:
            return answer  # "Nationalists and Unionists": the parties asked for, not hostility
        text = verbatim_text(tracker)
        if (
            current_step(tracker) == "interests"
            and not hostile_words(ANALYSER.analyse(text))
            and not (is_training(tracker) and plainly_a_question(text))
        ):
            return statement_instead(dispatcher, tracker)
        party = tracker.get_slot("current_party") if current_step(tracker) == "interests" else None
        key = answer_key(tracker)
        if key is not None and session_id(tracker):
            named = find_named_party(text, parties_of(tracker))
            stonewall = key.scenario.party(named).stonewall if named else ""
            TRAINING.add_move(
                session_id(tracker),
                message_id(tracker),
                "question" if named else "remark",
                "hostile",
                text,
                party=named,
                answer=stonewall,
            )
            if named:
                dispatcher.utter_message(text=f"{named}: “{stonewall}”")
        coaching = reframe_hostility(ANALYSER.analyse(text), party)
        dispatcher.utter_message(text=coaching.text)
        return []


class Clarify(Action):
    """Low NLU confidence: ask rather than guess, in the terms of the current step."""

    def name(self) -> str:
        return "action_clarify"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        answer = context_answer(dispatcher, tracker)
        if answer is not None:
            return answer
        text = verbatim_text(tracker)
        if is_non_answer(text):
            where = progress_line(tracker)
            dispatcher.utter_message(
                text="That's fine. Say “skip” to move on, or ask for help."
                + (f" We are at {where}." if where else "")
            )
            return []
        if current_step(tracker) == "interests" and text.strip():
            # DIET was unsure; the meaning of the text may still be clear.
            parties = parties_of(tracker)
            party = tracker.get_slot("current_party") or (parties[0] if parties else "")
            answered = answer_to_kind_question(dispatcher, tracker)
            if answered is not None:  # "an interest", typed, answers the question
                return answered
            decision = judge(tracker, text, parties, party)
            events = handle_statement(dispatcher, tracker, text, decision, party, parties)
            return [SlotSet("pending_statement", None), *events]
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
            common_ground=[
                c.text
                for c in record.common_ground
                if c.status == "confirmed" and c.kind != CONTESTED
            ],
            contested=[
                c.text
                for c in record.common_ground
                if c.status == "confirmed" and c.kind == CONTESTED
            ],
            accepted=[m.title for m in record.measures if m.status == "accepted"],
            rejected=[m.title for m in record.measures if m.status == "rejected"],
            channels=suggest_channels(KNOWLEDGE.channels, case_topics),
        )
        REPOSITORY.finish(sid, "completed", summary)
        if is_training(tracker) and tracker.get_slot("scenario") in ANSWER_KEYS:
            dispatcher.utter_message(text=summary)
            self._debrief(dispatcher, tracker, sid)
            return events
        dispatcher.utter_message(
            text=summary,
            buttons=[{"title": "Start another mediation", "payload": "/start_mediation"}],
        )
        return events

    @staticmethod
    def _debrief(dispatcher: CollectingDispatcher, tracker: Tracker, sid: str) -> None:
        """Score the session against the answer key, store it, and show it."""
        key = ANSWER_KEYS[tracker.get_slot("scenario")]
        record = training_record(REPOSITORY.get(sid), TRAINING.moves(sid), ANALYSER)
        debrief = score_session(key, record, KNOWLEDGE.skills, CATALOGUE_ITEMS, KNOWLEDGE.measures)
        token = TRAINING.save_debrief(sid, debrief)
        link = f"{SETTINGS.web_url}/debrief/{token}"
        messages = chat_messages(debrief, key.scenario.title, link)
        for text in messages[:-1]:
            dispatcher.utter_message(text=text)
        dispatcher.utter_message(
            text=messages[-1],
            buttons=[
                {"title": "Practise another scenario", "payload": "/start_training"},
                {"title": "Start a mediation", "payload": "/start_mediation"},
            ],
        )
