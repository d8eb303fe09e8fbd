"""What one user's slow request does to everyone else: the web app's event loop.

Run: .venv/bin/python benchmarks/event_loop.py [--baseline REV] [--seconds 20] [--write]

Sign-in checks a password with argon2 (tens of milliseconds of CPU). Done inside the
async handler, it holds the web app's event loop, and every other request waits: the
reviewer list, the progress the chat page polls, the health check. This measures the
latency of a cheap request (`/healthz`, probed every 20 ms by one client) while
nothing else happens, and while `--signers` clients sign in over and over (with the
right password, so the rate limit never cuts it short).

With `--baseline REV`, the web app of that commit (a git worktree) is measured in the
same run, on the same database and the same workload, phase by phase, alternating,
so the two are compared side by side. Loopback only; it stops by itself.

With `--actions`, the same question is put to the action server instead: its
`/health` is probed while `--signers` users each type interests into a mediation
(statement kind by the sentence encoder, analysis by spaCy, the record in the
database, all in the action's handler), on a throwaway stack (bot.ops.runner.scratch_stack).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import requests
from bench_results import publish

from bot.ops.runner import Stack, free_port, scratch_stack, web_app_spec
from bot.review.accounts import Accounts
from bot.settings import Settings
from bot.store.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- event-loop:begin -->", "<!-- event-loop:end -->"
PASSWORD = "a long enough password"


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@contextlib.contextmanager
def worktree(rev: str) -> Iterator[Path]:
    """The project at commit `rev`, checked out beside this one (removed afterwards)."""
    folder = Path(tempfile.mkdtemp(prefix="concordia-baseline-"))
    git("worktree", "add", "--detach", str(folder), rev)
    try:
        yield folder
    finally:
        git("worktree", "remove", "--force", str(folder))


@contextlib.contextmanager
def web_app(root: Path, database_url: str, key: str, logs: Path) -> Iterator[str]:
    """The web app of the project at `root`, on loopback; its base URL."""
    port = free_port()
    settings = Settings.from_env(
        {
            **os.environ,
            "CONCORDIA_ROOT": str(root),
            "DATABASE_URL": database_url,
            "WEB_PORT": str(port),
            "CONCORDIA_SECRET_KEY": key,
        }
    )
    stack = Stack(settings, log_dir=logs)
    stack.start(web_app_spec(settings))
    try:
        stack.wait_healthy(120)
        yield f"http://127.0.0.1:{port}"
    finally:
        stack.stop()


def sign_in(base: str) -> bool:
    with requests.Session() as client:
        form = client.get(f"{base}/review/login", timeout=30).text
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form).group(1)
        reply = client.post(
            f"{base}/review/login",
            data={"name": "trainer", "password": PASSWORD, "csrf_token": token},
            timeout=30,
            allow_redirects=False,
        )
        return reply.status_code == 302


INTERESTS = [
    "{p} farmers cannot get by without a steady flow of water in the dry season",
    "Families in {p} lose sleep over wells running dry in the highlands",
    "{p} has to be able to count on power through the winter for its clinics",
    "The traders of {p} depend on lorries crossing freely at the northern bridge",
]


def mediating(rasa_url: str, user: int) -> Iterator[bool]:
    """A user typing interests into a mediation, one message per step of the iterator."""
    sender = f"busy-{user}-{time.time_ns()}"
    webhook = f"{rasa_url}/webhooks/rest/webhook"
    opening = [
        "could you walk the two of us through a mediation",
        "fine by us, carry on",
        "who gets the river water once the reservoir fills",
        "Arvia and Belmora",
    ]
    with requests.Session() as http:
        for message in opening:
            http.post(webhook, json={"sender": sender, "message": message}, timeout=60)
        n = 0
        while True:
            text = INTERESTS[n % len(INTERESTS)].format(p="Arvia") + f" (note {n})"
            reply = http.post(webhook, json={"sender": sender, "message": text}, timeout=60)
            n += 1
            yield reply.status_code == 200


def probe(
    base: str, seconds: float, signers: int, rasa_url: str | None = None, path: str = "/healthz"
) -> dict[str, float]:
    """Latencies (ms) of `path` for `seconds`, with `signers` clients signing in (or,
    given `rasa_url`, typing interests into mediations)."""
    stop = threading.Event()
    signed = [0]

    def signer() -> None:
        if rasa_url:
            for ok in mediating(rasa_url, threading.get_ident()):
                signed[0] += ok
                if stop.is_set():
                    return
            return
        while not stop.is_set():
            if sign_in(base):
                signed[0] += 1

    threads = [threading.Thread(target=signer, daemon=True) for _ in range(signers)]
    for thread in threads:
        thread.start()
    time.sleep(1.0 if signers else 0.0)  # let the load settle first
    latencies: list[float] = []
    end = time.monotonic() + seconds
    with requests.Session() as http:
        while time.monotonic() < end:
            began = time.perf_counter()
            http.get(f"{base}{path}", timeout=30).raise_for_status()
            latencies.append((time.perf_counter() - began) * 1000)
            time.sleep(0.02)
    stop.set()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "p50": at(0.5),
        "p95": at(0.95),
        "max": ordered[-1],
        "probes": len(ordered),
        "sign-ins/s": signed[0] / (seconds + (1.0 if signers else 0.0)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a commit to measure side by side (git worktree)")
    parser.add_argument("--seconds", type=float, default=20.0, help="per phase")
    parser.add_argument("--signers", type=int, default=4, help="clients signing in at once")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--actions", action="store_true", help="probe the action server")
    args = parser.parse_args()
    if args.actions:
        return measure_actions(args)
    current = git("rev-parse", "--short", "HEAD")
    dirty = " (with uncommitted changes)" if git("status", "--porcelain") else ""
    key = "event-loop-benchmark-key-" + "k" * 16
    rows: list[tuple[str, str, int, dict[str, float]]] = []
    with contextlib.ExitStack() as cleanup:
        scratch = Path(cleanup.enter_context(tempfile.TemporaryDirectory()))
        url = f"sqlite:///{scratch / 'bench.db'}"
        upgrade(url)
        Accounts(url).add("trainer", PASSWORD)
        logs = ROOT / "var" / "event-loop" / "logs"
        apps = {f"{current}{dirty}": cleanup.enter_context(web_app(ROOT, url, key, logs))}
        if args.baseline:
            folder = cleanup.enter_context(worktree(args.baseline))
            label = f"{git('rev-parse', '--short', args.baseline)} (baseline)"
            apps[label] = cleanup.enter_context(web_app(folder, url, key, logs / "baseline"))
        for base in apps.values():
            sign_in(base)  # warm up
        for round_ in range(args.rounds):
            order = list(apps.items()) if round_ % 2 == 0 else list(reversed(apps.items()))
            for signers in (0, args.signers):
                for label, base in order:
                    print(f"round {round_ + 1}: {label}, {signers} signing in…", file=sys.stderr)
                    figures = probe(base, args.seconds, signers)
                    rows.append((label, f"round {round_ + 1}", signers, figures))
    lines = [
        BEGIN,
        f"### The web app's event loop under sign-ins ({date.today().isoformat()}, "
        f"{platform.machine()}, {os.cpu_count()} cores)",
        "",
        f"One client probes `/healthz` every 20 ms for {args.seconds:g} s per phase; in the "
        f"loaded phases {args.signers} other clients sign in over and over (argon2, right "
        "password). Both web apps on one SQLite database, phases alternating, run orders "
        "reversed in the second round.",
        "",
        "| web app | round | signing in | /healthz p50 ms | p95 ms | max ms | probes "
        "| sign-ins/s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, round_, signers, f in rows:
        lines.append(
            f"| {label} | {round_} | {signers} | {f['p50']:.1f} | {f['p95']:.1f} | "
            f"{f['max']:.1f} | {f['probes']:.0f} | {f['sign-ins/s']:.1f} |"
        )
    lines.append(END)
    publish(RESULTS, BEGIN, END, "\n".join(lines), args.write)
    return 0


ACTIONS_BEGIN, ACTIONS_END = "<!-- action-loop:begin -->", "<!-- action-loop:end -->"


def measure_actions(args: argparse.Namespace) -> int:
    """The action server's /health while users type interests (current code only)."""
    current = git("rev-parse", "--short", "HEAD")
    rows = []
    with contextlib.ExitStack() as cleanup:
        scratch = Path(cleanup.enter_context(tempfile.TemporaryDirectory()))
        logs = ROOT / "var" / "event-loop" / "logs"
        settings = cleanup.enter_context(scratch_stack(scratch, logs)).settings
        health = f"http://{settings.host}:{settings.action_port}"
        for round_ in range(args.rounds):
            for busy in (0, args.signers):
                print(f"round {round_ + 1}: {busy} typing…", file=sys.stderr)
                figures = probe(health, args.seconds, busy, settings.rasa_url, "/health")
                rows.append((f"round {round_ + 1}", busy, figures))
    lines = [
        ACTIONS_BEGIN,
        f"### The action server's event loop while users type ({date.today().isoformat()}, "
        f"{platform.machine()}, {os.cpu_count()} cores, commit {current})",
        "",
        f"One client probes the action server's `/health` every 20 ms for {args.seconds:g} s "
        f"per phase; in the loaded phases {args.signers} users each type interests into a "
        "mediation over REST, one after another as fast as the replies come.",
        "",
        "| round | users typing | /health p50 ms | p95 ms | max ms | probes | replies/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for round_, busy, f in rows:
        lines.append(
            f"| {round_} | {busy} | {f['p50']:.1f} | {f['p95']:.1f} | {f['max']:.1f} | "
            f"{f['probes']:.0f} | {f['sign-ins/s']:.1f} |"
        )
    lines.append(ACTIONS_END)
    publish(RESULTS, ACTIONS_BEGIN, ACTIONS_END, "\n".join(lines), args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
