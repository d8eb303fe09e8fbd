"""Does the assistant decide the same after a change that should not change it?

Run: .venv/bin/python benchmarks/same_decisions.py [--mediations 30] [--long 6]
     [--b-env NAME=VALUE ...] [--b-model PATH]

Two stacks side by side, A (the current settings and model) and B (A with `--b-env`
and/or `--b-model`). By default B serves the whole session (CONCORDIA_TRACKER_TURNS=0,
as stock Rasa) where A serves a window (components/tracker_window.py); with
`--b-model` it compares two models (e.g. with and without a policy). Both get the same
typed conversations: whole mediations as the soak types them, and long ones that
state many interests per party before going on. Compared per conversation, from each
stack's database: the actions the assistant ran, the slots it set and the forms it
ran, in order (session ids and timestamps aside). Prints the number that differ and
the first difference of each. A check, not a test: two Rasa servers take two minutes
to start.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from soak import plan
from sqlalchemy import create_engine, text
from typed_text import Typist

from bot.ops.runner import scratch_stack

ROOT = Path(__file__).resolve().parent.parent
SESSION_ID = re.compile(r"cn-[0-9a-f]{16}")


def long_mediation(index: int) -> list[str]:
    """A mediation with many interests per party: far longer than the window."""
    base = plan(index, "long", seed=11)
    typist = Typist(random.Random(index))
    a, b = base.parties
    messages = base.messages
    first = messages.index(base.interests[a][0])
    more_a = [typist.interest(a) for _ in range(12)]
    second = messages.index(base.interests[b][0])
    more_b = [typist.interest(b) for _ in range(12)]
    return messages[:first] + more_a + messages[first:second] + more_b + messages[second:]


def decisions(url: str, sender: str) -> list[str]:
    """What the assistant did in a conversation: actions run and slots set, in order."""
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
        ).all()
    engine.dispose()
    out = []
    for (data,) in rows:
        event = json.loads(data)
        if event["event"] == "action":
            out.append(f"action {event['name']}")
        elif event["event"] == "slot":
            value = SESSION_ID.sub("cn-…", json.dumps(event.get("value"), sort_keys=True))
            out.append(f"slot {event['name']}={value}")
        elif event["event"] == "active_loop":
            out.append(f"loop {event.get('name')}")
    return out


def converse(webhook: str, sender: str, messages: list[str]) -> None:
    with requests.Session() as http:
        for message in messages:
            reply = http.post(webhook, json={"sender": sender, "message": message}, timeout=120)
            reply.raise_for_status()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mediations", type=int, default=30)
    parser.add_argument("--long", type=int, default=6)
    parser.add_argument(
        "--b-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="B's environment (repeatable; default CONCORDIA_TRACKER_TURNS=0 without --b-model)",
    )
    parser.add_argument("--b-model", type=Path, help="B's model file (default: A's)")
    args = parser.parse_args()
    b_env = dict(item.split("=", 1) for item in args.b_env)
    if not b_env and args.b_model is None:
        b_env = {"CONCORDIA_TRACKER_TURNS": "0"}
    conversations = {
        f"whole-{i}": plan(i, "check", seed=5).messages for i in range(args.mediations)
    }
    conversations |= {f"long-{i}": long_mediation(i) for i in range(args.long)}
    logs = ROOT / "var" / "bench" / "logs"
    with (
        tempfile.TemporaryDirectory() as one,
        tempfile.TemporaryDirectory() as two,
        scratch_stack(Path(one), logs / "a", timeout=420) as a,
        scratch_stack(Path(two), logs / "b", env=b_env, model=args.b_model, timeout=420) as b,
    ):
        print(
            f"A: {a.model.name if a.model else '?'}; B: {b.model.name if b.model else '?'} {b_env}",
            file=sys.stderr,
        )
        stacks = (a, b)
        for stack in stacks:
            webhook = f"{stack.settings.rasa_url}/webhooks/rest/webhook"
            with ThreadPoolExecutor(max_workers=4) as pool:
                done = [pool.submit(converse, webhook, *item) for item in conversations.items()]
            for future in done:
                future.result()  # a failed request fails the check
        differ = 0
        turns = 0
        for sender, messages in conversations.items():
            turns += len(messages)
            ours, theirs = (decisions(s.settings.database_url, sender) for s in stacks)
            if ours != theirs:
                differ += 1
                at = next(
                    (i for i, (x, y) in enumerate(zip(ours, theirs, strict=False)) if x != y),
                    min(len(ours), len(theirs)),
                )
                print(
                    f"{sender}: differs at decision {at}: "
                    f"A {ours[at : at + 3]} / B {theirs[at : at + 3]}"
                )
    print(
        f"{len(conversations)} conversations ({turns} typed messages, the longest "
        f"{max(len(m) for m in conversations.values())}): {differ} differ"
    )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
