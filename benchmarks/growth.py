"""Cost per message as a conversation grows: the turn-number curve of issue 17.

Run: .venv/bin/python benchmarks/growth.py [--turns 160] [--conversations 3] [--write]

One user at a time, nothing else running. Concordia: a typed mediation taken to the
interests step, then typed interests (and the answer when the assistant asks "an
interest or a position?") until the conversation has `--turns` messages. Stock Rasa
(`rasa init`, same environment): its moodbot dialogue, typed, repeated in one
conversation to the same length. Both servers run side by side; each conversation of
one alternates with one of the other. The figure at turn t is the median latency of
turns t-4 … t+5 over all conversations; the target is at most 1.2 times the figure
at turn 10, up to turn 150.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import requests
from bench_results import publish
from soak import ASKED
from stock import MOODBOT_TYPED, commit, stock_spec
from typed_text import ANSWER_INTEREST, CONSENT, START, TOPICS, Typist

from bot.ops.runner import Stack, scratch_stack

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- growth:begin -->", "<!-- growth:end -->"
TARGET = 1.2
WINDOW = (4, 5)  # turns before and after t in the figure at turn t


@dataclass
class Curve:
    """Latency (seconds) of each turn, per conversation."""

    turns: list[list[float]]

    def at(self, turn: int) -> float:
        lo, hi = max(1, turn - WINDOW[0]), turn + WINDOW[1]
        values = [c[i - 1] for c in self.turns for i in range(lo, hi + 1) if i <= len(c)]
        return statistics.median(values) * 1000


def send(http: requests.Session, url: str, sender: str, text: str) -> tuple[float, str]:
    started = time.perf_counter()
    reply = http.post(url, json={"sender": sender, "message": text}, timeout=120)
    elapsed = time.perf_counter() - started
    reply.raise_for_status()
    return elapsed, " ".join(str(m.get("text", "")) for m in reply.json())


def concordia_conversation(url: str, turns: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    typist = Typist(rng)
    party, other = "Northland", "Southland"
    opening = [
        typist.pick(START),
        typist.pick(CONSENT),
        typist.pick(TOPICS),
        f"{party} and {other}",
    ]
    sender = f"growth-{seed}-{time.time_ns()}"
    latencies: list[float] = []
    answer_next = False
    with requests.Session() as http:
        for text in opening:
            latencies.append(send(http, url, sender, text)[0])
        while len(latencies) < turns:
            text = typist.pick(ANSWER_INTEREST) if answer_next else typist.interest(party)
            elapsed, reply = send(http, url, sender, text)
            latencies.append(elapsed)
            answer_next = ASKED in reply and not answer_next
    return latencies


def stock_conversation(url: str, turns: int, seed: int) -> list[float]:
    sender = f"growth-stock-{seed}-{time.time_ns()}"
    dialogue = [line for script in MOODBOT_TYPED for line in script]
    with requests.Session() as http:
        return [send(http, url, sender, dialogue[i % len(dialogue)])[0] for i in range(turns)]


def table(ours: Curve, stock: Curve, turns: int, model: str) -> str:
    points = [p for p in (10, 25, 50, 75, 100, 125, 150, 200, 300) if p <= turns - WINDOW[1]]
    lines = [
        BEGIN,
        f"### Cost per message against the turn number ({date.today().isoformat()}, "
        f"{platform.machine()}, {os.cpu_count()} cores, commit {commit()}, model `{model}`)",
        "",
        f"One user at a time; {len(ours.turns)} conversations of {turns} typed messages on "
        "each side, alternating. Median latency of turns t-4 … t+5 (ms); "
        f"target: within {TARGET}× of turn 10.",
        "",
        "| turn | Concordia ms | × turn 10 | stock Rasa ms | × turn 10 |",
        "|---|---|---|---|---|",
    ]
    for p in points:
        lines.append(
            f"| {p} | {ours.at(p):.0f} | {ours.at(p) / ours.at(10):.2f} | "
            f"{stock.at(p):.0f} | {stock.at(p) / stock.at(10):.2f} |"
        )
    worst = max(ours.at(p) / ours.at(10) for p in points)
    lines += [
        "",
        f"Concordia's worst point: **{worst:.2f}×** turn 10 "
        f"({'within' if worst <= TARGET else 'over'} the {TARGET}× target).",
        END,
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=160)
    parser.add_argument("--conversations", type=int, default=3)
    parser.add_argument("--no-stock", action="store_true", help="Concordia only (profiling)")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    if args.turns < 20:
        parser.error("--turns must be at least 20 (the figure at turn 10 needs turns 6-15)")
    logs = ROOT / "var" / "bench" / "logs"
    print("Starting both assistants...", file=sys.stderr)
    with (
        tempfile.TemporaryDirectory() as scratch,
        scratch_stack(Path(scratch), logs, timeout=420) as concordia,
    ):
        stack = Stack(concordia.settings, log_dir=logs)
        try:
            stock_url = ""
            if not args.no_stock:
                spec, stock_url = stock_spec(concordia.settings)
                stack.start(spec)
                stack.wait_healthy(420)
            url = f"{concordia.settings.rasa_url}/webhooks/rest/webhook"
            concordia_conversation(url, 20, seed=-1)  # warm-up
            if stock_url:
                stock_conversation(stock_url, 20, seed=-1)
            ours, theirs = Curve([]), Curve([])
            for n in range(args.conversations):
                ours.turns.append(concordia_conversation(url, args.turns, seed=n))
                print(f"Concordia conversation {n + 1}: done", file=sys.stderr)
                if stock_url:
                    theirs.turns.append(stock_conversation(stock_url, args.turns, seed=n))
                    print(f"stock conversation {n + 1}: done", file=sys.stderr)
        finally:
            stack.stop()
    if not theirs.turns:
        for p in (10, 50, 100, 150):
            if p <= args.turns - WINDOW[1]:
                print(f"turn {p}: {ours.at(p):.0f} ms")
        return 0
    model = concordia.model.name if concordia.model else "?"
    publish(RESULTS, BEGIN, END, table(ours, theirs, args.turns, model), args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
