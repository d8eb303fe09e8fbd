"""Real cases through the real stack: how well the assistant understands what is said.

    make eval-cases                                   # dev and held-out splits, figures
    .venv/bin/python benchmarks/eval_cases.py --write  # and into RESULTS.md

Every case in `benchmarks/cases/` is typed into a throwaway stack (Rasa server,
action server, SQLite) over the REST channel exactly as a facilitator would type
it: a greeting, the request, consent, the topic, the parties, then each party's
statements, "done" between parties. The stored record is then read from the
database: the kind and party of every statement, the common ground proposed
(with its kind and the statements behind it), and the first three measures
offered. Scoring is in `benchmarks/cases.py`. Errors are printed for the dev
split only; the held-out split gives figures, never errors.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import requests
from bench_results import publish
from cases import Case, Outcome, Tally, load_cases, shortfalls, table

from bot.ops.rasa_model import fingerprint
from bot.ops.runner import scratch_stack
from bot.store.repository import SessionRepository

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- eval-cases:begin -->", "<!-- eval-cases:end -->"
STUCK = "haven't noted any interest"
ASKED = "Is it something"  # the clarifying question: interest or position?


class Conversation:
    def __init__(self, webhook: str, sender: str) -> None:
        self.webhook, self.sender = webhook, sender
        self.messages = 0

    def say(self, text: str) -> str:
        self.messages += 1
        reply = requests.post(
            self.webhook, json={"sender": self.sender, "message": text}, timeout=120
        )
        reply.raise_for_status()
        return "\n".join(r.get("text") or "" for r in reply.json())


def run_case(
    case: Case, webhook: str, repository: SessionRepository
) -> tuple[Outcome, list[str], list[str]]:
    """Type one case; return what was stored, any trouble in the conversation's course
    (parties not taken, a step not reached), and the replies to what was not stored."""
    talk = Conversation(webhook, f"eval-{case.id}-{time.time_ns()}")
    trouble: list[str] = []
    replies: dict[str, str] = {}
    talk.say("hello")
    talk.say("I'd like to start a mediation")
    talk.say("yes")
    talk.say(case.topic)
    reply = talk.say(", ".join(case.parties[:-1]) + " and " + case.parties[-1])
    if f"What matters to {case.parties[0]}" not in reply:
        trouble.append(f"parties not taken: {reply[:120]!r}")
    turn = case.parties[0]
    for statement in case.statements:
        if statement.turn != turn:
            reply = talk.say("done")
            if STUCK in reply:
                trouble.append(f"no interest recorded for {turn}; typed 'skip'")
                talk.say("skip")
                break
            turn = statement.turn
        replies[statement.text] = talk.say(statement.text)
    reply = talk.say("done")
    if "Step 4 of 6" not in reply:
        trouble.append(f"common ground step not reached: {reply[:120]!r}")
    record = repository.latest_for_sender(talk.sender)
    if record is None:
        raise RuntimeError(f"{case.id}: no session stored")
    sid = record.id
    stored = {s.text: (s.kind, s.party) for s in repository.statements(sid)}
    ground = repository.common_ground(sid)

    def texts_of(kind: str) -> list[frozenset[str]]:
        return [
            frozenset(s["text"] for s in (c.evidence or {}).get("statements", []))
            for c in ground
            if c.kind == kind and c.source == "assistant"
        ]

    talk.say("yes")
    measures = [m.measure_id for m in sorted(repository.measures(sid), key=lambda m: m.rank)]
    talk.say("done")
    asked = {text for text, reply in replies.items() if ASKED in reply}
    notes = [f"reply to {t[:50]!r}: {replies[t][:90]!r}" for t in replies if t not in stored]
    outcome = Outcome(
        stored,
        texts_of("shared_need"),
        texts_of("compatible"),
        measures[:3],
        asked,
        texts_of("contested"),
    )
    return outcome, trouble, notes


def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True)
    return done.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--split", choices=("dev", "heldout", "both"), default="both")
    args = parser.parse_args()
    splits = ("dev", "heldout") if args.split == "both" else (args.split,)
    figures: list[tuple[str, dict]] = []
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="concordia-eval-") as tmp,
        scratch_stack(Path(tmp), log_dir=Path(tmp) / "logs") as scratch,
    ):
        settings = scratch.settings
        webhook = f"{settings.rasa_url}/webhooks/rest/webhook"
        repository = SessionRepository(settings.database_url)
        model = settings.models_dir / f"concordia-{fingerprint(settings.root)}.tar.gz"
        messages = 0
        broken = 0  # held-out conversations that did not go as typed (counted, not shown)
        for split in splits:
            tally = Tally()
            for case in load_cases(split):
                outcome, trouble, notes = run_case(case, webhook, repository)
                errors = tally.add(case, outcome)
                if split == "dev":
                    for line in trouble + notes + errors:
                        print(f"  {case.id}: {line}")
                elif trouble:
                    broken += 1
                messages += len(case.statements) + 8
            figures.append((f"{split} ({tally.cases} cases)", tally.figures()))
    elapsed = time.monotonic() - started
    lines = [
        BEGIN,
        f"### Real cases through the stack ({date.today().isoformat()}, {platform.machine()}, "
        f"commit {commit()}, model `{model.name}`)",
        "",
        "Each case typed over REST into a throwaway stack, as a facilitator would type it; "
        "the stored record scored by `benchmarks/cases.py` (definitions there). "
        f"About {messages} messages, {elapsed:.0f} s including start-up. The dev split "
        "was looked at error by error while tuning; the held-out split was only ever scored.",
        "",
        *table(figures),
        "",
        "Targets: kind ≥ 0.95, attribution 1.00, shared-need recall ≥ 0.80 and precision "
        "≥ 0.80, contested shown as shared 0, measure fit ≥ 0.90.",
    ]
    if "heldout" in splits:
        lines.append(f"- Held-out conversations that did not go as typed: {broken}.")
    for label, row in figures:
        for line in shortfalls(row):
            lines.append(f"- {label}: {line}.")
    lines.append(END)
    publish(RESULTS, BEGIN, END, "\n".join(lines), args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
