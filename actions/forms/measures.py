"""Step 5, confidence-building measures: the catalogue ranked for this case, a few at
a time, each accepted or rejected; the user may propose their own."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms.base import DONE_BUTTON, StepValidation
from actions.forms.replies import say
from actions.session import KNOWLEDGE, REPOSITORY, SEMANTICS, enter_step, session_id
from bot.mediation import steps
from bot.mediation.common_ground import COMPATIBLE
from bot.mediation.moves import measure_move
from bot.mediation.ranking import CaseProfile, rank_measures

MEASURES_PER_PAGE = 3


def case_profile(sid: str) -> CaseProfile:
    """The case as ranking sees it: shared needs and contested ground first (their
    statements, and points the user added), then every interest and option."""
    analyses = [s.analysis for s in REPOSITORY.statements(sid, kinds=("interest", "option"))]
    points = [c for c in REPOSITORY.common_ground(sid) if c.kind != COMPATIBLE]
    shared = {t for c in points for t in (c.evidence or {}).get("topics", [])}
    priority = [
        said["text"] for c in points for said in (c.evidence or {}).get("statements", [])
    ] + [c.text for c in points if c.source == "user"]
    return CaseProfile.from_analyses(analyses, shared, priority)


def propose_next_page(sid: str) -> list[str]:
    """Rank for this case, store the next few unseen measures, return their ids."""
    seen = [m.measure_id for m in REPOSITORY.measures(sid)]
    ranked = rank_measures(
        KNOWLEDGE.measures.values(),
        case_profile(sid),
        KNOWLEDGE.topics,
        exclude=seen,
        semantics=SEMANTICS,
    )[:MEASURES_PER_PAGE]
    REPOSITORY.propose_measures(sid, ranked)
    return [r.measure.id for r in ranked]


def decision_buttons(number: int, measure_id: str) -> list[dict]:
    return [
        {"title": f"Accept {number}", "payload": f'/accept_measure{{"measure_id":"{measure_id}"}}'},
        {"title": f"Reject {number}", "payload": f'/reject_measure{{"measure_id":"{measure_id}"}}'},
    ]


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
                ] or propose_next_page(sid)
                events.append(SlotSet("shown_measures", shown))
            say(dispatcher, "measures_intro", progress=steps.progress("measures"))
        by_id = {m.measure_id: m for m in REPOSITORY.measures(sid)}
        lines, buttons = [], []
        for number, measure_id in enumerate(shown, start=1):
            measure = by_id.get(measure_id)
            if measure is None:
                continue
            mark = "" if measure.status == "proposed" else f" [{measure.status}]"
            lines.append(f"{number}. {measure.title}{mark}: {measure.reason}")
            if measure.status == "proposed":
                buttons += decision_buttons(number, measure_id)
        agreed = [m.title for m in by_id.values() if m.status == "accepted"]
        if lines:
            dispatcher.utter_message(text="\n".join(lines))
        if agreed:
            say(dispatcher, "agreed_so_far", titles="; ".join(agreed))
        buttons += [{"title": "More options", "payload": "/more_measures"}, DONE_BUTTON]
        say(dispatcher, "measure_choices", buttons=buttons)
        return events


class ValidateMeasuresForm(StepValidation):
    def name(self) -> str:
        return "validate_measures_form"

    def validate_measure_decision(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        turn = self.answer(value, tracker)
        if turn is None:
            return {"measure_decision": None}
        sid = turn.session_id
        shown: list[str] = tracker.get_slot("shown_measures") or []
        by_id = {m.measure_id: m for m in REPOSITORY.measures(sid)}
        statuses = {m: record.status for m, record in by_id.items()}
        move = measure_move(turn, shown, statuses, {m: r.title for m, r in by_id.items()})
        if move.reply and move.action in ("say", "done"):
            say(dispatcher, move.reply, number=move.number)
        if move.action == "done":
            return {"measure_decision": "done"}
        if move.action == "more":
            page = propose_next_page(sid)
            if page:
                return {"measure_decision": None, "shown_measures": page}
            say(dispatcher, "all_measures_shown")
        elif move.action == "propose":
            REPOSITORY.add_user_measure(sid, move.text, turn.message_id)
            say(dispatcher, "own_measure_added", text=move.text)
        elif move.action == "decide" and move.status:
            for measure_id in move.items:
                REPOSITORY.set_measure_status(sid, measure_id, move.status)
            titles = "; ".join(by_id[m].title for m in move.items)
            say(dispatcher, "measures_decided", status=move.status.capitalize(), titles=titles)
        return {"measure_decision": None}
