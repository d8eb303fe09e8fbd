"""`concordia rooms`: mediation rooms from the command line (create, add-party,
new-link, revoke, close). Each link is printed once: only its digest is stored."""

from __future__ import annotations

import argparse
import json

from bot.ops.room_signals import publisher
from bot.settings import Settings
from bot.store.rooms import IssuedLink, RoomRepository


def rooms_of(settings: Settings) -> RoomRepository:
    """The rooms, telling open views of each change (a revoke or a close ends them)."""
    return RoomRepository.from_settings(settings, on_change=publisher(settings.redis_url))


def room_url(settings: Settings, token: str) -> str:
    return f"{settings.web_url}/rooms/{token}"


def _link_json(settings: Settings, link: IssuedLink) -> dict:
    return {"name": link.name, "url": room_url(settings, link.token)}


def _expiry(link: IssuedLink) -> str:
    return link.expires_at.strftime("%Y-%m-%d %H:%M UTC")


def cmd_rooms_create(settings: Settings, args: argparse.Namespace) -> int:
    room = rooms_of(settings).create_room(args.topic, args.party)
    if args.json:
        print(
            json.dumps(
                {
                    "room_id": room.room_id,
                    "facilitator_url": room_url(settings, room.facilitator.token),
                    "parties": [_link_json(settings, p) for p in room.parties],
                },
                ensure_ascii=False,
            )
        )
        return 0
    width = max(len(p.name) for p in [room.facilitator, *room.parties]) + 1
    print(f"Room {room.room_id}: {room.topic}")
    for link in [room.facilitator, *room.parties]:
        print(f"  {link.name + ':':<{width}} {room_url(settings, link.token)}")
    print(
        f"The links open the room until {_expiry(room.facilitator)}. "
        "Send each party its own link only: whoever holds it speaks as that party."
    )
    return 0


def cmd_rooms_add_party(settings: Settings, args: argparse.Namespace) -> int:
    link = rooms_of(settings).add_party(args.room_id, args.party)
    _print_link(settings, link, args.json)
    return 0


def cmd_rooms_new_link(settings: Settings, args: argparse.Namespace) -> int:
    rooms = rooms_of(settings)
    link = rooms.issue_link(rooms.participant(args.room_id, args.name))
    _print_link(settings, link, args.json)
    return 0


def _print_link(settings: Settings, link: IssuedLink, as_json: bool) -> None:
    if as_json:
        print(json.dumps(_link_json(settings, link), ensure_ascii=False))
    else:
        print(f"{link.name}: {room_url(settings, link.token)} (until {_expiry(link)})")


def cmd_rooms_revoke(settings: Settings, args: argparse.Namespace) -> int:
    rooms = rooms_of(settings)
    count = rooms.revoke_links(rooms.participant(args.room_id, args.name))
    print(
        f"{count} link(s) of {args.name} revoked; "
        f"`concordia rooms new-link {args.room_id} NAME` issues a new one."
    )
    return 0


def cmd_rooms_close(settings: Settings, args: argparse.Namespace) -> int:
    rooms_of(settings).close_room(args.room_id)
    print(f"Room {args.room_id} closed: its links open nothing more; its record stays.")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    rooms = commands.add_parser("rooms", help="mediation rooms: one link per party").add_subparsers(
        dest="rooms_command", required=True, metavar="ACTION"
    )
    create = rooms.add_parser("create", help="open a room and print its links")
    create.add_argument("--topic", required=True, help="what the mediation is about")
    create.add_argument(
        "--party",
        action="append",
        required=True,
        metavar="NAME",
        help="a party (repeat: at least two)",
    )
    create.add_argument("--json", action="store_true", help="print the room and links as JSON")
    create.set_defaults(func=cmd_rooms_create)
    add = rooms.add_parser("add-party", help="add a party to an open room and print its link")
    add.add_argument("room_id")
    add.add_argument("--party", required=True, metavar="NAME")
    add.add_argument("--json", action="store_true")
    add.set_defaults(func=cmd_rooms_add_party)
    new_link = rooms.add_parser("new-link", help="issue a new link for a participant")
    new_link.add_argument("room_id")
    new_link.add_argument("name", help="the party's name, or Facilitator")
    new_link.add_argument("--json", action="store_true")
    new_link.set_defaults(func=cmd_rooms_new_link)
    revoke = rooms.add_parser("revoke", help="revoke a participant's links")
    revoke.add_argument("room_id")
    revoke.add_argument("name")
    revoke.set_defaults(func=cmd_rooms_revoke)
    close = rooms.add_parser("close", help="close a room: its links open nothing more")
    close.add_argument("room_id")
    close.set_defaults(func=cmd_rooms_close)
