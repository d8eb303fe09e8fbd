"""A whole mediation over the REST channel against the real servers, then the record."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import requests

from bot.store.repository import SessionRepository
from bot.store.transcript import read_transcript

LONG = "Our herders need winter grazing. " * 160  # 5,120 characters
ODD = [
    "   Our farmers depend on the river in summer.   ",
    "💧 We fear the wells will run dry 🌾",
    "Наши рыбаки зависят от этого залива",
    "<b>We need</b> <script>alert(1)</script> safe roads to the market",
    "'; DROP TABLE statements; -- we worry about our jobs",
]


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def test_web_app_answers(stack):
    page = requests.get(f"http://127.0.0.1:{stack.settings.web_port}/", timeout=10)
    assert page.status_code == 200 and "Concordia" in page.text


def test_bad_request_bodies_get_a_clear_400(stack):
    response = requests.post(stack.webhook, json={"sender": "x", "message": 42}, timeout=10)
    assert response.status_code == 400
    assert "'message' must be a string" in response.text
    response = requests.post(
        stack.webhook, data="not json", timeout=10, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_whole_mediation_is_recorded_and_exported(stack):
    sender = "integration-1"
    say = lambda message: texts(stack.say(sender, message))  # noqa: E731

    assert "Start a mediation" in json.dumps(stack.say(sender, "hello"))
    assert "Do you agree" in say("we need help to resolve a water dispute")
    assert "what is the dispute about" in say("yes")
    assert "Who are the parties" in say("A new dam on the Kora river cuts the summer flow")
    assert "at least two parties" in say("Riverland")
    reply = say("Riverland and Dryland")
    assert "The parties are Riverland and Dryland" in reply
    assert "What matters to Riverland" in reply

    assert "haven't noted any interest for Riverland" in say("/done")
    reply = say(ODD[0])
    assert "Noted as an interest of Riverland" in reply
    assert "water" in reply
    reply = say("They must stop filling the reservoir immediately, it is non-negotiable")
    assert "Riverland's position" in reply and "protect" in reply
    for message in ODD[1:]:
        assert stack.say(sender, message), f"no answer to {message!r}"
    stack.say(sender, LONG)
    assert "Step 3 of 6" in say("where are we?")
    assert "What matters to Dryland" in say("/done")
    assert "Noted as an interest of Dryland" in say(
        "Dryland needs the reservoir for drinking water in its cities"
    )
    assert "Noted as an interest of Dryland" in say(
        "Our farmers also depend on the river's water in summer"
    )
    reply = say("Those Riverland people are liars and thieves")
    assert "keep the people and the problem apart" in reply
    reply = say("/done")
    assert "Step 4 of 6" in reply and "Shared needs:" in reply
    assert "Both Riverland and Dryland" in reply

    reply = say("/affirm")
    assert "Step 5 of 6" in reply and "1. " in reply
    assert "Accepted:" in say("accept 1")
    assert "Rejected:" in say("reject 2")
    assert "Added your own measure" in say("What if both sides shared river flow data every week?")
    reply = say("/done")
    assert "Step 6 of 6" in reply
    session_id = re.search(r"cn-[0-9a-f]{16}", reply).group(0)
    assert "Next channels" in reply

    repository = SessionRepository(stack.settings.database_url)
    record = repository.get(session_id)
    assert record.status == "completed" and record.furthest_step == "summary"

    exported = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "sessions", "export", "--format", "json", session_id],
            env=stack.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert exported["id"] == session_id and exported["sender_id"] == sender
    assert exported["mode"] == "mediation" and exported["status"] == "completed"
    assert exported["topic"] == "A new dam on the Kora river cuts the summer flow"
    assert exported["started_at"] and exported["ended_at"]
    riverland, dryland = exported["parties"]
    assert riverland["name"] == "Riverland" and dryland["name"] == "Dryland"
    assert ODD[0] in riverland["interests"]  # stored exactly as typed, spaces included
    assert riverland["positions"] == [
        "They must stop filling the reservoir immediately, it is non-negotiable"
    ]
    assert "Dryland needs the reservoir for drinking water in its cities" in dryland["interests"]
    assert any("water" in c["text"] for c in exported["common_ground"])
    statuses = [m["status"] for m in exported["measures"]]
    assert statuses[:2] == ["accepted", "rejected"]
    assert exported["measures"][-1]["title"] == (
        "What if both sides shared river flow data every week?"
    )
    assert {"id", "title", "status"} <= set(exported["measures"][0])

    transcript = exported["transcript"]
    said = [line["text"] for line in transcript if line["speaker"] == "user"]
    for message in [*ODD, LONG]:
        assert message in said, f"transcript lost or altered {message[:40]!r}"
    first = next(line for line in transcript if line["speaker"] == "user")
    assert set(first) == {"step", "speaker", "text", "intent", "confidence", "timestamp"}
    steps_seen = {line["step"] for line in transcript}
    assert {"opening", "context", "interests", "common_ground", "measures", "summary"} <= steps_seen
    consent = next(line for line in transcript if line["text"] == "yes")
    assert consent["step"] == "opening"
    assert first["intent"] == "greet" and 0 < first["confidence"] <= 1
    assert any(line["speaker"] == "assistant" for line in transcript)

    listing = subprocess.run(
        [sys.executable, "-m", "bot.cli", "sessions", "list"],
        env=stack.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert session_id in listing and "completed" in listing


def test_empty_and_whitespace_messages_get_an_answer_and_are_kept(stack):
    sender = "integration-empty"
    stack.say(sender, "/start_mediation")
    reply = texts(stack.say(sender, "   "))
    # Not read as consent: the assistant says a yes or a no is needed and asks again.
    assert "I need a yes or a no" in reply and "Do you agree" in reply
    assert "what is the dispute about" not in reply
    stack.say(sender, "/affirm")
    for message in ["", "    "]:
        assert "didn't catch anything" in texts(stack.say(sender, message))
    replies = stack.say(sender, "A border incident at the Velmar crossing")
    assert "Who are the parties" in texts(replies)
    lines = read_transcript(stack.settings.database_url, sender)
    assert [line.text for line in lines if line.speaker == "user"] == [
        "/start_mediation",
        "   ",
        "/affirm",
        "",
        "    ",
        "A border incident at the Velmar crossing",
    ]


def test_goodbye_half_way_keeps_the_session_as_abandoned(stack):
    sender = "integration-bye"
    stack.say(sender, "/start_mediation")
    stack.say(sender, "/affirm")
    stack.say(sender, "Fishing rights in the northern bay")
    stack.say(sender, "the fishing cooperative, the port authority")
    reply = texts(stack.say(sender, "goodbye"))
    session_id = re.search(r"cn-[0-9a-f]{16}", reply).group(0)
    record = SessionRepository(stack.settings.database_url).get(session_id)
    assert record.status == "abandoned" and record.furthest_step == "interests"
    assert [p.name for p in record.parties] == ["the fishing cooperative", "the port authority"]


def test_restart_in_the_middle_of_a_step_starts_afresh(stack):
    sender = "integration-restart"
    stack.say(sender, "/start_mediation")
    stack.say(sender, "/affirm")
    stack.say(sender, "Tariffs on steel between two neighbours")
    reply = texts(stack.say(sender, "Ostia and Velmar"))
    assert "What matters to Ostia" in reply
    assert "Starting over" in texts(stack.say(sender, "/restart"))
    assert "Start a mediation" in json.dumps(stack.say(sender, "hello"))
    sessions = SessionRepository(stack.settings.database_url).list_sessions()
    mine = [s for s in sessions if s.sender_id == sender]
    assert [s.status for s in mine] == ["abandoned"]


def test_a_typed_yes_to_shall_we_begin_starts_a_mediation(stack):
    """A statement before anything has started is met with "Shall we begin a
    mediation?"; a yes in words starts one, a no in words leaves nothing started."""
    repository = SessionRepository(stack.settings.database_url)
    sender = "integration-start-offer"
    first = texts(stack.say(sender, "our fishermen need access to the bay"))
    assert "Shall we begin a mediation?" in first
    assert "Do you agree to go ahead on these terms?" in texts(stack.say(sender, "yes please"))
    started = repository.latest_for_sender(sender)
    assert started is not None and started.mode == "mediation"
    other = "integration-start-offer-no"
    stack.say(other, "our fishermen need access to the bay")
    assert "nothing has started" in texts(stack.say(other, "no, not now"))
    assert repository.latest_for_sender(other) is None


def test_socket_accepts_only_the_web_apps_origin(stack):
    url = f"{stack.settings.rasa_url}/socket.io/?EIO=4&transport=polling"
    own = f"http://127.0.0.1:{stack.settings.web_port}"
    allowed = requests.get(url, headers={"Origin": own}, timeout=10)
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == own
    foreign = requests.get(url, headers={"Origin": "http://elsewhere.example"}, timeout=10)
    assert foreign.status_code == 400
    assert "Access-Control-Allow-Origin" not in foreign.headers


def test_a_message_sent_twice_with_its_id_is_recorded_once(stack):
    """A client re-sending after a timeout (same message_id) does not double the record."""
    sender = "resend-1"
    for message in ("/start_mediation", "/affirm", "Grazing rights in the hills", "Ost and West"):
        stack.say(sender, message)
    body = {"sender": sender, "message": "Ost needs winter pasture", "message_id": "c-1"}
    for _ in range(2):
        reply = requests.post(stack.webhook, json=body, timeout=60)
        assert reply.status_code == 200 and "Noted" in texts(reply.json())
    record = SessionRepository(stack.settings.database_url).latest_for_sender(sender)
    statements = SessionRepository(stack.settings.database_url).statements(record.id)
    assert [s.text for s in statements] == ["Ost needs winter pasture"]
    bad = requests.post(stack.webhook, json={**body, "message_id": 7}, timeout=10)
    assert bad.status_code == 400 and "'message_id' must be a string" in bad.text


def test_party_names_the_classifier_takes_for_a_farewell_are_still_the_parties(stack):
    """Found by the soak: "Elmoor, Harnow" was read as `goodbye` and ended the session."""
    sender = "names-1"
    for message in ("/start_mediation", "/affirm", "Tariffs on wool traded between neighbours"):
        stack.say(sender, message)
    reply = texts(stack.say(sender, "Elmoor, Harnow"))
    assert "The parties are Elmoor and Harnow" in reply and "Goodbye" not in reply
    assert "Goodbye" in texts(stack.say(sender, "/goodbye"))  # a real farewell still ends it
    repository = SessionRepository(stack.settings.database_url)
    record = repository.get(repository.latest_for_sender(sender).id)
    assert [p.name for p in record.parties] == ["Elmoor", "Harnow"]


def test_a_client_cannot_set_the_channels_own_metadata(stack):
    """REST metadata was copied whole, so a client could name an earlier message's id
    (and have a new statement dropped as a resend) or replace the text as typed."""
    sender = "forged-metadata"
    for message in ("/start_mediation", "/affirm", "Grazing rights in the hills", "Ost and West"):
        stack.say(sender, message)
    first = {"sender": sender, "message": "Ost needs winter pasture", "message_id": "c-1"}
    assert requests.post(stack.webhook, json=first, timeout=60).status_code == 200
    forged = {
        "sender": sender,
        "message": "Ost needs a safe route to the market",
        "metadata": {"client_message_id": "c-1", "verbatim_text": "something else", "x": 1},
    }
    reply = requests.post(stack.webhook, json=forged, timeout=60)
    assert reply.status_code == 200 and "Noted" in texts(reply.json())
    repository = SessionRepository(stack.settings.database_url)
    statements = repository.statements(repository.latest_for_sender(sender).id)
    assert [s.text for s in statements] == [
        "Ost needs winter pasture",
        "Ost needs a safe route to the market",
    ]


def test_a_mediation_answered_in_typed_words_is_closed_with_its_summary(stack):
    """Found by the typed soak: a typed consent was asked again, a typed confirmation
    became a point of common ground, and closing in words abandoned the mediation."""
    sender = "integration-typed-words"
    say = lambda message: texts(stack.say(sender, message))  # noqa: E731

    assert "Do you agree" in say("/start_mediation")
    assert "what is the dispute about" in say("understood, we agree to that")
    say("Grazing on the slopes above the village")
    assert "What matters to Uplanders" in say("Uplanders and Lowlanders")
    assert "Noted as an interest of Uplanders" in say("Our herds need the summer grass")
    say("/done")
    assert "Noted as an interest of Lowlanders" in say("We need the slopes to stop eroding")
    assert "Step 4 of 6" in say("/done")
    assert "Step 5 of 6" in say("happy with that list, go ahead")
    assert "Accepted" in say("accept 1")
    reply = say("those measures will do, please close the session")
    session_id = re.search(r"cn-[0-9a-f]{16}", reply).group(0)
    record = SessionRepository(stack.settings.database_url).get(session_id)
    assert record.status == "completed" and record.summary
    assert "happy with that list" not in " ".join(c.text for c in record.common_ground)
    # Back from the summary: the measures step runs again and can be closed again.
    back = say("go back")
    assert "Back to the measures" in back and "Step 5 of 6" in back
    assert SessionRepository(stack.settings.database_url).get(session_id).status == "active"
    assert "Accepted" in say("accept 2")
    say("those measures will do, please close the session")
    assert SessionRepository(stack.settings.database_url).get(session_id).status == "completed"


def test_the_action_server_does_not_load_tensorflow(stack):
    """spaCy's thinc imports TensorFlow, JAX and h5py when installed (Rasa installs
    TensorFlow beside it): about 300 MB the action server never used
    (bot/mediation/analysis.py hides them while spaCy is imported)."""
    leader = next(p for spec, p in stack.processes.children if spec.name == "action server")
    maps = Path(f"/proc/{leader.pid}/maps").read_text(encoding="utf-8")
    assert "spacy" in maps  # the analyser is loaded
    assert "libtensorflow" not in maps and "jaxlib" not in maps and "h5py" not in maps
