"""`concordia users`: reviewer accounts (add, passwd, disable, enable, remove, list)."""

from __future__ import annotations

import argparse
import sys

from bot.cli.errors import UsageError
from bot.settings import Settings


def _read_password(name: str, from_stdin: bool) -> str:
    import getpass

    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass(f"Password for {name}: ")
    if getpass.getpass("Repeat it: ") != password:
        raise UsageError("the two passwords differ; nothing was changed")
    return password


def cmd_users_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.review.accounts import Accounts

    Accounts(settings.database_url).add(args.name, _read_password(args.name, args.password_stdin))
    print(f"Reviewer {args.name!r} created.")
    return 0


def cmd_users_passwd(settings: Settings, args: argparse.Namespace) -> int:
    from bot.review.accounts import Accounts

    password = _read_password(args.name, args.password_stdin)
    ended = Accounts(settings.database_url).set_password(args.name, password)
    print(f"New password set for {args.name!r}; {ended} open session(s) ended.")
    return 0


def cmd_users_disable(settings: Settings, args: argparse.Namespace) -> int:
    from bot.review.accounts import Accounts

    ended = Accounts(settings.database_url).disable(args.name)
    print(f"Reviewer {args.name!r} disabled; {ended} open session(s) ended.")
    return 0


def cmd_users_enable(settings: Settings, args: argparse.Namespace) -> int:
    from bot.review.accounts import Accounts

    Accounts(settings.database_url).enable(args.name)
    print(f"Reviewer {args.name!r} may sign in again.")
    return 0


def cmd_users_remove(settings: Settings, args: argparse.Namespace) -> int:
    from bot.review.accounts import Accounts

    ended = Accounts(settings.database_url).remove(args.name)
    print(f"Reviewer {args.name!r} removed; {ended} open session(s) ended.")
    return 0


def cmd_users_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot.review.accounts import Accounts

    rows = Accounts(settings.database_url).listing()
    if not rows:
        print("No reviewers yet: create one with `concordia users add NAME`.")
    for name, disabled, sessions in rows:
        print(f"{name}\t{'disabled' if disabled else 'active'}\t{sessions} open session(s)")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser("users", help="reviewer accounts").add_subparsers(
        dest="users_command", required=True, metavar="ACTION"
    )
    add_user = users.add_parser("add", help="create a reviewer (password prompted or on stdin)")
    add_user.add_argument("name")
    add_user.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    add_user.set_defaults(func=cmd_users_add)
    passwd = users.add_parser("passwd", help="set a reviewer's password (ends their open sessions)")
    passwd.add_argument("name")
    passwd.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    passwd.set_defaults(func=cmd_users_passwd)
    for action, func, text in (
        ("disable", cmd_users_disable, "stop a reviewer signing in and end their sessions"),
        ("enable", cmd_users_enable, "let a disabled reviewer sign in again"),
        ("remove", cmd_users_remove, "delete a reviewer and end their sessions"),
    ):
        command = users.add_parser(action, help=text)
        command.add_argument("name")
        command.set_defaults(func=func)
    users.add_parser("list", help="reviewers, active or disabled, with open sessions").set_defaults(
        func=cmd_users_list
    )
