"""Recording what a party said during the interests step: the Rasa side of
`bot/mediation/statement_kind.py` and `bot/mediation/attribution.py`.

Used by the interests form's validator and by the low-confidence fallback
(`action_clarify`), so a statement DIET was unsure of is still judged by meaning.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.session import (
    ANALYSER,
    KIND_CLASSIFIER,
    KNOWLEDGE,
    REPOSITORY,
    SEMANTICS,
    intent_ranking,
    message_id,
    parties_of,
    session_id,
    verbatim_text,
)
from bot.mediation.attribution import attribute
from bot.mediation.coaching import coach_position
from bot.mediation.statement_kind import INTENT_KIND, KindDecision, decide_kind, kind_answer

NOT_A_STATEMENT = {
    "command": "“{text}” isn't something I can do in this step, so I haven't noted it. "
    "When {party} is covered, say “done”; for the commands, say “help”.",
    "measure reference": "That reads as a choice of measures, and measures come at step 5, "
    "so I haven't noted it. What does {party} need, or worry about?",
    "meaning": "I haven't noted that: it doesn't read as something {party} needs, demands "
    "or proposes. Could you put it another way? When {party} is covered, say “done”.",
}
UNREADABLE = (
    "I couldn't read that as English, so I haven't noted it. Could you say it again in "
    "English? (Concordia works in English for now.)"
)


def judge(
    tracker: Tracker,
    text: str,
    parties: list[str],
    speaker: str | None,
    chosen: str | None = None,
) -> KindDecision:
    """The kind of `text`, typed in `speaker`'s turn; `chosen` is an intent the user
    picked with a button."""
    if chosen in INTENT_KIND:
        return KindDecision(INTENT_KIND[chosen], 1.0, "chosen by the user")
    return decide_kind(
        text,
        KIND_CLASSIFIER,
        intent_ranking(tracker),
        SEMANTICS.words,
        parties,
        speaker=speaker,
    )


def ask_interest_or_position(
    dispatcher: CollectingDispatcher, text: str, party: str
) -> list[EventType]:
    """Ask rather than guess; the text waits in `pending_statement` for the answer."""
    dispatcher.utter_message(
        text=f"I'm not sure how to read that. Is it something {party} needs or worries "
        f"about (an interest), or something {party} demands (a position)?",
        buttons=[
            {"title": "An interest", "payload": "/state_interest"},
            {"title": "A position", "payload": "/state_position"},
        ],
    )
    return [SlotSet("pending_statement", text)]


def statement_instead(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Read the latest message as a statement of the current party (DIET misread it)."""
    parties = parties_of(tracker)
    current = tracker.get_slot("current_party") or (parties[0] if parties else "")
    text = verbatim_text(tracker)
    return handle_statement(
        dispatcher, tracker, text, judge(tracker, text, parties, current), current, parties
    )


def answer_to_kind_question(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """The waiting statement recorded, when the latest message answers "an interest or a
    position?" in words ("an interest"), whatever DIET read it as (the typed soak: it
    was read as *help*, and the statement was lost); None when it is no such answer."""
    pending = tracker.get_slot("pending_statement")
    answer = kind_answer(verbatim_text(tracker)) if pending else None
    if answer is None:
        return None
    parties = parties_of(tracker)
    current = tracker.get_slot("current_party") or (parties[0] if parties else "")
    decision = judge(tracker, pending, parties, current, f"state_{answer}")
    events = handle_statement(dispatcher, tracker, pending, decision, current, parties)
    return [SlotSet("pending_statement", None), *events]


def handle_statement(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    text: str,
    decision: KindDecision,
    current: str,
    parties: list[str],
) -> list[EventType]:
    """Record `text` as `decision` says, or say plainly why it was not recorded."""
    if decision.kind == "none":
        if decision.reason != "small talk":
            template = NOT_A_STATEMENT.get(decision.reason, NOT_A_STATEMENT["meaning"])
            dispatcher.utter_message(text=template.format(text=text.strip(), party=current))
        return []
    if decision.kind == "unclear":
        if decision.reason == "unreadable":
            dispatcher.utter_message(text=UNREADABLE)
            return []
        return ask_interest_or_position(dispatcher, text, current)
    party = attribute(text, decision.kind, current, parties)
    analysis = ANALYSER.analyse(text)
    REPOSITORY.add_statement(
        session_id(tracker), message_id(tracker), party, decision.kind, analysis
    )
    if decision.kind == "position":
        dispatcher.utter_message(text=coach_position(analysis, party, KNOWLEDGE.topics).text)
    elif decision.kind == "option":
        dispatcher.utter_message(
            text=f"I've noted that as an option from {party} for the measures step. "
            f"Which interest of {party} would it serve?"
        )
    else:
        labels = [KNOWLEDGE.topics[t].label.lower() for t in analysis.topics]
        topics = f" ({', '.join(labels)})" if labels else ""
        dispatcher.utter_message(text=f"Noted as an interest of {party}{topics}.")
    return []
