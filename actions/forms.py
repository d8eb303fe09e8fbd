"""Slot validation and prompts for the step forms, in mediation and in training.

Each validator reads the user's message, hands it to the domain (`bot/`), records
the result, and decides whether the step's slot is filled (the form moves on) or
stays empty (the form asks again).
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.session import (
    ANALYSER,
    KNOWLEDGE,
    MEASURE_TEXTS,
    REPOSITORY,
    SEMANTICS,
    SMALL_TALK_INTENTS,
    TOPIC_LABELS,
    TRAINING,
    answer_key,
    enter_step,
    entity_values,
    intent_confidence,
    is_training,
    latest_intent,
    message_id,
    parties_of,
    session_id,
    verbatim_text,
)
from actions.statements import handle_statement, judge
from bot.mediation import steps
from bot.mediation.answers import finished, yes_or_no
from bot.mediation.coaching import is_non_answer
from bot.mediation.common_ground import COMPATIBLE, Said, find_common_ground, join_names, sections
from bot.mediation.parties import (
    find_named_party,
    looks_like_party_list,
    merge_parties,
    parse_parties,
)
from bot.mediation.ranking import CaseProfile, rank_measures
from bot.mediation.references import match_titles, referenced_numbers
from bot.mediation.statement_kind import COMMAND_CONFIDENCE, guard, kind_answer
from bot.store.training import MAX_TRAINEE_LENGTH
from bot.training.picking import RANDOM, brief_messages, pick_scenario, scenario_menu
from bot.training.questioning import (
    answer_question,
    looks_like_question,
    plainly_a_question,
    question_body,
)

MEASURES_PER_PAGE = 3
MAX_NAME_WORDS = 6  # "Moro Islamic Liberation Front" is a name; a longer run is a sentence
DONE_BUTTON = {"title": "Done, next step", "payload": "/done"}
NAVIGATION_INTENTS = frozenset({"go_back", "skip_step", "restart", "goodbye"})
# Commands obeyed over a context answer only when DIET is near-certain of them.
COMMAND_INTENTS = NAVIGATION_INTENTS
# In training, a plain question ("…?", "ask X …") that NLU read as a statement or as
# information is still a question to a party.
QUESTION_LIKE_INTENTS = frozenset({"state_interest", "state_position", "inform"})
ANONYMOUS = "anonymous"
QUESTIONS_ELSEWHERE = (
    "Questions to the parties belong to the interests step; say “go back” to return there."
)
REMOVE_WORDS = re.compile(r"\b(remove|delete|drop|strike|cross out|take out)\b", re.IGNORECASE)


def _not_for_this_slot(value: Any, tracker: Tracker) -> bool:
    """True when there is nothing the user said for this slot to validate.

    Rasa also hands a form the slots that were *cleared* since the last message (for
    example by "go back"), and those must not be read as an answer.
    """
    return value is None or latest_intent(tracker) in NAVIGATION_INTENTS


# What DIET reads as a party's statement is never taken for a typed answer or finish.
STATEMENT_INTENTS = frozenset({"state_interest", "state_position", "propose_option"})


# -- Step 1: opening ----------------------------------------------------------------------
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


class ValidateOpeningForm(FormValidationAction):
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


# -- Step 2: context ----------------------------------------------------------------------
class AskTopic(Action):
    def name(self) -> str:
        return "action_ask_topic"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = enter_step(tracker, "context")
        sid = session_id(tracker)
        previous = REPOSITORY.get(sid).topic if sid else None
        dispatcher.utter_message(response="utter_ask_topic")
        if previous:
            dispatcher.utter_message(text=f"(So far: “{previous}”. Repeat it or give a new one.)")
        return events


class AskParties(Action):
    def name(self) -> str:
        return "action_ask_parties"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        draft = tracker.get_slot("party_draft") or []
        if draft:
            dispatcher.utter_message(
                text=f"So far I have {join_names(draft)}. A mediation needs at least two "
                "parties: who is on the other side?"
            )
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
        dispatcher.utter_message(
            text="What name should your trainer see on your debrief?",
            buttons=[{"title": "Stay anonymous", "payload": "/deny"}],
        )
        return events


class AskScenario(Action):
    def name(self) -> str:
        return "action_ask_scenario"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = enter_step(tracker, "context")
        menu = scenario_menu(KNOWLEDGE.scenarios)
        lines = "\n".join(f"{n}. {s.title}" for n, s in enumerate(menu, start=1))
        dispatcher.utter_message(
            text=f"Which case would you like to practise?\n{lines}",
            buttons=[
                *({"title": s.title, "payload": f'/inform{{"scenario":"{s.id}"}}'} for s in menu),
                {"title": "Surprise me", "payload": f'/inform{{"scenario":"{RANDOM}"}}'},
            ],
        )
        return events


class ValidateContextForm(FormValidationAction):
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
        if _not_for_this_slot(value, tracker):
            return {"trainee": None}
        text = " ".join(verbatim_text(tracker).split())
        if latest_intent(tracker) == "deny":
            return {"trainee": ANONYMOUS}  # no name is stored
        elif not text:
            dispatcher.utter_message(text="I didn't catch a name. Type one, or stay anonymous.")
            return {"trainee": None}
        elif len(text) > MAX_TRAINEE_LENGTH:
            dispatcher.utter_message(
                text=f"That is {len(text)} characters; please give a name of up to "
                f"{MAX_TRAINEE_LENGTH}."
            )
            return {"trainee": None}
        TRAINING.set_trainee(session_id(tracker), text)
        return {"trainee": text}

    def validate_scenario(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        sid = session_id(tracker)
        if not is_training(tracker):
            return {"scenario": None}
        if value in KNOWLEDGE.scenarios and tracker.get_slot("requested_slot") != "scenario":
            return {"scenario": value}  # already chosen; we are coming back to the case
        if _not_for_this_slot(value, tracker):
            return {"scenario": None}
        chosen = pick_scenario(
            verbatim_text(tracker),
            KNOWLEDGE.scenarios,
            ANALYSER,
            chosen_id=next(iter(entity_values(tracker, "scenario")), None),
        )
        if chosen is None:
            dispatcher.utter_message(
                text="I couldn't tell which case you mean. Choose one by its number or button, "
                "or say “random”."
            )
            return {"scenario": None}
        names = [party.name for party in chosen.parties]
        TRAINING.set_scenario(sid, chosen.id)
        REPOSITORY.set_topic(sid, chosen.title)
        REPOSITORY.set_parties(sid, names)
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
        if _not_for_this_slot(value, tracker):
            return {"topic": None}
        text = verbatim_text(tracker)
        if not text.strip():
            dispatcher.utter_message(text="I didn't catch anything there.")
            return {"topic": None}
        if latest_intent(tracker) in SMALL_TALK_INTENTS and len(text.split()) <= 3:
            dispatcher.utter_message(
                text="I need a few words about the dispute itself, "
                "for example “access to the river after the new dam”."
            )
            return {"topic": None}
        REPOSITORY.set_topic(session_id(tracker), text)
        return {"topic": text}

    def validate_parties(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if is_training(tracker):
            return {"parties": value}  # set from the scenario
        if _not_for_this_slot(value, tracker):
            return {"parties": None}
        text = verbatim_text(tracker)
        if latest_intent(tracker) in SMALL_TALK_INTENTS and len(text.split()) <= 2:
            dispatcher.utter_message(text="Please name the parties themselves.")
            return {"parties": None}
        return take_parties(text, dispatcher, tracker)


def take_parties(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """The parties named in `text`, checked and stored (or what is missing, said)."""
    parsed = parse_parties(text)
    if any(len(name.split()) > MAX_NAME_WORDS for name in parsed.names):
        dispatcher.utter_message(
            text="That reads as a sentence rather than a list of names. Who are the parties? "
            "Name each one briefly, separated by commas or “and”."
        )
        return {"parties": None}
    if parsed.too_long:
        dispatcher.utter_message(
            text="That name is very long. Please give each party a short name "
            "(up to 120 characters), separated by commas or “and”."
        )
        return {"parties": None}
    draft = tracker.get_slot("party_draft") or []
    merged, repeated = merge_parties(draft, list(parsed.names))
    twice = list(parsed.duplicates) + repeated
    if twice:
        dispatcher.utter_message(
            text=f"You named {join_names(sorted(set(twice)))} more than once; "
            "I count each party once."
        )
    if len(merged) < 2:
        if not merged:
            dispatcher.utter_message(text="I couldn't find any names there.")
        return {"parties": None, "party_draft": merged}
    REPOSITORY.set_parties(session_id(tracker), merged)
    dispatcher.utter_message(text=f"Thank you. The parties are {join_names(merged)}.")
    return {"parties": merged, "party_draft": None, "current_party": merged[0]}


def context_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """The topic or the parties, when the context form asked for them and DIET took the
    answer for a side intent ("Nationalists and Unionists" as hostility, "Japan and
    China" as out of scope). None when the message is something else, so the side
    intent's own answer stands; plain commands ("bye", "help") always keep theirs."""
    if (tracker.active_loop or {}).get("name") != "context_form" or is_training(tracker):
        return None
    text = verbatim_text(tracker)
    slot = tracker.get_slot("requested_slot")
    if not text.strip() or guard(text) in ("command", "small talk"):
        return None
    if slot == "parties" and looks_like_party_list(text):
        values = take_parties(text, dispatcher, tracker)  # names are never a command
    elif slot == "topic" and len(text.split()) >= 3:
        if latest_intent(tracker) in COMMAND_INTENTS and (
            intent_confidence(tracker) >= COMMAND_CONFIDENCE
        ):
            return None  # "Please restart the conversation": a command, read with near-certainty
        REPOSITORY.set_topic(session_id(tracker), text)
        values = {"topic": text}
    else:
        return None
    return [SlotSet(k, v) for k, v in values.items()] + [FollowupAction("context_form")]


# -- Step 3: interests --------------------------------------------------------------------
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
        events: list[EventType] = []
        if tracker.get_slot("step") != "interests":
            events = enter_step(tracker, "interests")
            events.append(SlotSet("current_party", party))
            if is_training(tracker):
                dispatcher.utter_message(
                    text=f"{steps.progress('interests')}. Question the parties to find what "
                    f"each one needs, then name each interest you found (for example "
                    f"“{party} needs …”). Say “done” when a party is covered."
                )
            else:
                dispatcher.utter_message(
                    text=f"{steps.progress('interests')}. For each party, tell me what it needs, "
                    "fears or hopes for: the reasons behind what it asks. Positions "
                    "(demands) are noted too, and I'll help find the interest beneath them."
                )
        count = REPOSITORY.count_statements(session_id(tracker), party, "interest")
        if is_training(tracker):
            text = (
                f"Question {party}, or tell me an interest of {party} you have found."
                if count == 0
                else f"Any other interest of {party}? When {party} is covered, say “done”."
            )
        elif count == 0:
            text = f"What matters to {party}? What does {party} need, or worry about?"
        else:
            text = f"Anything else that matters to {party}? When {party} is covered, say “done”."
        dispatcher.utter_message(text=text, buttons=[DONE_BUTTON])
        return events


class ValidateInterestsForm(FormValidationAction):
    def name(self) -> str:
        return "validate_interests_form"

    def validate_interest_statement(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if _not_for_this_slot(value, tracker):
            return {"interest_statement": None}
        sid = session_id(tracker)
        parties = parties_of(tracker)
        current = tracker.get_slot("current_party") or (parties[0] if parties else None)
        intent = latest_intent(tracker)
        text = verbatim_text(tracker)
        pending = tracker.get_slot("pending_statement")
        keep_asking = {"interest_statement": None, "pending_statement": None}
        chosen = None
        if pending and text.startswith("/") and intent in ("state_interest", "state_position"):
            text, chosen = pending, intent  # the user answered the clarifying question
        elif pending and kind_answer(text):
            text, chosen = pending, f"state_{kind_answer(text)}"  # ... in words

        if not text.strip():
            dispatcher.utter_message(text="I didn't catch anything there.")
            return keep_asking
        if is_non_answer(text):
            dispatcher.utter_message(
                text=(
                    f"That's fine. Ask {current} a question to find out, or say “skip”."
                    if is_training(tracker)
                    else f"That's fine. If nothing else matters to {current}, say “done”."
                )
            )
            return keep_asking
        addressed = find_named_party(text, parties) or current
        if intent == "ask_party" and not looks_like_question(text, addressed):
            intent = "state_interest"  # "Highvale needs power" names a need, not a question
        if intent == "ask_party" or (
            is_training(tracker) and intent in QUESTION_LIKE_INTENTS and plainly_a_question(text)
        ):
            self._question(dispatcher, tracker, text, parties, current)
            return keep_asking
        if intent in ("done", "deny"):
            return self._next_party(dispatcher, sid, parties, current)
        if intent in SMALL_TALK_INTENTS and chosen is None:
            return keep_asking
        decision = judge(tracker, text, parties, current, chosen)
        events = handle_statement(dispatcher, tracker, text, decision, current or "", parties)
        return {**keep_asking, **{e["name"]: e["value"] for e in events}}

    @staticmethod
    def _question(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        text: str,
        parties: list[str],
        current: str | None,
    ) -> None:
        """Training: the party answers in its own voice. A mediation: I can't speak for it."""
        party = (
            find_named_party(text, parties)
            or next((p for p in entity_values(tracker, "party") if p in parties), None)
            or current
            or (parties[0] if parties else None)
        )
        key = answer_key(tracker)
        if key is None or party is None:
            who = party or "a party"
            dispatcher.utter_message(
                text=f"I can't answer for {who}: in a live mediation, put the question to them "
                "directly, then tell me what they need."
            )
            return
        if not question_body(text, party).strip(" ?.!"):
            dispatcher.utter_message(text=f"What would you like to ask {party}?")
            return
        sid = session_id(tracker)
        reply = answer_question(
            key,
            party,
            text,
            ANALYSER.analyse(text),
            TRAINING.revealed(sid),
            TOPIC_LABELS,
            hostile=latest_intent(tracker) == "express_hostility",
        )
        TRAINING.add_move(
            sid,
            message_id(tracker),
            "question",
            reply.quality,
            text,
            party=party,
            revealed=reply.revealed,
            answer=reply.text,
        )
        dispatcher.utter_message(text=f"{party}: “{reply.text}”")
        if reply.coaching:
            dispatcher.utter_message(text=f"Coach: {reply.coaching}")

    @staticmethod
    def _next_party(
        dispatcher: CollectingDispatcher, sid: str, parties: list[str], current: str | None
    ) -> dict[str, Any]:
        if current and REPOSITORY.count_statements(sid, current, "interest") == 0:
            dispatcher.utter_message(
                text=f"I haven't noted any interest for {current} yet, and the common ground "
                f"is built from interests. What does {current} need? "
                "(To leave this step anyway, say “skip”.)"
            )
            return {"interest_statement": None, "pending_statement": None}
        index = parties.index(current) + 1 if current in parties else len(parties)
        if index < len(parties):
            return {
                "interest_statement": None,
                "pending_statement": None,
                "current_party": parties[index],
            }
        return {"interest_statement": "done", "pending_statement": None, "current_party": None}


# -- Step 4: common ground ----------------------------------------------------------------
def _sectioned(items: list[tuple[str, str]]) -> str:
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
        events: list[EventType] = []
        buttons = [{"title": "Yes, that's right", "payload": "/affirm"}, DONE_BUTTON]
        if tracker.get_slot("step") != "common_ground" and is_training(tracker):
            # The trainee names the common ground: proposing it would give the answer away.
            events = enter_step(tracker, "common_ground")
            dispatcher.utter_message(
                text=f"{steps.progress('common_ground')}. In your own words, what do the "
                "parties share? Name one point per message; say “done” when you have them all.",
                buttons=[DONE_BUTTON],
            )
            return events
        if tracker.get_slot("step") != "common_ground":
            events = enter_step(tracker, "common_ground")
            parties = parties_of(tracker)
            stored = REPOSITORY.statements(sid, kinds=("interest", "position"))
            said = [Said(s.party, s.kind, s.text) for s in stored if s.party in parties]
            topics_of = {s.text: tuple(s.analysis.topics) for s in stored}
            found = find_common_ground(said, parties, SEMANTICS, MEASURE_TEXTS, topics_of)
            REPOSITORY.propose_common_ground(sid, found)
            header = f"{steps.progress('common_ground')}."
            if not found:
                dispatcher.utter_message(
                    text=f"{header} I couldn't find needs the parties share in what was said "
                    "so far. Do you see common ground? Tell me in your own words, or say “done”.",
                    buttons=[DONE_BUTTON],
                )
                return events
            dispatcher.utter_message(
                text=f"{header} Here is what I found, and why:\n"
                + _sectioned([(item.kind, item.text) for item in found])
            )
        else:
            current = [(c.kind, c.text) for c in REPOSITORY.common_ground(sid)]
            if current:
                dispatcher.utter_message(text=f"The common ground so far:\n{_sectioned(current)}")
        if is_training(tracker):
            dispatcher.utter_message(
                text="Any other common ground? “remove 2” drops a point; “done” moves on.",
                buttons=[DONE_BUTTON],
            )
            return events
        dispatcher.utter_message(
            text="Does this capture it? Say yes to confirm, “remove 2” to drop a point, "
            "or add common ground in your own words.",
            buttons=buttons,
        )
        return events


class ValidateCommonGroundForm(FormValidationAction):
    def name(self) -> str:
        return "validate_common_ground_form"

    def validate_common_ground_feedback(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if _not_for_this_slot(value, tracker):
            return {"common_ground_feedback": None}
        sid = session_id(tracker)
        intent = latest_intent(tracker)
        text = verbatim_text(tracker)
        again = {"common_ground_feedback": None}
        if intent in ("affirm", "done"):
            REPOSITORY.confirm_common_ground(sid)
            return {"common_ground_feedback": "confirmed"}
        if intent == "ask_party" and is_training(tracker):
            dispatcher.utter_message(text=QUESTIONS_ELSEWHERE)
            return again
        if not text.strip():
            dispatcher.utter_message(text="I didn't catch anything there.")
            return again
        if is_non_answer(text):
            dispatcher.utter_message(
                text="That's fine. Name a shared interest if one comes to mind, or say “done”."
            )
            return again
        items = REPOSITORY.common_ground(sid)
        if REMOVE_WORDS.search(text):
            numbers = referenced_numbers(text, len(items))
            if not numbers:
                dispatcher.utter_message(
                    text=f"Which point should I remove? Give its number (1 to {len(items)})."
                )
                return again
            chosen = [items[n - 1] for n in numbers]
            REPOSITORY.set_common_ground_status(sid, [c.id for c in chosen], "removed")
            dispatcher.utter_message(text="Removed: " + "; ".join(c.text for c in chosen))
            return again
        # A typed answer ("happy with that list, go ahead") confirms, unless DIET reads a
        # statement: "both want to proceed with talks" is a point of common ground.
        typed = None if intent in STATEMENT_INTENTS else yes_or_no(text)
        if intent == "deny" or typed is False:
            dispatcher.utter_message(
                text="What isn't right? Say “remove” and the number, or tell me the common "
                "ground as you see it."
            )
            return again
        if typed or (intent not in STATEMENT_INTENTS and finished(text)):
            REPOSITORY.confirm_common_ground(sid)
            return {"common_ground_feedback": "confirmed"}
        if intent in SMALL_TALK_INTENTS:
            return again
        if guard(text):  # bare small talk or a command DIET did not recognise: no point
            dispatcher.utter_message(
                text="Say yes to confirm the common ground, “remove” and a number to drop "
                "a point, or tell me a shared need in a sentence."
            )
            return again
        REPOSITORY.add_common_ground(sid, text, message_id(tracker))
        dispatcher.utter_message(text=f"Added to the common ground: “{text}”.")
        return again


# -- Step 5: confidence-building measures ---------------------------------------------------
# Intents that act on the measures: a typed "finish" inside one of them is not a finish.
MEASURE_INTENTS = frozenset({"accept_measure", "reject_measure", "more_measures", "propose_option"})


def _case_profile(sid: str) -> CaseProfile:
    """The case as ranking sees it: shared needs and contested ground first (their
    statements, and points the user added), then every interest and option."""
    analyses = [s.analysis for s in REPOSITORY.statements(sid, kinds=("interest", "option"))]
    points = [c for c in REPOSITORY.common_ground(sid) if c.kind != COMPATIBLE]
    shared = {t for c in points for t in (c.evidence or {}).get("topics", [])}
    priority = [
        said["text"] for c in points for said in (c.evidence or {}).get("statements", [])
    ] + [c.text for c in points if c.source == "user"]
    return CaseProfile.from_analyses(analyses, shared, priority)


def _propose_next_page(sid: str) -> list[str]:
    """Rank for this case, store the next few unseen measures, return their ids."""
    seen = [m.measure_id for m in REPOSITORY.measures(sid)]
    ranked = rank_measures(
        KNOWLEDGE.measures.values(),
        _case_profile(sid),
        KNOWLEDGE.topics,
        exclude=seen,
        semantics=SEMANTICS,
    )[:MEASURES_PER_PAGE]
    REPOSITORY.propose_measures(sid, ranked)
    return [r.measure.id for r in ranked]


class AskMeasureDecision(Action):
    def name(self) -> str:
        return "action_ask_measure_decision"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        sid = session_id(tracker)
        events: list[EventType] = []
        shown = tracker.get_slot("shown_measures") or []
        if tracker.get_slot("step") != "measures":
            events = enter_step(tracker, "measures")
            if not shown:
                shown = [m.measure_id for m in REPOSITORY.measures(sid) if m.source == "catalogue"][
                    -MEASURES_PER_PAGE:
                ] or _propose_next_page(sid)
                events.append(SlotSet("shown_measures", shown))
            dispatcher.utter_message(
                text=f"{steps.progress('measures')}. From the catalogue, ranked for this case "
                "by the interests and common ground, each with why it fits:"
            )
        by_id = {m.measure_id: m for m in REPOSITORY.measures(sid)}
        lines, buttons = [], []
        for number, measure_id in enumerate(shown, start=1):
            measure = by_id.get(measure_id)
            if measure is None:
                continue
            mark = "" if measure.status == "proposed" else f" [{measure.status}]"
            lines.append(f"{number}. {measure.title}{mark}: {measure.reason}")
            if measure.status == "proposed":
                buttons.append(
                    {
                        "title": f"Accept {number}",
                        "payload": f'/accept_measure{{"measure_id":"{measure_id}"}}',
                    }
                )
                buttons.append(
                    {
                        "title": f"Reject {number}",
                        "payload": f'/reject_measure{{"measure_id":"{measure_id}"}}',
                    }
                )
        agreed = [m.title for m in by_id.values() if m.status == "accepted"]
        if lines:
            dispatcher.utter_message(text="\n".join(lines))
        if agreed:
            dispatcher.utter_message(text="Agreed so far: " + "; ".join(agreed))
        buttons += [{"title": "More options", "payload": "/more_measures"}, DONE_BUTTON]
        dispatcher.utter_message(
            text="Accept or reject a measure (e.g. “accept 1”), ask for more, propose your "
            "own, or say “done”.",
            buttons=buttons,
        )
        return events


class ValidateMeasuresForm(FormValidationAction):
    def name(self) -> str:
        return "validate_measures_form"

    def validate_measure_decision(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if _not_for_this_slot(value, tracker):
            return {"measure_decision": None}
        sid = session_id(tracker)
        intent = latest_intent(tracker)
        text = verbatim_text(tracker)
        shown: list[str] = tracker.get_slot("shown_measures") or []
        by_id = {m.measure_id: m for m in REPOSITORY.measures(sid)}
        again: dict[str, Any] = {"measure_decision": None}
        if not text.strip():
            dispatcher.utter_message(text="I didn't catch anything there.")
            return again
        typed_finish = intent not in MEASURE_INTENTS | STATEMENT_INTENTS and finished(text)
        if intent == "done" or typed_finish:  # "no more measures, let us finish here"
            if not any(m.status == "accepted" for m in by_id.values()):
                dispatcher.utter_message(text="No measure was agreed; the summary will say so.")
            return {"measure_decision": "done"}
        if intent == "ask_party" and is_training(tracker):
            dispatcher.utter_message(text=QUESTIONS_ELSEWHERE)
            return again
        if is_non_answer(text):
            dispatcher.utter_message(
                text="That's fine. “more options” shows other measures; “done” moves on."
            )
            return again
        if intent == "more_measures":
            page = _propose_next_page(sid)
            if not page:
                dispatcher.utter_message(
                    text="Those are all the catalogue's measures that fit "
                    "this case. You can propose your own."
                )
                return again
            return {"measure_decision": None, "shown_measures": page}
        if intent == "propose_option":
            REPOSITORY.add_user_measure(sid, text, message_id(tracker))
            dispatcher.utter_message(text=f"Added your own measure, as agreed: “{text}”.")
            return again

        chosen = self._resolve(tracker, text, shown, by_id)
        if intent in ("accept_measure", "reject_measure", "affirm", "deny") and not chosen:
            pending = [m for m in shown if by_id.get(m) and by_id[m].status == "proposed"]
            if len(pending) == 1 and intent in ("accept_measure", "reject_measure"):
                chosen = pending
            else:
                dispatcher.utter_message(
                    text=f"Which one? Give its number, for example “accept 1” or “reject 2” "
                    f"(1 to {len(shown)})."
                )
                return again
        if chosen and intent in ("accept_measure", "affirm"):
            status = "accepted"
        elif chosen and intent in ("reject_measure", "deny"):
            status = "rejected"
        elif chosen:
            dispatcher.utter_message(
                text="Do you want to accept or reject it? Say “accept "
                f"{shown.index(chosen[0]) + 1}” or “reject ...”."
            )
            return again
        else:
            dispatcher.utter_message(
                text="I can accept or reject a listed measure, show more, note a measure you "
                "propose (“what if we …”), or finish (“done”)."
            )
            return again
        for measure_id in chosen:
            REPOSITORY.set_measure_status(sid, measure_id, status)
        dispatcher.utter_message(
            text=f"{status.capitalize()}: " + "; ".join(by_id[m].title for m in chosen) + "."
        )
        return again

    @staticmethod
    def _resolve(tracker: Tracker, text: str, shown: list[str], by_id: dict) -> list[str]:
        """Measures the message refers to: button payload, number, or words of a title."""
        from_entity = [m for m in entity_values(tracker, "measure_id") if m in by_id]
        if from_entity:
            return from_entity
        numbers = referenced_numbers(text, len(shown))
        if numbers:
            return [shown[n - 1] for n in numbers]
        titles = [by_id[m].title if m in by_id else "" for m in shown]
        return [shown[i - 1] for i in match_titles(text, titles)]
