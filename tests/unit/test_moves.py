"""The turn decisions of the interests, common-ground and measures steps
(`bot/mediation/moves.py`), as plain functions of a `Turn`: no tracker, no Rasa."""

from __future__ import annotations

import pytest

from bot.mediation.moves import (
    common_ground_move,
    interest_move,
    measure_move,
    next_party,
    not_for_this_slot,
    referred_measures,
)
from bot.mediation.turn import Turn

PARTIES = ("Riverland", "Dryland")


def turn(text: str, intent: str | None = None, **fields) -> Turn:
    return Turn(text=text, intent=intent, parties=PARTIES, party="Riverland", **fields)


def test_a_slot_cleared_by_navigation_is_no_answer():
    assert not_for_this_slot(None, turn("x"))
    assert not_for_this_slot("x", turn("go back", "go_back"))
    assert not not_for_this_slot("x", turn("farmers need water", "state_interest"))


def test_the_speaker_is_the_current_party_or_the_first():
    assert turn("x").speaker == "Riverland"
    assert Turn(text="x", parties=PARTIES).speaker == "Riverland"
    assert Turn(text="x").speaker is None


# -- interests ----------------------------------------------------------------------------
def test_a_statement_is_recorded_with_the_kind_chosen_at_the_clarifying_question():
    assert interest_move(turn("our farmers need water", "state_interest"), None).action == (
        "statement"
    )
    answered = interest_move(turn("/state_position", "state_position"), "they must leave")
    assert (answered.action, answered.text, answered.chosen) == (
        "statement",
        "they must leave",
        "state_position",
    )
    in_words = interest_move(turn("an interest", "help"), "they must leave")
    assert (in_words.text, in_words.chosen) == ("they must leave", "state_interest")


@pytest.mark.parametrize(
    ("text", "intent", "training", "action", "reply"),
    [
        ("   ", "state_interest", False, "say", "nothing_caught"),
        ("I don't know", "deny", False, "say", "non_answer_in_mediation"),
        ("I don't know", "deny", True, "say", "non_answer_in_training"),
        ("done", "done", False, "next_party", None),
        ("thanks", "thank", False, "ignore", None),
        ("Riverland, what do you need most?", "ask_party", True, "question", None),
        ("Why does Dryland want the dam?", "state_interest", True, "question", None),
    ],
)
def test_what_a_message_in_the_interests_step_is(text, intent, training, action, reply):
    move = interest_move(turn(text, intent, training=training), None)
    assert (move.action, move.reply) == (action, reply)


def test_a_named_need_that_nlu_took_for_a_question_is_a_statement():
    assert interest_move(turn("Highvale needs power", "ask_party"), None).action == "statement"


def test_done_moves_to_the_next_party_then_ends_the_step():
    assert next_party(PARTIES, "Riverland", has_interest=True).text == "Dryland"
    assert next_party(PARTIES, "Dryland", has_interest=True).action == "finish"
    stay = next_party(PARTIES, "Riverland", has_interest=False)
    assert (stay.action, stay.reply) == ("say", "no_interest_yet")


# -- common ground ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "intent", "action", "reply"),
    [
        ("yes", "affirm", "confirm", None),
        ("happy with that list, go ahead", "inform", "confirm", None),
        ("that is not right", "inform", "say", "common_ground_not_right"),
        ("remove the last one please", "inform", "remove", None),
        ("remove it", "inform", "say", "which_point"),
        ("both want to proceed with talks", "state_interest", "add", None),
        ("hello", "greet", "ignore", None),
        ("", "inform", "say", "nothing_caught"),
    ],
)
def test_what_a_message_at_the_common_ground_is(text, intent, action, reply):
    move = common_ground_move(turn(text, intent), lambda: 3)
    assert (move.action, move.reply) == (action, reply)


def test_points_are_removed_by_their_numbers():
    assert common_ground_move(turn("remove 1 and 3", "inform"), lambda: 3).items == ("1", "3")
    assert common_ground_move(turn("remove 2", "inform"), lambda: 1).reply == "which_point"


def test_a_question_to_a_party_in_training_belongs_to_the_interests_step():
    move = common_ground_move(turn("Riverland, why?", "ask_party", training=True), lambda: 2)
    assert move.reply == "questions_elsewhere"


# -- measures -----------------------------------------------------------------------------
SHOWN = ["hotline", "data-sharing", "joint-patrols"]
TITLES = {"hotline": "Military hotline", "data-sharing": "River data sharing", "joint-patrols": ""}
PROPOSED = dict.fromkeys(SHOWN, "proposed")


def test_measures_are_referred_to_by_button_number_or_title():
    assert referred_measures(turn("x", entities={"measure_id": ("hotline",)}), SHOWN, TITLES) == [
        "hotline"
    ]
    assert referred_measures(turn("accept 2"), SHOWN, TITLES) == ["data-sharing"]
    assert referred_measures(turn("the hotline one"), SHOWN, TITLES) == ["hotline"]
    assert referred_measures(turn("something else"), SHOWN, TITLES) == []


@pytest.mark.parametrize(
    ("text", "intent", "action", "reply", "status"),
    [
        ("accept 1", "accept_measure", "decide", None, "accepted"),
        ("reject 2", "reject_measure", "decide", None, "rejected"),
        ("accept", "accept_measure", "say", "which_measure", None),
        ("the hotline one", "inform", "say", "accept_or_reject", None),
        ("more options", "more_measures", "more", None, None),
        ("what if we met monthly", "propose_option", "propose", None, None),
        ("no more measures, let us finish here", "inform", "done", "no_measure_agreed", None),
        ("no more fishing in the bay", "propose_option", "propose", None, None),
        ("hmm", "inform", "say", "measures_how", None),
    ],
)
def test_what_a_message_at_the_measures_step_is(text, intent, action, reply, status):
    move = measure_move(turn(text, intent), SHOWN, PROPOSED, TITLES)
    assert (move.action, move.reply, move.status) == (action, reply, status)


def test_accept_with_one_measure_left_takes_that_one():
    statuses = {"hotline": "accepted", "data-sharing": "rejected", "joint-patrols": "proposed"}
    move = measure_move(turn("accept it", "accept_measure"), SHOWN, statuses, TITLES)
    assert (move.action, move.items) == ("decide", ("joint-patrols",))


def test_finishing_after_an_agreed_measure_says_nothing_more():
    statuses = {**PROPOSED, "hotline": "accepted"}
    move = measure_move(turn("done", "done"), SHOWN, statuses, TITLES)
    assert (move.action, move.reply) == ("done", None)


def test_a_confirmation_or_an_empty_answer_needs_no_count_of_the_points():
    def no_database() -> int:
        raise AssertionError("the points were read")

    for text, intent in (("yes", "affirm"), ("", "inform"), ("I don't know", "deny")):
        common_ground_move(turn(text, intent), no_database)


def test_a_measure_named_by_id_but_not_listed_gets_the_how_to_reply():
    elsewhere = turn("/inform", "inform", entities={"measure_id": ("ceasefire",)})
    titles = {**TITLES, "ceasefire": "Ceasefire line"}
    move = measure_move(elsewhere, SHOWN, PROPOSED, titles)
    assert (move.action, move.reply) == ("say", "measures_how")
