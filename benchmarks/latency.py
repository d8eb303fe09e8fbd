"""Latency and throughput of Concordia beside stock Rasa, side by side in one run.

Run: .venv/bin/python benchmarks/latency.py [--conversations 20] [--seconds 60] [--write]

Both sides get typed text only: Concordia whole mediations as the soak types them
(benchmarks/typed_text.py: no `/intent` payload, nothing repeated from training,
the "interest or position?" question answered when asked), the stock `rasa init`
assistant its moodbot dialogue in words of its users (benchmarks/stock.py). Both Rasa
servers run with the same environment (one TensorFlow thread per operation), and
Concordia runs its whole `make run` stack (Rasa, action server, web app).

Each measurement is a closed loop: `--conversations` users, each sending its next
message when the last was answered, starting a new conversation when one ends. The
first `--warm-up` seconds are not counted; then `--seconds` are. Throughput counts
the messages answered inside the counted span. The two sides are measured one after
the other, in both orders (Concordia first, then stock first), so a drift of the
machine shows as a difference between the orders. Then one user alone, each side.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import requests
from bench_results import publish
from soak import ASKED, plan
from stock import MOODBOT_TYPED, commit, peak_rss_mb, stock_spec

from bot.ops.runner import Stack, scratch_stack

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- latency:begin -->", "<!-- latency:end -->"

# One user's conversations, endlessly: yields (sender, messages, answer when asked).
Script = Callable[[int], Iterator[tuple[str, list[str], str]]]


def concordia_script(user: int) -> Iterator[tuple[str, list[str], str]]:
    n = 0
    while True:
        typed = plan(user * 1000 + n, "latency", seed=17)
        yield f"lat-{user}-{n}-{time.time_ns()}", typed.messages, typed.answer
        n += 1


def stock_script(user: int) -> Iterator[tuple[str, list[str], str]]:
    n = 0
    while True:
        yield f"stock-{user}-{n}-{time.time_ns()}", MOODBOT_TYPED[(user + n) % 4], ""
        n += 1


@dataclass
class Run:
    latencies: list[float]
    span: float
    errors: int

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.span


def closed_loop(url: str, script: Script, users: int, warm_up: float, seconds: float) -> Run:
    """`users` users typing for warm_up + seconds; the last `seconds` are counted."""
    start = time.perf_counter()
    counted_from, stop_at = start + warm_up, start + warm_up + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def user(index: int) -> None:
        with requests.Session() as http:
            for sender, messages, answer in script(index):
                queue = list(messages)
                while queue:
                    text = queue.pop(0)
                    sent = time.perf_counter()
                    if sent >= stop_at:
                        return
                    try:
                        reply = http.post(
                            url, json={"sender": sender, "message": text}, timeout=120
                        )
                        reply.raise_for_status()
                        said = " ".join(str(m.get("text", "")) for m in reply.json())
                    except requests.RequestException:
                        with lock:
                            errors[0] += 1
                        break
                    done = time.perf_counter()
                    if sent >= counted_from and done <= stop_at:
                        with lock:
                            latencies.append(done - sent)
                    if answer and ASKED in said:
                        queue.insert(0, answer)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Run(latencies, seconds, errors[0])


def assignment(text: str) -> tuple[str, str]:
    """An `--env` value: NAME=VALUE."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE, e.g. SANIC_WORKERS=2")
    return name.strip(), value


def table(runs: dict[str, Run], memory: tuple[float, float], args, model: str) -> str:
    n = args.conversations
    lines = [
        BEGIN,
        f"### Latency and throughput ({date.today().isoformat()}, {platform.machine()}, "
        f"{os.cpu_count()} cores, commit {commit()}, model `{model}`)",
        "",
        "Typed text on both sides, same Rasa environment (one TensorFlow thread per "
        "operation). Concordia: its whole stack, typed whole mediations; stock: `rasa init`, "
        f"its moodbot dialogue typed. Closed loops of {args.warm_up:.0f} s warm-up and "
        f"{args.seconds:.0f} s counted.",
        "",
        "| run | side | messages | p50 ms | p95 ms | p99 ms | messages/s | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, run in runs.items():
        mode, side = key.split(" | ")
        lines.append(
            f"| {mode} | {side} | {len(run.latencies)} | {run.percentile(0.5):.0f} | "
            f"{run.percentile(0.95):.0f} | {run.percentile(0.99):.0f} | {run.rate:.1f} | "
            f"{run.errors} |"
        )
    lines.append("")
    for order in ("Concordia first", "stock first"):
        ours, theirs = runs[f"{n} users, {order} | Concordia"], runs[f"{n} users, {order} | stock"]
        lines.append(
            f"- {n} users, {order}: throughput **{ours.rate / theirs.rate:.2f}×** stock "
            f"(target ≥ 1.0×), p95 **{ours.percentile(0.95) / theirs.percentile(0.95):.2f}×** "
            "(target ≤ 1.0×)."
        )
    alone = runs["1 user | Concordia"]
    lines += [
        f"- One user: Concordia p50 **{alone.percentile(0.5):.0f} ms** (target ≤ 80 ms), "
        f"stock {runs['1 user | stock'].percentile(0.5):.0f} ms.",
        f"- Peak memory: Concordia's whole stack (Rasa, action server, web app) "
        f"**{memory[0]:.0f} MB** (target ≤ 1,500 MB); stock Rasa {memory[1]:.0f} MB.",
        END,
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20, help="users at once")
    parser.add_argument("--seconds", type=float, default=60.0, help="counted, per run")
    parser.add_argument("--warm-up", type=float, default=10.0, help="not counted, per run")
    parser.add_argument("--database-url", help="Concordia's database (default: fresh SQLite)")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        type=assignment,
        metavar="NAME=VALUE",
        help="extra environment for both sides' processes (same environment), repeatable",
    )
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    logs = ROOT / "var" / "bench" / "logs"
    database = {"DATABASE_URL": args.database_url} if args.database_url else {}
    os.environ.update(args.env)  # Settings passes it on to both sides' processes
    print("Starting both assistants...", file=sys.stderr)
    with (
        tempfile.TemporaryDirectory() as scratch,
        scratch_stack(Path(scratch), logs, web=True, env=database, timeout=420) as concordia,
    ):
        stack = Stack(concordia.settings, log_dir=logs)
        try:
            spec, stock_url = stock_spec(concordia.settings)
            stock_process = stack.start(spec)
            stack.wait_healthy(420)
            sides = {
                "Concordia": (
                    f"{concordia.settings.rasa_url}/webhooks/rest/webhook",
                    concordia_script,
                ),
                "stock": (stock_url, stock_script),
            }
            runs: dict[str, Run] = {}
            n = args.conversations
            for order, names in (
                ("Concordia first", ("Concordia", "stock")),
                ("stock first", ("stock", "Concordia")),
            ):
                for name in names:
                    url, script = sides[name]
                    print(f"{n} users, {order}: {name}...", file=sys.stderr)
                    runs[f"{n} users, {order} | {name}"] = closed_loop(
                        url, script, n, args.warm_up, args.seconds
                    )
            for name in ("Concordia", "stock"):
                url, script = sides[name]
                print(f"1 user: {name}...", file=sys.stderr)
                runs[f"1 user | {name}"] = closed_loop(
                    url, script, 1, args.warm_up, args.seconds / 2
                )
            memory = (
                peak_rss_mb([process.pid for _, process in concordia.processes.children]),
                peak_rss_mb([stock_process.pid]),
            )
        finally:
            stack.stop()
    model = concordia.model.name if concordia.model else "?"
    publish(RESULTS, BEGIN, END, table(runs, memory, args, model), args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
