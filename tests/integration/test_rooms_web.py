"""Rooms against the web app started for real: every route with each role's link and
with none, what never leaves the server (another party's caucus), live updates, and
bad input answered with a status and a message, never a 500."""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
from sqlalchemy import update

from bot.ops.runner import scratch_stack
from bot.review.accounts import Accounts
from bot.rooms.consensus import Vote
from bot.rooms.ledger import ItemKind, Share
from bot.store.db import session_scope
from bot.store.models import RoomLink, utcnow
from bot.store.rooms import CreatedRoom, RoomRepository
from bot.web.app import create_app
from tests.integration.reviewing import csrf, sign_in

PARTIES = ["Riverland", "Dryland", "Hill tribes"]
SECRET = "our army cannot hold the northern bank past March"  # never shared
READY = "we could accept observers"  # shareable, not released
SHARED = "our farmers need water in the dry season"


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("rooms")
    env = {
        "DATABASE_URL": f"sqlite:///{root / 'rooms.db'}",
        "CONCORDIA_SECRET_KEY": "k-rooms-" + "x" * 32,
    }
    with scratch_stack(root, root / "logs", assistant=False, web=True, env=env) as web:
        yield {
            "base": web.web_url,
            "rooms": RoomRepository.from_settings(web.settings),
            "settings": web.settings,
            "log": root / "logs" / "web-app.log",
        }


def new_room(served) -> CreatedRoom:
    return served["rooms"].create_room("The Kora river", PARTIES)


def party(room: CreatedRoom, name: str):
    return next(p for p in room.parties if p.name == name)


# -- every route, every role ------------------------------------------------------------
# route -> (roles allowed, a body that the allowed role may send)
ROUTES = {
    ("GET", "rooms/<token:str>"): ({"facilitator", "party"}, None),
    ("GET", "rooms/<token:str>/api/view"): ({"facilitator", "party"}, None),
    ("GET", "rooms/<token:str>/events"): ({"facilitator", "party"}, None),
    ("GET", "rooms/<token:str>/export.md"): ({"facilitator", "party"}, None),
    ("GET", "rooms/<token:str>/export.json"): ({"facilitator", "party"}, None),
    ("POST", "rooms/<token:str>/api/items"): ({"party"}, {"kind": "interest", "text": "x"}),
    ("GET", "rooms/<token:str>/api/caucus"): ({"party"}, None),
    # No Rasa server in this stack: the party's message is refused with 503 (see below).
    ("POST", "rooms/<token:str>/api/say"): ({"party"}, {"text": "our farmers need water"}),
    ("POST", "rooms/<token:str>/api/items/state"): (
        {"party"},
        {"items": "all", "state": "released"},
    ),
    ("POST", "rooms/<token:str>/api/clauses"): ({"facilitator"}, {"text": "A clause."}),
    ("POST", "rooms/<token:str>/api/clauses/<number:int>"): ({"facilitator"}, {"text": "Revised."}),
    ("POST", "rooms/<token:str>/api/clauses/<number:int>/vote"): (
        {"party"},
        {"version": 1, "vote": "can_live_with"},
    ),
    ("POST", "rooms/<token:str>/api/confirm"): ({"party"}, "digest"),
    ("POST", "rooms/<token:str>/api/parties"): ({"facilitator"}, {"name": "Coast"}),
    ("POST", "rooms/<token:str>/api/participants/<name:str>/revoke"): ({"facilitator"}, {}),
    ("POST", "rooms/<token:str>/api/close"): ({"facilitator"}, {}),
}


def test_the_route_table_is_complete(served):
    app = create_app(served["settings"], name=f"rooms-{secrets.token_hex(3)}")
    found = {
        (method, route.path)
        for route in app.router.routes
        if route.path.startswith("rooms/")
        for method in route.methods
        if method != "HEAD"
    }
    assert found == set(ROUTES)


def call(served, method: str, path: str, token: str, body, room: CreatedRoom) -> requests.Response:
    url = served["base"] + "/" + path.replace("<token:str>", token)
    url = url.replace("<number:int>", "1").replace("<name:str>", "Dryland")
    if body == "digest":
        body = {
            "text_digest": requests.get(
                f"{served['base']}/rooms/{room.facilitator.token}/api/view", timeout=10
            ).json()["final_text_digest"]
        }
    if path.endswith("/events"):
        with requests.get(url, stream=True, timeout=10) as reply:
            return reply  # the status is enough; the stream is closed at once
    return requests.request(method, url, json=body, timeout=10)


def credentials(served, room: CreatedRoom) -> dict[str, str]:
    rooms = served["rooms"]
    revoked = rooms.add_party(room.room_id, "Revoked party")
    rooms.revoke_links(revoked.participant_id)
    expired = rooms.add_party(room.room_id, "Expired party")
    with session_scope(rooms.url) as db:
        db.execute(
            update(RoomLink)
            .where(RoomLink.participant_id == expired.participant_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    return {
        "facilitator": room.facilitator.token,
        "party": party(room, "Riverland").token,
        "none": "",
        "wrong": secrets.token_urlsafe(32),
        "truncated": party(room, "Riverland").token[:-2],
        "revoked": revoked.token,
        "expired": expired.token,
    }


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES))
def test_each_route_with_each_roles_link_and_with_none(served, method, path):
    allowed, body = ROUTES[(method, path)]
    for who in ("facilitator", "party", "none", "wrong", "truncated", "revoked", "expired"):
        room = new_room(served)  # a fresh room each time: closing one spoils nothing
        served["rooms"].add_clause(room.room_id, "Share river data weekly.")
        token = credentials(served, room)[who]
        for name in served["rooms"].parties(room.room_id):  # agreed: a party may confirm it
            voter = served["rooms"].participant(room.room_id, name)
            served["rooms"].vote(voter, 1, 1, Vote.CAN_LIVE_WITH, None)
        reply = call(served, method, path, token, body, room)
        if who in allowed:
            expected = 503 if path.endswith("/api/say") else 200
            assert reply.status_code == expected, (who, method, path, reply.text)
        elif who in ("facilitator", "party"):
            assert reply.status_code == 403, (who, method, path, reply.status_code)
            assert "only the" in reply.json()["error"]
        elif who in ("revoked", "expired"):
            assert reply.status_code == 410, (who, method, path, reply.status_code)
        else:  # no token, a wrong one, a truncated one
            assert reply.status_code == 404, (who, method, path, reply.status_code)


def test_refused_links_get_a_clear_page(served):
    room = new_room(served)
    creds = credentials(served, room)
    base = served["base"]
    for who, status, words in (
        ("wrong", 404, "No room at this address"),
        ("truncated", 404, "copied the whole link"),
        ("revoked", 410, "This link was revoked"),
        ("expired", 410, "This link has expired"),
    ):
        reply = requests.get(f"{base}/rooms/{creds[who]}", timeout=10)
        assert reply.status_code == status and words in reply.text, who
        assert reply.headers["Cache-Control"] == "no-store"
    served["rooms"].close_room(room.room_id)
    reply = requests.get(f"{base}/rooms/{room.facilitator.token}", timeout=10)
    assert reply.status_code == 410 and "This room is closed" in reply.text


# -- what never leaves the server ----------------------------------------------------------
def sse_views(served, token: str, count: int, out: list, ready: threading.Event) -> None:
    with requests.get(f"{served['base']}/rooms/{token}/events", stream=True, timeout=15) as reply:
        for line in reply.iter_lines():
            if line.startswith(b"data:"):
                out.append((time.monotonic(), line[5:].decode()))
                ready.set()
                if len(out) >= count:
                    return


def test_a_private_item_never_reaches_another_participant(served):
    rooms = served["rooms"]
    room = new_room(served)
    river = party(room, "Riverland")
    base = served["base"]
    for kind, text in (("red_line", SECRET), ("option", READY), ("interest", SHARED)):
        reply = requests.post(
            f"{base}/rooms/{river.token}/api/items", json={"kind": kind, "text": text}, timeout=10
        )
        assert reply.status_code == 200
    ids = {i.text: i.id for i in rooms.items(room.room_id)}
    rooms.set_state(river.participant_id, [ids[READY]], Share.SHAREABLE)
    reply = requests.post(
        f"{base}/rooms/{river.token}/api/items/state",
        json={"items": [ids[SHARED]], "state": "released"},
        timeout=10,
    )
    assert [i["state"] for i in reply.json()["caucus"]] == ["private", "shareable", "released"]

    others = [
        room.facilitator.token,
        party(room, "Dryland").token,
        party(room, "Hill tribes").token,
    ]
    streams: list[list] = []
    for token in others:
        out: list = []
        ready = threading.Event()
        threading.Thread(target=sse_views, args=(served, token, 1, out, ready), daemon=True).start()
        assert ready.wait(10)
        streams.append(out)
    seen = "".join(text for out in streams for _, text in out)
    for token in others:
        for path in ("", "/api/view", "/export.md", "/export.json"):
            seen += requests.get(f"{base}/rooms/{token}{path}", timeout=10).text
    assert SHARED in seen
    assert SECRET not in seen and READY not in seen
    facilitator = requests.get(f"{base}/rooms/{room.facilitator.token}/api/view", timeout=10).json()
    states = {(i["kind"], i["state"], i["text"]) for i in facilitator["ledger"]}
    assert states == {
        ("red_line", "private", None),  # the facilitator sees that it exists, not what it says
        ("option", "shareable", None),
        ("interest", "released", SHARED),
    }
    dryland = requests.get(f"{base}/rooms/{others[1]}/api/view", timeout=10).json()
    assert "ledger" not in dryland and dryland["caucus"] == []
    own = requests.get(f"{base}/rooms/{river.token}/api/view", timeout=10).json()
    assert {i["text"] for i in own["caucus"]} == {SECRET, READY, SHARED}


def test_without_the_action_server_the_joint_view_says_its_analysis_is_unavailable(served):
    """The analysis comes from the action server (tests/integration/test_rooms_caucus.py);
    this stack has none, so the room shows what was shared and says the rest is not
    available, with no error."""
    rooms = served["rooms"]
    room = new_room(served)
    river = party(room, "Riverland")
    url = f"{served['base']}/rooms/{room.facilitator.token}/api/view"
    assert requests.get(url, timeout=10).json()["analysis"] == {"common_ground": [], "measures": []}
    ours = rooms.record_item(river.participant_id, ItemKind.INTEREST, SHARED)
    rooms.set_state(river.participant_id, [ours], Share.RELEASED)
    view = requests.get(url, timeout=30)
    assert view.status_code == 200
    assert view.json()["analysis"]["unavailable"].startswith("The common ground and the measures")
    assert view.json()["joint"][0]["text"] == SHARED


def test_the_page_says_the_analysis_is_unavailable_rather_than_showing_nothing(served, browser):
    rooms = served["rooms"]
    room = new_room(served)
    river = party(room, "Riverland")
    ours = rooms.record_item(river.participant_id, ItemKind.INTEREST, SHARED)
    rooms.set_state(river.participant_id, [ours], Share.RELEASED)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{served['base']}/rooms/{room.facilitator.token}")
        page.locator("#common-ground li", has_text="cannot be worked out right now").wait_for(
            timeout=15_000
        )
        assert page.locator("#measures li").inner_text() == "Not available right now."
        page.locator("#joint li", has_text=SHARED).wait_for(timeout=15_000)
    finally:
        context.close()


# -- live updates ------------------------------------------------------------------------
def test_a_change_made_elsewhere_reaches_every_open_view_within_a_second(served):
    rooms = served["rooms"]
    room = new_room(served)
    river = party(room, "Riverland")
    watchers = [room.facilitator.token, party(room, "Dryland").token, river.token, river.token]
    streams: list[list] = []
    for token in watchers:  # the last two: one party in two tabs
        out: list = []
        ready = threading.Event()
        threading.Thread(target=sse_views, args=(served, token, 2, out, ready), daemon=True).start()
        assert ready.wait(10)
        streams.append(out)
    time.sleep(0.6)
    item = rooms.record_item(river.participant_id, ItemKind.INTEREST, SHARED)  # this process
    changed_at = time.monotonic()
    rooms.set_state(river.participant_id, [item], Share.RELEASED)
    deadline = time.monotonic() + 5
    while any(len(out) < 2 for out in streams) and time.monotonic() < deadline:
        time.sleep(0.05)
    for out in streams:
        assert len(out) == 2
        arrived, text = out[1]
        assert arrived - changed_at < 1.0
        assert SHARED in json.loads(text)["joint"][0]["text"]
    assert streams[2][1][1] == streams[3][1][1]  # two tabs of one party: the same view


def test_another_partys_private_work_sends_nothing(served):
    """A party's view does not move when another party records or marks items in
    private: no event to count, nothing to time."""
    rooms = served["rooms"]
    room = new_room(served)
    river, dry = party(room, "Riverland"), party(room, "Dryland")
    out: list = []
    ready = threading.Event()
    threading.Thread(target=sse_views, args=(served, dry.token, 2, out, ready), daemon=True).start()
    assert ready.wait(10)
    item = rooms.record_item(river.participant_id, ItemKind.INTEREST, SECRET)
    rooms.set_state(river.participant_id, [item], Share.SHAREABLE)
    time.sleep(1.5)
    assert len(out) == 1
    rooms.set_state(river.participant_id, [item], Share.RELEASED)
    deadline = time.monotonic() + 3
    while len(out) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(out) == 2 and SECRET in out[1][1]  # a release does move it
    view = json.loads(out[1][1])
    assert "revision" not in view["room"] and "id" not in view["joint"][0]


def test_with_redis_a_change_reaches_open_views_at_once(tmp_path):
    """With REDIS_URL, views are woken by the change's signal, not by their poll (2 s
    then): five changes from another process each arrive well within one poll."""
    from bot.ops.room_signals import publisher

    redis_url = "redis://127.0.0.1:6379/11"
    env = {"REDIS_URL": redis_url, "CONCORDIA_SECRET_KEY": "k-rooms-" + "x" * 32}
    with scratch_stack(tmp_path, tmp_path / "logs", assistant=False, web=True, env=env) as web:
        rooms = RoomRepository.from_settings(web.settings, on_change=publisher(redis_url))
        room = rooms.create_room("Kora", ["A", "B"])
        out: list = []
        ready = threading.Event()
        served = {"base": web.web_url}
        token = room.parties[1].token
        threading.Thread(target=sse_views, args=(served, token, 6, out, ready), daemon=True).start()
        assert ready.wait(10)
        time.sleep(1)  # the subscription is up
        delays = []
        for n in range(5):
            rooms.add_clause(room.room_id, f"Clause {n + 1}.")
            changed = time.monotonic()
            deadline = changed + 5
            while len(out) < n + 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert len(out) == n + 2
            delays.append(out[-1][0] - changed)
            time.sleep(0.3)
        assert max(delays) < 0.5, delays  # a poll alone would average 1 s


def test_a_revoked_link_stops_its_live_view(served):
    rooms = served["rooms"]
    room = new_room(served)
    dry = party(room, "Dryland")
    lines: list[bytes] = []

    def listen() -> None:
        with requests.get(
            f"{served['base']}/rooms/{dry.token}/events", stream=True, timeout=15
        ) as r:
            lines.extend(r.iter_lines())

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    time.sleep(1)
    rooms.revoke_links(dry.participant_id)
    thread.join(5)
    assert not thread.is_alive(), "the stream did not end"
    assert b"event: refused" in lines and any(b"revoked" in line for line in lines)


# -- the negotiating text ----------------------------------------------------------------
def test_voting_on_a_revised_clause_is_refused_with_the_new_version(served):
    room = new_room(served)
    base, facilitator = served["base"], room.facilitator.token
    requests.post(
        f"{base}/rooms/{facilitator}/api/clauses", json={"text": "Gates open."}, timeout=10
    )
    river = party(room, "Riverland").token
    reply = requests.post(
        f"{base}/rooms/{river}/api/clauses/1/vote",
        json={"version": 1, "vote": "needs_change", "comment": "say when"},
        timeout=10,
    )
    assert reply.json()["text"][0]["comments"] == {"Riverland": "say when"}
    requests.post(
        f"{base}/rooms/{facilitator}/api/clauses/1",
        json={"text": "Gates open in July."},
        timeout=10,
    )
    stale = requests.post(
        f"{base}/rooms/{river}/api/clauses/1/vote",
        json={"version": 1, "vote": "can_live_with"},
        timeout=10,
    )
    assert stale.status_code == 409
    assert stale.json()["version"] == 2 and stale.json()["text"] == "Gates open in July."
    for name in PARTIES:
        token = party(room, name).token
        ok = requests.post(
            f"{base}/rooms/{token}/api/clauses/1/vote",
            json={"version": 2, "vote": "can_live_with"},
            timeout=10,
        )
        assert ok.status_code == 200
    view = ok.json()
    assert view["text"][0]["status"] == "agreed" and view["text"][0]["score"] == 1.0
    for name in PARTIES:
        token = party(room, name).token
        confirmed = requests.post(
            f"{base}/rooms/{token}/api/confirm",
            json={"text_digest": view["final_text_digest"]},
            timeout=10,
        )
        assert confirmed.status_code == 200
    exported = requests.get(f"{base}/rooms/{facilitator}/export.md", timeout=10).text
    assert "1. Gates open in July. *(agreed)*" in exported
    assert all(re.search(rf"- {name}: confirmed the text above, 20", exported) for name in PARTIES)
    data = requests.get(f"{base}/rooms/{facilitator}/export.json", timeout=10).json()
    assert [(c["number"], c["version"]) for c in data["clauses"]] == [(1, 1), (1, 2)]
    assert data["clauses"][0]["votes"]["Riverland"] == {
        "vote": "needs_change",
        "comment": "say when",
    }


def test_confirming_a_text_that_changed_or_is_not_agreed_is_refused(served):
    rooms = served["rooms"]
    room = new_room(served)
    base = served["base"]
    river = party(room, "Riverland").token

    def confirm(digest: str) -> requests.Response:
        return requests.post(
            f"{base}/rooms/{river}/api/confirm", json={"text_digest": digest}, timeout=10
        )

    empty = confirm("0" * 64)
    assert empty.status_code == 400 and "no clause yet" in empty.json()["error"]
    rooms.add_clause(room.room_id, "One.")
    digest = requests.get(f"{base}/rooms/{river}/api/view", timeout=10).json()["final_text_digest"]
    unagreed = confirm(digest)
    assert unagreed.status_code == 400
    assert "not every clause is agreed yet: 1 (voting)" in unagreed.json()["error"]
    for p in room.parties:
        rooms.vote(p.participant_id, 1, 1, Vote.CAN_LIVE_WITH, None)
    rooms.add_clause(room.room_id, "Two.")
    reply = confirm(digest)
    assert reply.status_code == 400 and "changed since you read it" in reply.json()["error"]


# -- bad input ---------------------------------------------------------------------------
BAD_BODIES = [
    (b"not json", "send a JSON object"),
    (b"[1, 2]", "send a JSON object"),
    (b"\xff\xfe\x00", "send a JSON object"),
    (b'{"kind": "wish", "text": "x"}', "not 'wish'"),
    (b'{"kind": "interest", "text": 5}', '"text" must be text'),
    (b'{"kind": "interest", "text": "   "}', "item is empty"),
    (b'{"kind": "interest", "text": "a\\u0000b"}', "NUL"),
    (b'{"kind": "interest", "text": "' + b"y" * 70_000 + b'"}', "over 64 kB"),
    (b"[" * 3000 + b"]" * 3000, "nested too deeply"),
    (b'{"kind": "interest", "text": "water \\ud800"}', "unpaired surrogate"),
]


@pytest.mark.parametrize(("body", "message"), BAD_BODIES)
def test_bad_bodies_get_a_400_naming_the_problem(served, body, message):
    room = new_room(served)
    token = party(room, "Riverland").token
    reply = requests.post(
        f"{served['base']}/rooms/{token}/api/items",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert reply.status_code == 400 and message in reply.json()["error"]


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/api/items/state", {"items": [True], "state": "released"}, "list of item ids"),
        ("/api/items/state", {"items": [], "state": "released"}, "list of item ids"),
        ("/api/items/state", {"items": [999999], "state": "released"}, "no item 999999"),
        ("/api/items/state", {"items": "all", "state": "public"}, "not 'public'"),
        ("/api/clauses/1/vote", {"version": "1", "vote": "can_live_with"}, "whole number"),
        ("/api/clauses/1/vote", {"version": 1, "vote": "maybe"}, "not 'maybe'"),
        ("/api/clauses/1/vote", {"version": 1, "vote": "needs_change"}, "carries a comment"),
        ("/api/clauses/1/vote", {"version": 1, "vote": "can_live_with", "comment": 3}, "text"),
        ("/api/clauses/7/vote", {"version": 1, "vote": "can_live_with"}, "no clause 7"),
        (
            "/api/clauses/99999999999999999999/vote",
            {"version": 1, "vote": "can_live_with"},
            "no clause",
        ),
        ("/api/clauses/1/vote", {"version": 2**70, "vote": "can_live_with"}, "whole number"),
        ("/api/items/state", {"items": [2**70], "state": "released"}, "list of item ids"),
        ("/api/items", {"kind": "option", "text": "\ud83d half an emoji"}, "unpaired surrogate"),
    ],
)
def test_bad_party_requests_are_named(served, path, body, message):
    room = new_room(served)
    served["rooms"].add_clause(room.room_id, "Clause.")
    token = party(room, "Riverland").token
    reply = requests.post(f"{served['base']}/rooms/{token}{path}", json=body, timeout=10)
    assert reply.status_code in (400, 404) and message in reply.json()["error"], reply.text


def test_the_facilitator_cannot_revoke_itself_and_names_are_checked(served):
    room = new_room(served)
    base, token = served["base"], room.facilitator.token
    own = requests.post(f"{base}/rooms/{token}/api/participants/Facilitator/revoke", timeout=10)
    assert own.status_code == 400 and "close the room instead" in own.json()["error"]
    nobody = requests.post(f"{base}/rooms/{token}/api/participants/Zed/revoke", timeout=10)
    assert nobody.status_code == 404 and "no participant 'Zed'" in nobody.json()["error"]
    hill = requests.post(
        f"{base}/rooms/{token}/api/participants/Hill%20tribes/revoke", timeout=10
    )  # a name with a space, as the page sends it
    assert hill.status_code == 200 and hill.json() == {"revoked": 1}
    huge = requests.post(
        f"{base}/rooms/{token}/api/clauses/99999999999999999999", json={"text": "x"}, timeout=10
    )
    assert huge.status_code == 404 and "no clause" in huge.json()["error"]
    nul = requests.get(f"{base}/rooms/{token}%00/api/view", timeout=10)
    assert nul.status_code == 400 and "NUL" in nul.json()["error"]
    twice = requests.post(f"{base}/rooms/{token}/api/parties", json={"name": "dryland"}, timeout=10)
    assert twice.status_code == 400 and "named twice" in twice.json()["error"]


def test_a_message_the_assistant_cannot_take_is_refused_clearly(served):
    """This stack has no Rasa server: the party learns its message was not sent."""
    room = new_room(served)
    token = party(room, "Riverland").token
    reply = requests.post(
        f"{served['base']}/rooms/{token}/api/say", json={"text": "we need water"}, timeout=30
    )
    assert reply.status_code == 503 and "not sent; it is still in the box" in reply.json()["error"]
    empty = requests.post(f"{served['base']}/rooms/{token}/api/say", json={"text": " "}, timeout=10)
    assert empty.status_code == 400 and "empty" in empty.json()["error"]
    caucus = requests.get(f"{served['base']}/rooms/{token}/api/caucus", timeout=10)
    assert caucus.status_code == 200 and caucus.json() == {"messages": []}


def test_a_reviewer_sees_the_whole_ledger_with_its_times(served):
    rooms = served["rooms"]
    room = new_room(served)
    river = party(room, "Riverland")
    item = rooms.record_item(river.participant_id, ItemKind.RED_LINE, SECRET)
    rooms.record_item(river.participant_id, ItemKind.INTEREST, SHARED)
    rooms.set_state(river.participant_id, [item + 1], Share.RELEASED)
    rooms.add_clause(room.room_id, "Gates open in July.")
    rooms.vote(river.participant_id, 1, 1, Vote.NEEDS_CHANGE, "and August")
    base = served["base"]
    page = f"{base}/review/rooms/{room.room_id}"
    assert requests.get(page, timeout=10, allow_redirects=False).status_code == 302  # no reviewer
    Accounts(rooms.url).add("rooms-reviewer", "a long enough password 123")
    client, reply = sign_in(base, "a long enough password 123", "rooms-reviewer")
    assert reply.status_code == 302
    listing = client.get(f"{base}/review/rooms", timeout=10).text
    assert room.room_id in listing and "The Kora river" in listing
    html = client.get(page, timeout=10).text
    assert SECRET in html and SHARED in html  # the reviewer sees what was never shared
    history = html.split('id="ledger-history"')[1].split("</table>")[0]
    assert history.count("(recorded)") == 2 and "released" in history
    assert re.search(r"<td>20\d\d-\d\d-\d\d \d\d:\d\d:\d\d</td>", history)  # with its time
    assert "needs_change (“and August”)" in html and "version 1" in html
    assert client.get(f"{base}/review/rooms/rm-missing", timeout=10).status_code == 404

    # A reviewer opens a room in the web app, as its facilitator.
    form = client.get(f"{base}/review/rooms", timeout=10).text
    token = csrf(form)
    refused = client.post(
        f"{base}/review/rooms",
        data={"csrf_token": token, "topic": "Fishing rights", "parties": "Only one\n"},
        timeout=10,
    )
    assert refused.status_code == 400 and "at least two parties" in refused.text
    assert "Only one" in refused.text  # what was typed is kept
    made = client.post(
        f"{base}/review/rooms",
        data={
            "csrf_token": token,
            "topic": "Fishing rights",
            "parties": "North Isle\nSouth Isle\n",
        },
        timeout=10,
    )
    assert made.status_code == 200
    urls = re.findall(r"(http://[^\s<\"]+/rooms/[A-Za-z0-9_-]{43})", made.text)
    assert len(set(urls)) == 3
    names = {rooms.resolve(u.rsplit("/", 1)[1]).name for u in set(urls)}
    assert names == {"Facilitator", "North Isle", "South Isle"}
    forged = client.post(
        f"{base}/review/rooms",
        data={"csrf_token": "0" * 64, "topic": "x", "parties": "a\nb"},
        timeout=10,
    )
    assert forged.status_code == 403


def test_no_request_made_here_left_a_traceback(served):
    log = served["log"].read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log and " 500 " not in log
