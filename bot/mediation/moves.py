"""What a message means in the step that asked for it: the turn decisions of the
interests, common-ground and measures steps, as plain functions of a `Turn`.

Each returns a `Move`: what to do (record a statement, confirm, remove points,
accept measures…) and the name of the reply to give. The form validators in
`actions/forms/` only carry a move out (the record, the slots) and say its reply
(`actions/forms/replies.py`); the order of the checks below is the behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.mediation.answers import finished, yes_or_no
from bot.mediation.coaching import is_non_answer
from bot.mediation.parties import find_named_party
from bot.mediation.questions import looks_like_question, plainly_a_question
from bot.mediation.references import match_titles, referenced_numbers
from bot.mediation.statement_kind import guard, kind_answer
from bot.mediation.turn import Turn

# Navigation clears slots; Rasa then hands them to the form, and they are no answer.
NAVIGATION_INTENTS = frozenset({"go_back", "skip_step", "restart", "goodbye"})
SMALL_TALK_INTENTS = frozenset({"greet", "thank", "affirm", "deny"})
# What DIET reads as a party's statement is never taken for a typed answer or finish.
STATEMENT_INTENTS = frozenset({"state_interest", "state_position", "propose_option"})
# Intents that act on the measures: a typed "finish" inside one of them is not a finish.
MEASURE_INTENTS = frozenset({"accept_measure", "reject_measure", "more_measures", "propose_option"})
# In training, a plain question ("…?", "ask X …") that NLU read as a statement or as
# information is still a question to a party.
QUESTION_LIKE_INTENTS = frozenset({"state_interest", "state_position", "inform"})
REMOVE_WORDS = re.compile(r"\b(remove|delete|drop|strike|cross out|take out)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Move:
    """What to do with a message, and the reply to give (a name in `replies.py`)."""

    action: str  # "say" (the reply only), "ignore", or the step's own actions below
    reply: str | None = None
    items: tuple[str, ...] = ()  # measure ids, or point numbers as text
    text: str = ""  # the statement to record (interests)
    chosen: str | None = None  # an intent the user chose for it (interests)
    status: str | None = None  # accepted | rejected (measures)
    number: int = 0  # a number the reply names


def not_for_this_slot(value: object, turn: Turn) -> bool:
    """True when there is nothing the user said for the slot: Rasa also hands a form
    the slots that navigation cleared, and those must not be read as an answer."""
    return value is None or turn.intent in NAVIGATION_INTENTS


# -- interests ----------------------------------------------------------------------------
def interest_move(turn: Turn, pending: str | None) -> Move:
    """A message in the interests step: a party's statement, a question to a party
    (training), the end of a party's turn, or nothing to record. `pending` is the
    statement waiting for "interest or position?"."""
    text, chosen, intent = turn.text, None, turn.intent
    if pending and text.startswith("/") and intent in ("state_interest", "state_position"):
        text, chosen = pending, intent  # the user answered the clarifying question
    elif pending and kind_answer(text):
        text, chosen = pending, f"state_{kind_answer(text)}"  # ... in words
    if not text.strip():
        return Move("say", "nothing_caught")
    if is_non_answer(text):
        return Move("say", "non_answer_in_training" if turn.training else "non_answer_in_mediation")
    addressed = find_named_party(text, list(turn.parties)) or turn.speaker
    if intent == "ask_party" and not looks_like_question(text, addressed):
        intent = "state_interest"  # "Highvale needs power" names a need, not a question
    if intent == "ask_party" or (
        turn.training and intent in QUESTION_LIKE_INTENTS and plainly_a_question(text)
    ):
        return Move("question", text=text)
    if intent in ("done", "deny"):
        return Move("next_party")
    if intent in SMALL_TALK_INTENTS and chosen is None:
        return Move("ignore")
    return Move("statement", text=text, chosen=chosen)


def next_party(parties: Sequence[str], current: str | None, has_interest: bool) -> Move:
    """After "done": the next party's turn, or the end of the step once every party
    spoke. A party with no interest noted is asked again: common ground is built
    from interests."""
    if current and not has_interest:
        return Move("say", "no_interest_yet")
    index = list(parties).index(current) + 1 if current and current in parties else len(parties)
    if index < len(parties):
        return Move("next_party", text=parties[index])
    return Move("finish")


# -- common ground ------------------------------------------------------------------------
def common_ground_move(turn: Turn, points: Callable[[], int]) -> Move:
    """A message at "does this capture it?": confirm, remove points by number, or add
    the user's own point. `points` counts the points listed; it is called only past
    the first checks, so a confirmation or an empty answer needs no database."""
    intent, text = turn.intent, turn.text
    if intent in ("affirm", "done"):
        return Move("confirm")
    if intent == "ask_party" and turn.training:
        return Move("say", "questions_elsewhere")
    if not text.strip():
        return Move("say", "nothing_caught")
    if is_non_answer(text):
        return Move("say", "common_ground_non_answer")
    listed = points()
    if REMOVE_WORDS.search(text):
        numbers = referenced_numbers(text, listed)
        if not numbers:
            return Move("say", "which_point", number=listed)
        return Move("remove", items=tuple(str(n) for n in numbers))
    # A typed answer ("happy with that list, go ahead") confirms, unless DIET reads a
    # statement: "both want to proceed with talks" is a point of common ground.
    typed = None if intent in STATEMENT_INTENTS else yes_or_no(text)
    if intent == "deny" or typed is False:
        return Move("say", "common_ground_not_right")
    if typed or (intent not in STATEMENT_INTENTS and finished(text)):
        return Move("confirm")
    if intent in SMALL_TALK_INTENTS:
        return Move("ignore")
    if guard(text):  # bare small talk or a command DIET did not recognise: no point
        return Move("say", "common_ground_how")
    return Move("add", text=text)


# -- measures -----------------------------------------------------------------------------
def referred_measures(turn: Turn, shown: Sequence[str], titles: Mapping[str, str]) -> list[str]:
    """Measures the message refers to: a button's id, a number in the list shown, or
    words of a title. `titles` maps every known measure id to its title."""
    from_entity = [m for m in turn.entity("measure_id") if m in titles]
    if from_entity:
        return from_entity
    numbers = referenced_numbers(turn.text, len(shown))
    if numbers:
        return [shown[n - 1] for n in numbers]
    return [shown[i - 1] for i in match_titles(turn.text, [titles.get(m, "") for m in shown])]


def measure_move(
    turn: Turn, shown: Sequence[str], statuses: Mapping[str, str], titles: Mapping[str, str]
) -> Move:
    """A message at the measures step: accept or reject listed measures, show more,
    note the user's own measure, or finish. `statuses` maps each measure of the
    session to its status."""
    intent, text = turn.intent, turn.text
    if not text.strip():
        return Move("say", "nothing_caught")
    typed_finish = intent not in MEASURE_INTENTS | STATEMENT_INTENTS and finished(text)
    if intent == "done" or typed_finish:  # "no more measures, let us finish here"
        agreed = any(status == "accepted" for status in statuses.values())
        return Move("done", None if agreed else "no_measure_agreed")
    if intent == "ask_party" and turn.training:
        return Move("say", "questions_elsewhere")
    if is_non_answer(text):
        return Move("say", "measures_non_answer")
    if intent == "more_measures":
        return Move("more")
    if intent == "propose_option":
        return Move("propose", text=text)
    chosen = referred_measures(turn, shown, titles)
    if intent in ("accept_measure", "reject_measure", "affirm", "deny") and not chosen:
        pending = [m for m in shown if statuses.get(m) == "proposed"]
        if len(pending) == 1 and intent in ("accept_measure", "reject_measure"):
            chosen = pending
        else:
            return Move("say", "which_measure", number=len(shown))
    if chosen and intent in ("accept_measure", "affirm"):
        return Move("decide", items=tuple(chosen), status="accepted")
    if chosen and intent in ("reject_measure", "deny"):
        return Move("decide", items=tuple(chosen), status="rejected")
    if chosen and chosen[0] in shown:
        return Move("say", "accept_or_reject", number=list(shown).index(chosen[0]) + 1)
    # A measure named by id that is not in the list shown (a typed payload): until
    # 2026-12-07 this raised and ended the turn with "something is broken".
    return Move("say", "measures_how")
