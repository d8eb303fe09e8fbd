"""`concordia run`, `cluster`, `shell`, `db upgrade` and `events replay`: starting the
product and looking after its stored state."""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

from bot.cli.errors import UsageError
from bot.knowledge import load_knowledge
from bot.ops.rasa_model import ensure_model, rasa_executable
from bot.settings import Settings


def _prepare(settings: Settings) -> None:
    """What every serving command needs first: valid knowledge and an up-to-date schema."""
    from bot.ops.preflight import check_services
    from bot.store.migrate import upgrade

    check_services(settings)
    knowledge = load_knowledge(settings.knowledge_dir)
    print(
        f"Knowledge: {len(knowledge.measures)} measures, {len(knowledge.topics)} topics, "
        f"{len(knowledge.channels)} channels, {len(knowledge.scenarios)} training scenarios."
    )
    upgrade(settings.database_url)


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ops.runner import run_stack

    _prepare(settings)
    model = ensure_model(settings.root, settings.models_dir, env=settings.child_env())
    return run_stack(settings, model)


def cmd_cluster(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ops.cluster import ClusterPlan, check_cluster_settings, cluster_banner, cluster_specs
    from bot.ops.runner import serve

    if args.rasa < 1 or args.actions < 1:
        raise UsageError("--rasa and --actions need at least 1 server each")
    check_cluster_settings(settings, args.rasa)
    _prepare(settings)
    model = ensure_model(settings.root, settings.models_dir, env=settings.child_env())
    plan = ClusterPlan(
        settings=settings,
        rasa_ports=tuple(settings.rasa_port + i for i in range(args.rasa)),
        action_ports=tuple(settings.action_port + i for i in range(args.actions)),
        proxy_port=args.port,
        action_proxy_port=args.port + 1,
        workdir=settings.root / "var" / "cluster",
    )
    return serve(settings, cluster_specs(plan, model), cluster_banner(plan))


def cmd_shell(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ops.runner import Stack, action_server_spec

    _prepare(settings)
    model = ensure_model(settings.root, settings.models_dir, env=settings.child_env())
    stack = Stack(settings, log_dir=settings.root / "var" / "logs")
    try:
        stack.start(action_server_spec(settings))
        stack.wait_healthy(120)
        return subprocess.call(
            [
                rasa_executable(),
                "shell",
                "--model",
                str(model),
                "--endpoints",
                str(settings.root / "endpoints.yml"),
            ],
            cwd=settings.root,
            env=settings.child_env(),
        )
    finally:
        stack.stop()


def cmd_db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    from bot.store.migrate import upgrade

    upgrade(settings.database_url)
    print(f"Database is up to date: {settings.database_url}")
    return 0


def cmd_events_replay(settings: Settings, args: argparse.Namespace) -> int:
    """Write parked conversation events back; each file is removed once written."""
    from bot.store import parked

    paths = [Path(p) for p in args.files] or parked.files(settings.parked_dir or Path())
    if not paths:
        print(f"Nothing parked in {settings.parked_dir}.")
        return 0
    for path in paths:
        if not path.is_file():
            raise UsageError(f"{path} is not a file; `concordia events replay` lists none")
        taken = parked.claim(path)
        if taken is None:
            print(f"{path.name}: being replayed by another process; skipped")
            continue
        try:
            kept = parked.read(taken)
            written = parked.replay(settings.database_url, kept)
        except BaseException:
            parked.release(taken)  # left on disk for another try
            raise
        taken.unlink()
        print(
            f"{path.name}: wrote {written} of {len(kept.events)} event(s) of conversation "
            f"{kept.sender_id} (parked because: {kept.reason})"
        )
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    commands.add_parser(
        "run", help="train if needed, then start Rasa, actions and web app"
    ).set_defaults(func=cmd_run)
    cluster = commands.add_parser(
        "cluster",
        help="several Rasa and action servers behind nginx (needs PostgreSQL and REDIS_URL)",
    )
    cluster.add_argument("--rasa", type=int, default=2, help="Rasa servers (default 2)")
    cluster.add_argument("--actions", type=int, default=2, help="action servers (default 2)")
    cluster.add_argument(
        "--port", type=int, default=8080, help="nginx port for Rasa (the next one: actions)"
    )
    cluster.set_defaults(func=cmd_cluster)
    commands.add_parser(
        "shell", help="chat in the terminal (starts the action server)"
    ).set_defaults(func=cmd_shell)

    db = commands.add_parser("db", help="database schema").add_subparsers(
        dest="db_command", required=True, metavar="ACTION"
    )
    db.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)

    events = commands.add_parser("events", help="conversation events kept on disk").add_subparsers(
        dest="events_command", required=True, metavar="ACTION"
    )
    replay = events.add_parser(
        "replay", help="write parked events back to the database (all, or the FILEs named)"
    )
    replay.add_argument("files", nargs="*", metavar="FILE")
    replay.set_defaults(func=cmd_events_replay)
