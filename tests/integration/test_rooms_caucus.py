"""A party's caucus through the web app, with the real Rasa and action servers: what
the party says is recorded in its ledger, private, and reaches the others only once it
is shared."""

from __future__ import annotations

import json

import pytest
import requests

from bot.rooms.ledger import ItemKind, Share
from bot.store.rooms import RoomRepository

SECRET = "We cannot hold the northern bank past March"


def say(base: str, token: str, text: str) -> list[dict]:
    reply = requests.post(f"{base}/rooms/{token}/api/say", json={"text": text}, timeout=90)
    assert reply.status_code == 200, reply.text
    return reply.json()["replies"]


def test_a_caucus_records_privately_and_shares_on_request(stack):
    rooms = RoomRepository.from_settings(stack.settings)
    room = rooms.create_room("Water of the Kora river", ["Riverland", "Dryland"])
    river, dry = room.parties
    base = stack.web_url.rstrip("/")

    opening = say(base, river.token, "/start_caucus")
    assert "Riverland's private caucus" in opening[0]["text"]
    assert "What does Riverland need" in opening[-1]["text"]
    assert opening[-1]["buttons"][0]["payload"] == "/done"
    noted = say(base, river.token, "Our farmers depend on the river water in summer")
    assert any("interest of Riverland" in r["text"] for r in noted)
    assert "Anything else Riverland needs" in noted[-1]["text"]
    assert "What could Riverland offer" in say(base, river.token, "that's all")[-1]["text"]
    say(base, river.token, "We could share our rainfall data every week")
    assert "never accept" in say(base, river.token, "done")[-1]["text"]
    say(base, river.token, SECRET)
    summary = say(base, river.token, "nothing more")
    assert any("notes hold 3 item(s); 3 of them are not shared" in r["text"] for r in summary)

    items = rooms.items(room.room_id)
    assert [(i.kind.value, i.state.value) for i in items] == [
        ("interest", "private"),
        ("option", "private"),
        ("red_line", "private"),
    ]
    assert items[-1].text == SECRET  # as typed
    # The caucus's Rasa conversation id never reaches a browser, not even its party's.
    conversation = rooms.resolve(river.token).conversation_id
    for path in ("", "/api/view", "/api/caucus", "/export.json"):
        assert (
            conversation not in requests.get(f"{base}/rooms/{river.token}{path}", timeout=10).text
        )
    transcript = requests.get(f"{base}/rooms/{river.token}/api/caucus", timeout=10).json()
    assert SECRET in [m["text"] for m in transcript["messages"] if m["speaker"] == "user"]

    # Nothing of it reaches Dryland or the facilitator until Riverland shares.
    for token in (dry.token, room.facilitator.token):
        seen = requests.get(f"{base}/rooms/{token}/api/view", timeout=10).text
        seen += requests.get(f"{base}/rooms/{token}/export.json", timeout=10).text
        assert "farmers" not in seen and SECRET not in seen
    assert requests.get(f"{base}/rooms/{dry.token}/api/caucus", timeout=10).json() == {
        "messages": []
    }  # its own caucus, empty: never Riverland's
    assert "Anything else Riverland wants noted?" in summary[-1]["text"]  # still open
    shared = say(base, river.token, "share 1 and 2 with the room")  # in the party's words
    assert shared[0]["text"].startswith("Shared with the room: 1. “Our farmers")
    assert [i.state.value for i in rooms.items(room.room_id)] == ["released", "released", "private"]
    again = say(base, river.token, "/start_caucus")  # "Start the questions again"
    assert "Your notes so far: 3" in again[0]["text"]
    joint = requests.get(f"{base}/rooms/{dry.token}/api/view", timeout=10).json()["joint"]
    assert [j["kind"] for j in joint] == ["interest", "option"]
    assert SECRET not in str(joint)


def test_common_ground_and_measures_come_from_released_items_only(stack):
    """The web app asks the action server, which holds the encoder and spaCy already."""
    rooms = RoomRepository.from_settings(stack.settings)
    room = rooms.create_room("The Kora river", ["Riverland", "Dryland", "Hill tribes"])
    river, dry, _hills = room.parties
    ours = rooms.record_item(
        river.participant_id, ItemKind.INTEREST, "Our farmers need river water in summer"
    )
    theirs = rooms.record_item(
        dry.participant_id,
        ItemKind.INTEREST,
        "Our farms need enough water from the Kora in the dry months",
    )
    base = stack.web_url.rstrip("/")
    url = f"{base}/rooms/{room.facilitator.token}/api/view"
    assert requests.get(url, timeout=10).json()["analysis"] == {"common_ground": [], "measures": []}
    rooms.set_state(river.participant_id, [ours], Share.RELEASED)
    alone = requests.get(url, timeout=60).json()["analysis"]
    assert "unavailable" not in alone
    assert not [c for c in alone["common_ground"] if c["kind"] == "shared_need"]
    assert "dry months" not in json.dumps(alone)  # Dryland's is private
    assert alone["measures"]  # measures for what was shared
    rooms.set_state(dry.participant_id, [theirs], Share.RELEASED)
    both = requests.get(url, timeout=60).json()["analysis"]
    shared = [c for c in both["common_ground"] if c["kind"] == "shared_need"]
    assert shared and shared[0]["parties"] == ["Riverland", "Dryland"]
    view = requests.get(f"{base}/rooms/{dry.token}/api/view", timeout=10).json()
    assert view["analysis"] == both  # the same for every participant


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b"\xff\xfe",
        b"[" * 100_000,
        json.dumps({"parties": "Riverland", "items": []}).encode(),
        json.dumps(
            {"parties": ["A"], "items": [{"party": "A", "kind": ["x"], "text": "t"}]}
        ).encode(),
        json.dumps(
            {"parties": ["A"], "items": [{"party": "A", "kind": "wish", "text": "t"}]}
        ).encode(),
        json.dumps({"parties": ["A"], "items": ["t"] * 3}).encode(),
        json.dumps(
            {"parties": ["A"], "items": [{"party": "A", "kind": "option", "text": "t"}] * 201}
        ).encode(),
        json.dumps(
            {"parties": ["A"], "items": [{"party": "A", "kind": "option", "text": "é" * 9000}]}
        ).encode(),
    ],
)
def test_the_action_servers_analysis_route_names_what_is_wrong(stack, body):
    reply = requests.post(
        f"http://{stack.settings.host}:{stack.settings.action_port}/rooms/analysis",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"].startswith("Cannot analyse this room: ")


@pytest.mark.parametrize(
    ("method", "path", "status"), [("GET", "/rooms/analysis", 405), ("POST", "/nowhere", 404)]
)
def test_the_action_server_answers_a_wrong_path_or_method_with_its_status(
    stack, method, path, status
):
    """rasa_sdk alone answered these with a 500 that echoed the request."""
    reply = requests.request(
        method, f"http://{stack.settings.host}:{stack.settings.action_port}{path}", timeout=30
    )
    assert reply.status_code == status
    assert "error" in reply.json() and "request_body" not in reply.json()
