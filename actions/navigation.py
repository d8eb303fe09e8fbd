"""Help, "where are we?", back, skip, restart and goodbye, at every step."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import context_answer
from actions.session import (
    KNOWLEDGE,
    REPOSITORY,
    current_step,
    intent_confidence,
    is_caucus,
    is_training,
    parties_of,
    session_id,
    verbatim_text,
)
from actions.statements import answer_to_kind_question, statement_instead
from bot.mediation import steps
from bot.mediation.questions import plainly_a_question
from bot.mediation.statement_kind import misread_command
from bot.training.picking import brief_messages

CANNOT_SKIP = {
    "opening": "The ground rules can't be skipped: a mediation needs everyone's consent to "
    "them. Say yes to agree.",
    "context": "This step can't be skipped: everything after it builds on the topic and the "
    "parties.",
}


def _leave_loop(*slots: str) -> list[EventType]:
    """Deactivate the current form and clear the slots of the step being reopened."""
    return [ActiveLoop(None), SlotSet("requested_slot", None)] + [
        SlotSet(slot, None) for slot in slots
    ]


class Help(Action):
    def name(self) -> str:
        return "action_help"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        answered = answer_to_kind_question(dispatcher, tracker)
        if answered is not None:  # "an interest", read as a call for help
            return answered
        if is_caucus(tracker):
            dispatcher.utter_message(response="utter_help_caucus")
            return []
        step = current_step(tracker) if session_id(tracker) else None
        training = f"utter_help_training_{step}"
        if is_training(tracker) and training in (domain.get("responses") or {}):
            party = tracker.get_slot("current_party") or "the first party"
            dispatcher.utter_message(response=training, party=party)
        else:
            dispatcher.utter_message(response=f"utter_help_{step or 'start'}")
        if step:
            dispatcher.utter_message(response="utter_help_commands")
        return []


class WhereAreWe(Action):
    def name(self) -> str:
        return "action_where_are_we"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        sid = session_id(tracker)
        step = current_step(tracker)
        if is_caucus(tracker):
            party = tracker.get_slot("current_party") or "your side"
            dispatcher.utter_message(
                text=f"We are in {party}'s private caucus on “{tracker.get_slot('topic')}”: "
                "what it needs, what it could offer, what it could never accept. Your notes "
                "and what you have shared are on the room page."
            )
            return []
        if not sid or not step:
            dispatcher.utter_message(
                text="We haven't started yet. Say “start a mediation” to begin.",
                buttons=[{"title": "Start a mediation", "payload": "/start_mediation"}],
            )
            return []
        record = REPOSITORY.get(sid)
        facts = []
        if record.parties:
            facts.append(f"{len(record.parties)} parties")
        for kind in ("interest", "position"):
            count = sum(1 for s in record.statements if s.kind == kind)
            if count:
                facts.append(f"{count} {kind}{'s' if count != 1 else ''}")
        confirmed = sum(1 for c in record.common_ground if c.status == "confirmed")
        if confirmed:
            facts.append(f"{confirmed} common-ground point{'s' if confirmed != 1 else ''}")
        agreed = sum(1 for m in record.measures if m.status == "accepted")
        if agreed:
            facts.append(f"{agreed} measure{'s' if agreed != 1 else ''} agreed")
        status = f" (session {record.status})" if record.status != "active" else ""
        recorded = f" Recorded so far: {', '.join(facts)}." if facts else ""
        party = tracker.get_slot("current_party") if step == "interests" else None
        focus = f" We're on {party}'s interests." if party else ""
        dispatcher.utter_message(
            text=f"We are at {steps.progress(step)}{status}.{recorded}{focus} "
            f"Session reference: {sid}."
        )
        return []


class GoBack(Action):
    """Reopen the previous step. It always closes the active form (Rasa's rules need one
    consistent outcome per action); the rules then open the right step's form."""

    def name(self) -> str:
        return "action_go_back"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        misread = _not_a_command(dispatcher, tracker)
        if misread is not None:
            return misread
        answer = context_answer(dispatcher, tracker)
        if answer is not None:
            return answer  # "The return of Syrian refugees…" is the topic, not "go back"
        step = current_step(tracker)
        sid = session_id(tracker)
        if step == "interests" and is_training(tracker):
            scenario = KNOWLEDGE.scenarios.get(tracker.get_slot("scenario") or "")
            dispatcher.utter_message(text="In practice the case stays the same. Here it is again.")
            for text in brief_messages(scenario) if scenario else []:
                dispatcher.utter_message(text=text)
            return _leave_loop("interest_statement", "pending_statement")
        if step == "interests":
            dispatcher.utter_message(
                text="Back to the context. What you said about parties "
                "who stay in the list is kept."
            )
            return _leave_loop(
                "topic",
                "parties",
                "party_draft",
                "current_party",
                "interest_statement",
                "pending_statement",
            )
        if step == "common_ground":
            parties = parties_of(tracker)
            dispatcher.utter_message(
                text="Back to the interests. Everything noted is kept; add what was missing."
            )
            return [
                *_leave_loop(
                    "interest_statement", "pending_statement", "step", "common_ground_feedback"
                ),
                SlotSet("current_party", parties[0] if parties else None),
            ]
        if step == "measures":
            dispatcher.utter_message(text="Back to the common ground.")
            return _leave_loop("common_ground_feedback", "measure_decision", "step")
        if step == "summary" and sid:
            REPOSITORY.reopen(sid)
            dispatcher.utter_message(text="Back to the measures; the session is open again.")
            # no form runs after the summary, so no rule opens the step: open it here
            return [*_leave_loop("measure_decision", "step"), FollowupAction("measures_form")]
        if step in ("opening", "context"):
            dispatcher.utter_message(
                text="We are at the start: there is nothing earlier to go back to."
            )
        else:
            dispatcher.utter_message(text="There is no earlier step to go back to from here.")
        return _leave_loop()


class SkipStep(Action):
    """Leave the current step; the rules then start the next one."""

    def name(self) -> str:
        return "action_skip_step"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        misread = _not_a_command(dispatcher, tracker)
        if misread is not None:
            return misread
        answer = context_answer(dispatcher, tracker)
        if answer is not None:
            return answer
        step = current_step(tracker)
        if step == "context" and is_training(tracker):
            dispatcher.utter_message(
                text="Choose a case to practise first (or say “random”); a name is optional: "
                "press “Stay anonymous”."
            )
            return _leave_loop()
        if step in CANNOT_SKIP:
            dispatcher.utter_message(text=CANNOT_SKIP[step])
            return _leave_loop()
        if step in ("interests", "common_ground", "measures"):
            label = steps.get_step(step).label.lower()
            dispatcher.utter_message(text=f"Skipping {label}. You can come back with “go back”.")
            return _leave_loop("pending_statement")
        dispatcher.utter_message(
            text="There is no step in progress to skip. Say “start a mediation” to begin one."
        )
        return _leave_loop()


def _misread_statement(tracker: Tracker) -> bool:
    """A party's statement DIET took for a command (goodbye, restart, back, skip) while
    interests are taken."""
    text = verbatim_text(tracker)
    if is_training(tracker) and plainly_a_question(text):
        return False  # a trainee's question to a party is not a statement
    return current_step(tracker) == "interests" and misread_command(
        text, intent_confidence(tracker)
    )


def _not_a_command(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """The events of reading the latest message as what it is when DIET took it for a
    command: the answer to "an interest or a position?", or a party's statement; None
    when it is the command."""
    answered = answer_to_kind_question(dispatcher, tracker)
    if answered is not None:
        return answered
    if _misread_statement(tracker):
        return statement_instead(dispatcher, tracker)
    return None


class Goodbye(Action):
    def name(self) -> str:
        return "action_goodbye"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        sid = session_id(tracker)
        misread = _not_a_command(dispatcher, tracker)
        if misread is not None:
            return misread
        answer = context_answer(dispatcher, tracker)
        if answer is not None:
            # Not a farewell: the topic or the names asked for, misread. They are checked
            # as the form checks them (Rasa would not re-validate a slot this action sets).
            return answer
        if not sid:
            dispatcher.utter_message(text="Goodbye.")
            return []
        if current_step(tracker) == "measures":
            # Every step before the last is done: leaving here ("those measures will do,
            # please close the session") closes the mediation with its summary, as a
            # mediator recaps before the parties leave, instead of abandoning it.
            dispatcher.utter_message(text="Closing the mediation here, with its summary.")
            return [
                ActiveLoop(None),
                SlotSet("requested_slot", None),
                FollowupAction("action_summarise"),
            ]
        ended = REPOSITORY.finish(sid, "abandoned")  # a completed session stays completed
        saved = "saved" if ended == "completed" else "saved, unfinished,"
        dispatcher.utter_message(
            text=f"Goodbye. This session is {saved} as {sid}; a reviewer can read it there."
        )
        return [ActiveLoop(None), SlotSet("requested_slot", None)]


class Restart(Action):
    """Overrides Rasa's default `action_restart` to close the session record first."""

    def name(self) -> str:
        return "action_restart"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        misread = _not_a_command(dispatcher, tracker)
        if misread is not None:
            return misread
        answer = context_answer(dispatcher, tracker)
        if answer is not None:
            return answer
        sid = session_id(tracker)
        if sid:
            REPOSITORY.finish(sid, "abandoned")
        dispatcher.utter_message(response="utter_restart")
        return [Restarted()]


class OutOfScope(Action):
    """Out of scope, unless it answers the context form's question (DIET read "Japan and
    China" as out of scope)."""

    def name(self) -> str:
        return "action_out_of_scope"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        answer = context_answer(dispatcher, tracker)
        if answer is not None:
            return answer
        dispatcher.utter_message(response="utter_out_of_scope")
        return []
