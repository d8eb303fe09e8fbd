"""`concordia sessions list`, `export` and `purge`: the stored sessions, for reviewers
and for retention."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import datetime
from pathlib import Path

from bot.cli.errors import UsageError
from bot.review.queries import FILTER_FIELDS
from bot.settings import Settings
from bot.store.repository import SESSION_STATUSES, SessionRepository


def _filter(args: argparse.Namespace):
    from bot.review.queries import SessionFilter

    return SessionFilter.parse({name: getattr(args, name) for name in FILTER_FIELDS})


def _row_json(row) -> dict:
    return {
        "id": row.id,
        "sender_id": row.sender_id,
        "mode": row.mode,
        "status": row.status,
        "scenario": row.scenario,
        "furthest_step": row.furthest_step,
        "topic": row.topic,
        "parties": row.parties,
        "tags": row.tags,
        "interests": row.interests,
        "positions": row.positions,
        "accepted_measures": row.accepted_measures,
        "trainee": row.trainee,
        "score": row.score,
        "started_at": row.started_at.isoformat() + "Z",
        "reviewed": row.reviewed_at is not None,
    }


def cmd_sessions_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot.review.queries import list_sessions

    page = list_sessions(settings.database_url, _filter(args), args.page, args.per_page)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "total": page.total,
                    "page": page.page,
                    "pages": page.pages,
                    "sessions": [_row_json(r) for r in page.rows],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    print(f"{page.total} session(s) match; page {page.page} of {page.pages}.")
    if not page.rows:
        return 0
    print(
        f"{'ID':<20} {'STARTED (UTC)':<17} {'MODE':<9} {'STATUS':<9} {'STEP':<13} TOPIC / PARTIES"
    )
    for r in page.rows:
        parties = ", ".join(r.parties)
        topic = (r.topic or "").replace("\n", " ")[:40]
        print(
            f"{r.id:<20} {r.started_at:%Y-%m-%d %H:%M} {r.mode:<9} {r.status:<9} "
            f"{r.furthest_step:<13} {topic}{' / ' + parties if parties else ''}"
        )
    return 0


def cmd_sessions_export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.review.annotations import Annotations
    from bot.review.export import export_session
    from bot.review.exporters import session_to_markdown, sessions_to_csv
    from bot.review.queries import iter_sessions

    if bool(args.all) == bool(args.session_id):
        raise UsageError("give either a SESSION_ID or --all (see `concordia sessions list`)")
    repository = SessionRepository(settings.database_url)
    flt = _filter(args)
    if args.format == "csv":
        if not args.all:
            repository.get(args.session_id)  # unknown ids are an error, not an empty file
            flt = dataclasses.replace(flt, session_id=args.session_id)
        rows = list(iter_sessions(settings.database_url, flt))
        text, count = sessions_to_csv(rows), len(rows)
    else:
        if args.all:
            ids = [r.id for r in iter_sessions(settings.database_url, flt)]
        else:
            ids = [args.session_id]
        exported = [export_session(repository, sid) for sid in ids]
        count = len(exported)
        if args.format == "json":
            text = json.dumps(exported if args.all else exported[0], indent=2, ensure_ascii=False)
        else:
            annotations = Annotations(settings.database_url)
            text = "\n\n---\n\n".join(
                session_to_markdown(e, annotations.notes(e["id"]) if args.notes else None)
                for e in exported
            )
    text = text if text.endswith("\n") else text + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
        print(f"Wrote {count} session(s) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _utc(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "unknown"


def cmd_sessions_purge(settings: Settings, args: argparse.Namespace) -> int:
    from bot.store.retention import RetentionError, parse_duration, purge_conversations

    try:
        older_than = parse_duration(args.older_than)
        result = purge_conversations(settings.database_url, older_than, delete_rows=args.yes)
    except RetentionError as exc:
        raise UsageError(str(exc)) from None
    if not result.events_table:
        print("Rasa's events table does not exist yet; only sessions were checked.")
    if not result.conversations:
        print(
            f"No conversation has been inactive since before {_utc(result.cutoff)} "
            f"(--older-than {args.older_than}); nothing to delete."
        )
        return 0
    related = ", ".join(f"{n} {table}" for table, n in sorted(result.records.items()) if n)
    sessions = f"{result.sessions} session(s)" + (
        f" with {result.related_records} related record(s): {related}" if related else ""
    )
    activity = f"oldest {_utc(result.oldest_activity)}, newest {_utc(result.newest_activity)}"
    if result.deleted:
        print(
            f"Deleted {result.conversations} conversation(s) inactive since before "
            f"{_utc(result.cutoff)}: {sessions}; {result.events} tracker event(s)."
        )
        print(f"Their last activity: {activity}.")
        return 0
    print("Dry run: nothing was deleted.")
    print(
        f"Would delete {result.conversations} conversation(s) inactive since before "
        f"{_utc(result.cutoff)} (--older-than {args.older_than}):"
    )
    print(f"  {sessions}")
    print(f"  {result.events} tracker event(s)")
    print(f"  last activity: {activity}")
    print(f"To delete them, run: concordia sessions purge --older-than {args.older_than} --yes")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    sessions = commands.add_parser(
        "sessions", help="list, export and purge sessions"
    ).add_subparsers(dest="sessions_command", required=True, metavar="ACTION")

    def add_filters(command: argparse.ArgumentParser) -> None:
        command.add_argument("--mode", help="mediation or training")
        command.add_argument("--status", help=f"one of {', '.join(SESSION_STATUSES)}")
        command.add_argument("--scenario", help="training scenario id")
        command.add_argument("--trainee", help="training sessions of this trainee")
        command.add_argument("--step", help="furthest step reached, e.g. measures")
        command.add_argument("--from", dest="date_from", help="started on or after YYYY-MM-DD")
        command.add_argument("--to", dest="date_to", help="started on or before YYYY-MM-DD")
        command.add_argument("--tag", help="reviewer tag")
        command.add_argument("--search", dest="text", help="text anyone said in the session")

    listing = sessions.add_parser("list", help="newest sessions first, filtered")
    add_filters(listing)
    listing.add_argument("--page", type=int, default=1)
    listing.add_argument("--per-page", type=int, default=50)
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(func=cmd_sessions_list)
    export = sessions.add_parser("export", help="export sessions (JSON, CSV or Markdown)")
    export.add_argument("session_id", nargs="?", metavar="SESSION_ID")
    export.add_argument("--all", action="store_true", help="every session matching the filters")
    add_filters(export)
    export.add_argument("--format", choices=("json", "csv", "markdown"), default="json")
    export.add_argument("--notes", action="store_true", help="include reviewer notes (Markdown)")
    export.add_argument("--output", "-o", help="write to this file instead of stdout")
    export.set_defaults(func=cmd_sessions_export)
    purge = sessions.add_parser(
        "purge", help="delete conversations inactive for a while (dry run unless --yes)"
    )
    purge.add_argument(
        "--older-than",
        required=True,
        metavar="DURATION",
        help="last activity longer ago than this, e.g. 90d, 12h or 2w",
    )
    purge.add_argument(
        "--yes", action="store_true", help="really delete (default: only show what would go)"
    )
    purge.set_defaults(func=cmd_sessions_purge)
