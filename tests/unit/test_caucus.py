"""A party's private caucus: the questions' rules (bot/rooms/caucus.py) and the actions
that record each answer in the party's consent ledger, on a real database."""

from __future__ import annotations

import pytest

from actions import caucus, navigation, session
from bot.rooms.caucus import NOT_NOTED, caucus_move, share_request
from bot.rooms.ledger import ItemKind, Share
from tests.unit.rasa_helpers import make_tracker, run, slot_events


# -- the rules ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "kind", "recorded"),
    [
        ("caucus_interest", "interest", ItemKind.INTEREST),
        ("caucus_interest", "position", ItemKind.POSITION),
        ("caucus_interest", "option", ItemKind.OPTION),
        ("caucus_interest", "none", None),
        ("caucus_interest", "unclear", None),
        ("caucus_offer", None, ItemKind.OPTION),
        ("caucus_red_line", None, ItemKind.RED_LINE),
    ],
)
def test_what_each_answer_becomes(question, kind, recorded):
    move = caucus_move(
        question, "our farmers need the river", "state_interest", kind, None, "Riverland"
    )
    assert move.record is recorded and not move.done
    if recorded is None:
        assert move.reply == NOT_NOTED.format(party="Riverland")
    elif recorded is ItemKind.POSITION:
        assert move.reply == ""  # the caller coaches towards the interest beneath it
    else:
        assert move.reply.startswith("Noted, privately") and "Riverland" in move.reply


@pytest.mark.parametrize("intent", ["done", "skip_step"])
def test_done_moves_on_and_records_nothing(intent):
    move = caucus_move("caucus_offer", "that's all", intent, None, None, "A")
    assert move.done and move.record is None and move.reply == ""


@pytest.mark.parametrize(
    ("text", "guard"), [("   ", None), ("help me", "command"), ("ok thanks", "small talk")]
)
def test_commands_small_talk_and_nothing_are_not_recorded(text, guard):
    move = caucus_move("caucus_red_line", text, "inform", None, guard, "A")
    assert move.record is None and not move.done and "haven't noted" in move.reply


def test_going_back_is_explained_and_an_unknown_question_refused():
    assert (
        "Nothing to go back to"
        in caucus_move("caucus_offer", "back", "go_back", None, None, "A").reply
    )
    with pytest.raises(ValueError, match="no caucus question 'caucus_mood'"):
        caucus_move("caucus_mood", "x", None, None, None, "A")


@pytest.mark.parametrize(
    ("text", "positions"),
    [
        ("share these two with the room", [3, 4]),
        ("Share everything", [1, 2, 3, 4]),
        ("please share all of them with the others.", [1, 2, 3, 4]),
        ("release the first and the third", [1, 3]),
        ("share 1 and 3 with the room", [1, 3]),
        ("share it", [4]),
        ("share the last two", [3, 4]),
        ("share", []),  # a request, naming nothing: asked which
        ("share river data every week", None),  # an offer, not a request
        ("we could share our rainfall data", None),
        ("our farmers need water", None),
        ("share 9", []),  # no such note: asked which
        ("share 1 and 9", []),  # not part of it either
        ("share these", []),
        ("share notes 1, 2 and 4", [1, 2, 4]),
        # Statements that begin with the verb stay statements: a release is final.
        ("share river data 3 times a week", None),
        ("share 2 days a week", None),
        ("share the first harvest with downstream farmers", None),
        ("Share the costs of the second dam", None),
        ("share the last of the water", None),
        ("release the water in the second week", None),
        ("share the water equally", None),
        ("show my notes", None),
    ],
)
def test_a_request_to_share_in_the_partys_words(text, positions):
    assert share_request(text, 4) == positions


# -- the actions -------------------------------------------------------------------------
@pytest.fixture
def room(repo):
    return session.ROOMS.create_room("Water of the Kora river", ["Riverland", "Dryland"])


def conversation(room, name: str) -> str:
    return session.ROOMS.resolve(
        next(p for p in room.parties if p.name == name).token
    ).conversation_id


def test_starting_the_caucus_of_a_room_party(room):
    sender = conversation(room, "Riverland")
    events, messages = run(
        caucus.StartCaucus(), make_tracker("/start_caucus", "start_caucus", sender=sender)
    )
    slots = slot_events(events)
    assert slots["mode"] == "caucus" and slots["current_party"] == "Riverland"
    assert slots["parties"] == ["Riverland"] and slots["topic"] == "Water of the Kora river"
    assert slots["session_id"] is None  # no mediation session record
    assert "Riverland's private caucus" in messages[0]["text"]
    assert "until you share it" in messages[0]["text"]


def test_a_conversation_that_is_no_caucus_is_told_so(repo):
    events, messages = run(
        caucus.StartCaucus(), make_tracker("/start_caucus", "start_caucus", sender="someone")
    )
    assert slot_events(events)["mode"] is None
    assert "not a party's caucus" in messages[0]["text"]
    required = run_required(make_tracker("", None, {"mode": None}, sender="someone"))
    assert required == []  # the form then asks nothing


def run_required(tracker) -> list[str]:
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    from tests.unit.rasa_helpers import DOMAIN

    return asyncio.run(
        caucus.ValidateCaucusForm().required_slots(
            ["caucus_interest", "caucus_offer", "caucus_red_line", "caucus_note"],
            CollectingDispatcher(),
            tracker,
            DOMAIN,
        )
    )


def answer(sender: str, question: str, text: str, intent: str, **slots):
    tracker = make_tracker(
        text,
        intent,
        {"mode": "caucus", "current_party": "Riverland", "requested_slot": question, **slots},
        active_loop="caucus_form",
        candidates={question: text},
        sender=sender,
    )
    return run(caucus.ValidateCaucusForm(), tracker)


def test_each_answer_is_recorded_private_in_the_partys_ledger(room):
    sender = conversation(room, "Riverland")
    assert run_required(make_tracker("", None, {"mode": "caucus"}, sender=sender)) == [
        "caucus_interest",
        "caucus_offer",
        "caucus_red_line",
        "caucus_note",
    ]
    events, messages = answer(
        sender, "caucus_interest", "Our farmers depend on the river in summer", "state_interest"
    )
    assert slot_events(events) == {"caucus_interest": None, "caucus_more": True}  # asked again
    assert "Noted, privately, as an interest of Riverland" in messages[0]["text"]
    _, messages = answer(
        sender, "caucus_interest", "Dryland must tear down the dam", "state_position"
    )
    assert "as a position of Riverland" in messages[0]["text"]
    events, _ = answer(sender, "caucus_interest", "that's all", "done")
    assert slot_events(events) == {"caucus_interest": "done", "caucus_more": False}
    answer(sender, "caucus_offer", "We could share our rainfall data", "propose_option")
    answer(sender, "caucus_red_line", "  No foreign troops on our bank  ", "state_position")
    items = session.ROOMS.items(room.room_id)
    assert [(i.party, i.kind, i.state) for i in items] == [
        ("Riverland", ItemKind.INTEREST, Share.PRIVATE),
        ("Riverland", ItemKind.POSITION, Share.PRIVATE),
        ("Riverland", ItemKind.OPTION, Share.PRIVATE),
        ("Riverland", ItemKind.RED_LINE, Share.PRIVATE),
    ]
    assert items[-1].text == "  No foreign troops on our bank  "  # exactly as typed


def test_small_talk_is_not_recorded_and_a_retried_message_is_recorded_once(room):
    sender = conversation(room, "Dryland")
    _, messages = answer(sender, "caucus_offer", "ok", "affirm")
    assert "haven't noted" in messages[0]["text"]
    tracker = make_tracker(
        "We could open the gates in August",
        "propose_option",
        {"mode": "caucus", "current_party": "Dryland", "requested_slot": "caucus_offer"},
        active_loop="caucus_form",
        candidates={"caucus_offer": "We could open the gates in August"},
        sender=sender,
    )
    run(caucus.ValidateCaucusForm(), tracker)
    run(caucus.ValidateCaucusForm(), tracker)  # Rasa retried the same message
    assert [i.text for i in session.ROOMS.items(room.room_id)] == [
        "We could open the gates in August"
    ]


def test_a_slot_the_caucus_start_cleared_is_no_answer(room):
    """Starting the form hands the validator the slots StartCaucus cleared: nothing is
    recorded or said for them (it said "I haven't noted that" to /start_caucus)."""
    sender = conversation(room, "Riverland")
    tracker = make_tracker(
        "/start_caucus",
        "start_caucus",
        {"mode": "caucus", "current_party": "Riverland"},
        active_loop="caucus_form",
        candidates={"caucus_interest": None, "caucus_more": False},
        sender=sender,
    )
    events, messages = run(caucus.ValidateCaucusForm(), tracker)
    assert messages == [] and session.ROOMS.items(room.room_id) == []
    assert slot_events(events).get("caucus_more") is not True


def test_sharing_by_chat_releases_the_notes_named_and_keeps_the_question(room):
    sender = conversation(room, "Riverland")
    for text in ("Our farmers need the river", "Our towns need power", "No troops on our bank"):
        answer(sender, "caucus_interest", text, "state_interest")
    events, messages = answer(sender, "caucus_interest", "share these two with the room", "inform")
    assert slot_events(events) == {"caucus_interest": None}  # the question stays open
    assert messages[0]["text"].startswith("Shared with the room: 2. “Our towns need power”; 3.")
    states = [(i.text, i.state) for i in session.ROOMS.items(room.room_id)]
    assert states == [
        ("Our farmers need the river", Share.PRIVATE),
        ("Our towns need power", Share.RELEASED),
        ("No troops on our bank", Share.RELEASED),
    ]
    _, messages = answer(sender, "caucus_offer", "share", "inform")
    assert "Which of your notes?" in messages[0]["text"]
    assert len(session.ROOMS.items(room.room_id)) == 3  # "share" was not recorded as a note


def test_after_the_three_questions_the_caucus_sums_up_and_stays_open(room):
    sender = conversation(room, "Riverland")
    answer(sender, "caucus_red_line", "No troops", "state_position")
    events, messages = answer(sender, "caucus_red_line", "that's all", "done")
    assert slot_events(events) == {"caucus_red_line": "done", "caucus_more": False}
    assert "hold 1 item(s); 1 of them are not shared" in messages[-1]["text"]
    # Then more notes, judged as the first question's answers are, and "share ...".
    events, messages = answer(
        sender, "caucus_note", "Our fishermen need the river too", "state_interest"
    )
    assert slot_events(events) == {"caucus_note": None, "caucus_more": True}  # still open
    assert "interest of Riverland" in messages[0]["text"]
    events, messages = answer(sender, "caucus_note", "done", "done")
    assert slot_events(events)["caucus_note"] is None and "stay as they are" in messages[0]["text"]
    _, messages = answer(sender, "caucus_note", "share everything", "inform")
    assert messages[0]["text"].startswith("Shared with the room: 1.")
    assert {i.state for i in session.ROOMS.items(room.room_id)} == {Share.RELEASED}
    assert run_required(make_tracker("", None, {"mode": "caucus"}, sender=sender))[-1] == (
        "caucus_note"
    )


def test_help_and_where_are_we_know_the_caucus(room):
    sender = conversation(room, "Riverland")
    _, messages = run(
        navigation.Help(), make_tracker("help", "help", {"mode": "caucus"}, sender=sender)
    )
    assert messages[0]["response"] == "utter_help_caucus"
    _, messages = run(
        navigation.WhereAreWe(),
        make_tracker(
            "where are we",
            "where_are_we",
            {"mode": "caucus", "current_party": "Riverland", "topic": "Kora"},
            sender=sender,
        ),
    )
    assert "Riverland's private caucus on “Kora”" in messages[0]["text"]
