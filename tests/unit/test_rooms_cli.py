"""`concordia rooms`, run as a user types it (in this process, on a real database)."""

from __future__ import annotations

import json

import pytest

from bot.rooms.access import TOKEN_LENGTH, Role
from bot.store.rooms import LinkRefused, RoomRepository


@pytest.fixture
def rooms_cli(database_url, concordia):
    def run(*args: str):
        return concordia(
            "rooms", *args, DATABASE_URL=database_url, CONCORDIA_PUBLIC_URL="https://talks.example"
        )

    return run


def token_of(url: str) -> str:
    prefix = "https://talks.example/rooms/"
    assert url.startswith(prefix)
    return url.removeprefix(prefix)


def test_create_prints_the_room_and_one_link_each_as_json(database_url, rooms_cli):
    ran = rooms_cli(
        "create", "--topic", "Kora river", "--party", "Riverland", "--party", "Dryland", "--json"
    )
    assert ran.returncode == 0, ran.stderr
    made = json.loads(ran.stdout)
    assert set(made) == {"room_id", "facilitator_url", "parties"}
    assert [p["name"] for p in made["parties"]] == ["Riverland", "Dryland"]
    assert all(set(p) == {"name", "url"} for p in made["parties"])
    rooms = RoomRepository(database_url)
    facilitator = rooms.resolve(token_of(made["facilitator_url"]))
    assert facilitator.role is Role.FACILITATOR and facilitator.room_id == made["room_id"]
    for party in made["parties"]:
        token = token_of(party["url"])
        assert len(token) == TOKEN_LENGTH  # 256 bits
        assert rooms.resolve(token).name == party["name"]


def test_create_in_words_then_add_revoke_renew_and_close(database_url, rooms_cli):
    ran = rooms_cli("create", "--topic", "Border", "--party", "North", "--party", "South")
    assert ran.returncode == 0, ran.stderr
    room_id = ran.stdout.split()[1].rstrip(":")
    assert "Facilitator: https://talks.example/rooms/" in ran.stdout
    assert "North:" in ran.stdout and "South:" in ran.stdout and "its own link only" in ran.stdout

    added = json.loads(rooms_cli("add-party", room_id, "--party", "Coast", "--json").stdout)
    rooms = RoomRepository(database_url)
    assert rooms.resolve(token_of(added["url"])).name == "Coast"

    revoked = rooms_cli("revoke", room_id, "coast")
    assert revoked.returncode == 0 and "1 link(s) of coast revoked" in revoked.stdout
    with pytest.raises(LinkRefused, match="revoked"):
        rooms.resolve(token_of(added["url"]))
    renewed = json.loads(rooms_cli("new-link", room_id, "Coast", "--json").stdout)
    assert rooms.resolve(token_of(renewed["url"])).name == "Coast"

    assert rooms_cli("close", room_id).returncode == 0
    with pytest.raises(LinkRefused, match="closed"):
        rooms.resolve(token_of(renewed["url"]))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "--topic", "T", "--party", "Only"), "at least two parties"),
        (("create", "--topic", " ", "--party", "A", "--party", "B"), "topic is empty"),
        (("create", "--topic", "T", "--party", "A", "--party", "a"), "named twice"),
        (("add-party", "rm-missing", "--party", "X"), "no room with id 'rm-missing'"),
        (("revoke", "rm-missing", "X"), "no room with id"),
        (("close", "rm-missing"), "no room with id"),
    ],
)
def test_bad_arguments_get_a_line_naming_the_problem(rooms_cli, args, message):
    ran = rooms_cli(*args)
    assert ran.returncode == 2
    assert ran.stderr.startswith("concordia: ") and message in ran.stderr
    assert "Traceback" not in ran.stderr


def test_a_participant_that_is_not_there_is_named(rooms_cli):
    made = json.loads(
        rooms_cli("create", "--topic", "T", "--party", "A", "--party", "B", "--json").stdout
    )
    ran = rooms_cli("new-link", made["room_id"], "Zed")
    assert (
        ran.returncode == 2 and "has no participant 'Zed' (it has Facilitator, A, B)" in ran.stderr
    )
