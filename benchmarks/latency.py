"""Latency and throughput of this assistant beside stock Rasa, in one run.

Run: .venv/bin/python benchmarks/latency.py [--conversations 20] [--write]

The reference is the stock `rasa init` assistant (moodbot) with its default
config, trained once into var/bench/reference (kept for later runs). Both are
driven over the REST channel by the same client: first sequentially, then with
20 conversations at once. This assistant runs whole scripted mediations (action
server and database writes included); the reference runs its own moodbot
dialogue. Prints p50/p95/p99 latency per message, messages per second and the
peak memory of each side's processes, and the ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import requests
from bench_results import publish
from tqdm import tqdm

from bot.ops.rasa_model import rasa_executable
from bot.ops.runner import ProcessSpec, Stack, free_port, scratch_stack

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "var" / "bench" / "reference"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- latency:begin -->", "<!-- latency:end -->"
MOODBOT = ["hello", "I am feeling sad", "yes", "goodbye"]


def mediation(n: int) -> list[str]:
    return [
        "/start_mediation",
        "/affirm",
        f"Sharing the water of river number {n} after a new dam",
        "Riverland and Dryland",
        f"Riverland farmers in valley {n} need water for their crops in summer",
        f"Riverland is worried that the towns of district {n} will run out of drinking water",
        "/done",
        f"Dryland needs electricity from the dam for village {n}",
        "/done",
        "/affirm",
        "/done",
    ]


def assignment(text: str) -> tuple[str, str]:
    """An `--env` value: NAME=VALUE."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE, e.g. SANIC_WORKERS=2")
    return name.strip(), value


def reference_model() -> Path:
    """Stock `rasa init` (its default config), trained once and kept."""
    models = sorted((REFERENCE_DIR / "models").glob("*.tar.gz"))
    if models:
        return models[-1]
    if REFERENCE_DIR.exists():
        shutil.rmtree(REFERENCE_DIR)
    REFERENCE_DIR.mkdir(parents=True)  # `rasa init --init-dir` wants it to exist
    print("Training the stock `rasa init` reference (once)...", file=sys.stderr)
    subprocess.run(
        [rasa_executable(), "init", "--no-prompt", "--init-dir", str(REFERENCE_DIR)],
        check=True,
        cwd=REFERENCE_DIR.parent,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    return sorted((REFERENCE_DIR / "models").glob("*.tar.gz"))[-1]


def peak_rss_mb(pids: list[int]) -> float:
    """Sum of the peak resident memory (VmHWM) of the processes in these process groups."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[2]) not in pids:  # field 5: process group
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1024


@dataclass
class Run:
    latencies: list[float]
    wall: float

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall


def drive(url: str, scripts: list[list[str]], workers: int, label: str) -> Run:
    latencies: list[float] = []
    lock = threading.Lock()
    bar = tqdm(total=sum(len(s) for s in scripts), desc=label, unit="msg", file=sys.stderr)

    def conversation(index: int) -> None:
        sender = f"bench-{label}-{index}-{time.time_ns()}"
        with requests.Session() as http:
            for message in scripts[index]:
                started = time.perf_counter()
                reply = http.post(url, json={"sender": sender, "message": message}, timeout=120)
                reply.raise_for_status()
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    bar.update()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(conversation, range(len(scripts))))
    bar.close()
    return Run(latencies, time.perf_counter() - started)


def measure(
    name: str, url: str, script: Callable[[int], list[str]], conversations: int
) -> dict[str, Run]:
    drive(url, [script(-1)], 1, f"{name} warm-up")
    return {
        "sequential": drive(url, [script(i) for i in range(5)], 1, f"{name} sequential"),
        "concurrent": drive(
            url,
            [script(100 + i) for i in range(conversations)],
            conversations,
            f"{name} x{conversations}",
        ),
    }


def table(ours: dict[str, Run], ref: dict[str, Run], memory: tuple[float, float], n: int) -> str:
    lines = [
        BEGIN,
        f"### Latency and throughput ({date.today().isoformat()}, {platform.machine()}, "
        f"{os.cpu_count()} cores)",
        "",
        "Same REST client for both. Concordia: whole scripted mediations (11 messages, "
        "custom actions, spaCy, SQLite writes). Reference: stock `rasa init` moodbot "
        f"(4 messages, no custom actions). Concurrent: {n} conversations at once.",
        "",
        "| run | side | messages | p50 ms | p95 ms | p99 ms | messages/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode in ("sequential", "concurrent"):
        for side, runs in (("Concordia", ours), ("stock Rasa", ref)):
            r = runs[mode]
            lines.append(
                f"| {mode} | {side} | {len(r.latencies)} | {r.percentile(0.5):.0f} | "
                f"{r.percentile(0.95):.0f} | {r.percentile(0.99):.0f} | {r.rate:.1f} |"
            )
    c, s = ours["concurrent"], ref["concurrent"]
    lines += [
        "",
        f"Ratios at {n} concurrent (Concordia / stock): throughput **{c.rate / s.rate:.2f}×** "
        f"(target ≥ 2×), p95 **{c.percentile(0.95) / s.percentile(0.95):.2f}×** "
        "(target ≤ 0.5×).",
        f"Peak memory: Concordia (Rasa + action server) {memory[0]:.0f} MB; stock Rasa "
        f"{memory[1]:.0f} MB.",
        END,
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument(
        "--database-url",
        help="Concordia's database (default: a fresh SQLite file); the tuning log in "
        "RESULTS.md compares PostgreSQL this way",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        type=assignment,
        metavar="NAME=VALUE",
        help="extra environment for Concordia's processes, e.g. SANIC_WORKERS=2 (repeatable)",
    )
    args = parser.parse_args()
    stock_env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}  # the reference: as is
    os.environ.update(args.env)  # Settings.child_env reads it
    reference = reference_model()
    database = {"DATABASE_URL": args.database_url} if args.database_url else {}
    logs = ROOT / "var" / "bench" / "logs"
    print("Starting both assistants...", file=sys.stderr)
    with (
        tempfile.TemporaryDirectory() as scratch,
        scratch_stack(Path(scratch), logs, env=database, timeout=420) as concordia,
    ):
        settings = concordia.settings
        ref_port = free_port()
        stack = Stack(settings, log_dir=logs)
        stock = ProcessSpec(
            "stock Rasa",
            [
                rasa_executable(),
                "run",
                "--model",
                str(reference),
                "--interface",
                "127.0.0.1",
                "--port",
                str(ref_port),
                "--credentials",
                str(REFERENCE_DIR / "credentials.yml"),
                "--endpoints",
                str(REFERENCE_DIR / "endpoints.yml"),
            ],
            f"http://127.0.0.1:{ref_port}/webhooks/rest/",
            stock_env,
        )
        try:
            stock_process = stack.start(stock)
            stack.wait_healthy(420)
            ours_runs = measure(
                "Concordia",
                f"{settings.rasa_url}/webhooks/rest/webhook",
                mediation,
                args.conversations,
            )
            ref_runs = measure(
                "stock",
                f"http://127.0.0.1:{ref_port}/webhooks/rest/webhook",
                lambda _n: MOODBOT,
                args.conversations,
            )
            memory = (
                peak_rss_mb([process.pid for _, process in concordia.processes.children]),
                peak_rss_mb([stock_process.pid]),
            )
        finally:
            stack.stop()
    section = table(ours_runs, ref_runs, memory, args.conversations)
    publish(RESULTS, BEGIN, END, section, args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
