"""Seeds 10,000 sessions and times the reviewer list page and the CSV export.

Run: .venv/bin/python benchmarks/review_scale.py [--sessions N] [--database-url URL]
Prints figures; it is a benchmark, not a test. Uses a temporary SQLite file unless a
database URL is given (PostgreSQL: a database you can drop, e.g. a scratch one).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.mediation.steps import STEP_IDS
from bot.review.exporters import sessions_to_csv
from bot.review.queries import SessionFilter, iter_sessions, list_sessions
from bot.store.db import get_engine
from bot.store.migrate import upgrade
from bot.store.models import MediationSession, Party, SessionTag, Statement
from bot.store.transcript import events, rasa_metadata

STATUSES = ("active", "completed", "abandoned")


def seed(url: str, count: int, first: int = 0) -> None:
    """`count` finished sessions (numbered from `first`), with parties, statements, tags
    and 10 user and 10 bot events each."""
    rng = random.Random(7 + first)
    start = datetime(2026, 1, 1)
    sessions, parties, statements, tags, rows = [], [], [], [], []
    for i in range(first, first + count):
        sid = f"cn-{i:016x}"
        sessions.append(
            {
                "id": sid,
                "sender_id": f"sender-{i}",
                "mode": rng.choice(("mediation", "training")),
                "status": rng.choice(STATUSES),
                "topic": f"Dispute {i} over water and borders",
                "step": "summary",
                "furthest_step": rng.choice(STEP_IDS),
                "transcript_from": 0.0,
                "started_at": start + timedelta(minutes=47 * i),
                "updated_at": start,
            }
        )
        parties += [
            {"session_id": sid, "name": n, "position": p}
            for p, n in enumerate(("Riverland", "Dryland"))
        ]
        statements += [
            {
                "session_id": sid,
                "message_id": f"{sid}-{k}",
                "kind": "interest",
                "text": f"farmers need water {k}",
                "topics": {},
                "lemmas": [],
                "created_at": start,
            }
            for k in range(3)
        ]
        if i % 10 == 0:
            tags.append({"session_id": sid, "tag": "sample", "created_at": start})
        rows += [
            {
                "sender_id": f"sender-{i}",
                "type_name": kind,
                "timestamp": float(i * 100 + k),
                "intent_name": "state_interest" if kind == "user" else None,
                "action_name": None,
                "data": json.dumps({"text": f"message {k} of session {i}"}),
            }
            for k, kind in enumerate(("user", "bot") * 5)
        ]
    engine = get_engine(url)
    rasa_metadata.create_all(engine)
    with engine.begin() as connection:
        for table, values in (
            (MediationSession.__table__, sessions),
            (Party.__table__, parties),
            (Statement.__table__, statements),
            (SessionTag.__table__, tags),
            (events, rows),
        ):
            for chunk in range(0, len(values), 5000):
                connection.execute(insert(table), values[chunk : chunk + 5000])


def timed(label: str, func, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        func()
        samples.append(time.perf_counter() - began)
    median = statistics.median(samples)
    print(
        f"{label:<48} median {median * 1000:8.1f} ms  (min {min(samples) * 1000:.1f}, "
        f"max {max(samples) * 1000:.1f}, n={repeat})"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        began = time.perf_counter()
        seed(url, args.sessions)
        print(
            f"Seeded {args.sessions} sessions (+ 20 events each) in "
            f"{time.perf_counter() - began:.1f} s into {url.split(':')[0]}"
        )
        everything = SessionFilter()
        timed(
            "list page 1 (50 rows, with total count)", lambda: list_sessions(url, everything, 1, 50)
        )
        timed("list page 100 (50 rows)", lambda: list_sessions(url, everything, 100, 50))
        timed(
            "list filtered by status + tag",
            lambda: list_sessions(
                url, SessionFilter.parse({"status": "completed", "tag": "sample"})
            ),
        )
        timed(
            "list text search over transcripts",
            lambda: list_sessions(url, SessionFilter.parse({"text": "session 9999"})),
            repeat=3,
        )
        timed(
            f"CSV export of all {args.sessions} sessions",
            lambda: sessions_to_csv(iter_sessions(url, everything)),
            repeat=3,
        )


if __name__ == "__main__":
    main()
