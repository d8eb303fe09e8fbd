"""Cost per message against the number of stored sessions, on SQLite and PostgreSQL.

Run: .venv/bin/python benchmarks/stored_sessions.py [--counts 0,10000,100000]
     [--seconds 40] [--databases sqlite,postgres] [--write]

For each database: one stack on a fresh database; one user types whole mediations
(benchmarks/typed_text.py) for `--seconds` after a warm-up, then the database is
seeded up to the next count (benchmarks/review_scale.seed: finished sessions with
parties, statements and 20 events each, written straight to the database while
the stack is idle), and the user types again. Target: every figure within 1.2 times
the figure with none stored.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path

from bench_results import publish
from latency import Run, closed_loop, concordia_script
from review_scale import seed
from stock import commit

from bot.ops.runner import scratch_stack, temporary_postgres

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- stored-sessions:begin -->", "<!-- stored-sessions:end -->"
CHUNK = 10_000  # sessions seeded per transaction batch (bounded memory)
TARGET = 1.2


def seed_up_to(url: str, have: int, want: int) -> None:
    began = time.perf_counter()
    while have < want:
        step = min(CHUNK, want - have)
        seed(url, step, first=have)
        have += step
    print(f"  seeded up to {want} sessions in {time.perf_counter() - began:.0f} s", file=sys.stderr)


def measure(
    database: str, counts: list[int], seconds: float, logs: Path
) -> tuple[dict[int, Run], str]:
    """Figures per stored-session count, and the model measured."""
    runs: dict[int, Run] = {}
    with ExitStack() as cleanup:
        scratch = Path(cleanup.enter_context(tempfile.TemporaryDirectory()))
        env = (
            {"DATABASE_URL": cleanup.enter_context(temporary_postgres())}
            if database == "postgres"
            else {}
        )
        stack = cleanup.enter_context(scratch_stack(scratch, logs, env=env, timeout=420))
        url = f"{stack.settings.rasa_url}/webhooks/rest/webhook"
        have = 0
        for count in counts:
            seed_up_to(stack.settings.database_url, have, count)
            have = count
            print(f"{database}, {count} stored: one user typing...", file=sys.stderr)
            runs[count] = closed_loop(url, concordia_script, 1, 10.0, seconds)
        model = stack.model.name if stack.model else "?"
    return runs, model


def table(results: dict[str, dict[int, Run]], seconds: float, model: str) -> str:
    lines = [
        BEGIN,
        f"### Cost per message against stored sessions ({date.today().isoformat()}, "
        f"{platform.machine()}, {os.cpu_count()} cores, commit {commit()}, model `{model}`)",
        "",
        f"One user typing whole mediations for {seconds:.0f} s per point (after 10 s "
        "warm-up); sessions seeded with parties, statements and 20 events each. "
        f"Target: within {TARGET} times the figure with none stored.",
        "",
        "| database | stored sessions | messages | p50 ms | p95 ms | p50 × none stored |",
        "|---|---|---|---|---|---|",
    ]
    worst = 0.0
    for database, runs in results.items():
        base = runs[min(runs)].percentile(0.5)
        for count, run in runs.items():
            ratio = run.percentile(0.5) / base
            worst = max(worst, ratio)
            lines.append(
                f"| {database} | {count:,} | {len(run.latencies)} | {run.percentile(0.5):.0f} | "
                f"{run.percentile(0.95):.0f} | {ratio:.2f} |"
            )
    lines += [
        "",
        f"Worst point: **{worst:.2f}×** ({'within' if worst <= TARGET else 'over'} the "
        f"{TARGET}× target).",
        END,
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="0,10000,100000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    counts = sorted(int(c) for c in args.counts.split(","))
    logs = ROOT / "var" / "bench" / "logs"
    results: dict[str, dict[int, Run]] = {}
    model = "?"
    for database in args.databases.split(","):
        results[database], model = measure(database, counts, args.seconds, logs)
    publish(RESULTS, BEGIN, END, table(results, args.seconds, model), args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
