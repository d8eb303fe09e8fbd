"""The `concordia` command: its parser, assembled from one module per command group,
and the one place where known errors become a line on stderr and an exit code."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.cli import build, rooms, serve, sessions, users
from bot.cli.errors import UsageError
from bot.knowledge import KnowledgeError
from bot.review.accounts import AccountError
from bot.review.queries import FilterError
from bot.settings import ConfigError, Settings
from bot.store.db import DatabaseConfigError
from bot.store.repository import UnknownSession
from bot.store.rooms import RoomError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="concordia", description="Concordia mediation assistant")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (serve, build, sessions, users, rooms):
        group.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = None
    try:
        settings = Settings.from_env()
        return args.func(settings, args)
    except (
        ConfigError,
        DatabaseConfigError,
        KnowledgeError,
        UnknownSession,
        UsageError,
        AccountError,
        FilterError,
        RoomError,
    ) as exc:
        print(f"concordia: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        from bot.store.faults import describe

        url = settings.database_url if settings else ""
        print(f"concordia: {describe(exc, url)}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(
            f"concordia: {Path(exc.cmd[0]).name} {exc.cmd[1]} failed "
            f"(exit code {exc.returncode}); see its output above",
            file=sys.stderr,
        )
        return 1
