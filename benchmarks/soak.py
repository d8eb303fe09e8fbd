"""A bounded soak test: simulated users complete whole mediations against the real stack.

Run: .venv/bin/python benchmarks/soak.py [--users 100] [--minutes 10] [--sample-seconds 10]
     [--database-url URL] [--write]

Loopback only, and it stops by itself. Starts the action server, the Rasa server and the
web app on free ports (logs in var/soak/logs, a fresh SQLite file unless --database-url
is given). User i arrives at i * minutes * 60 / users seconds and runs a whole mediation
over the REST channel, typed as text (benchmarks/typed_text.py: nothing in it repeats the
training data), with 1 to 3 s of thinking between messages, and polls the web app's
progress endpoint after each message as the page does. A user that
has not finished by the end of the run plus a grace period (--grace-minutes) counts as
a failure.

Meanwhile the resident memory (VmRSS) of each process group is sampled every
--sample-seconds; the curve and its growth over the second half of the run (the first
half includes the warm-up) are reported. Afterwards every session is checked in the
database: completed, at the last step, topic and parties as sent, each statement stored
once and verbatim for its party, the proposed measure stored, and Rasa's transcript
holding every message exactly as sent, in order. The process logs are scanned for
ERROR, CRITICAL and Traceback lines.

Prints figures (it is a benchmark, not a pytest test); the exit code is 1 when a session
is incomplete or inconsistent, a message got an HTTP error or no reply, a process died,
or an error line appears in the logs, so that it can serve as a check. Memory is
reported, not judged.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import requests
from bench_results import publish
from sqlalchemy import func, select
from typed_text import (
    ACCEPT,
    ANSWER_INTEREST,
    CONFIRM,
    CONSENT,
    DONE_PARTY,
    FINISH,
    GREETINGS,
    OPTIONS,
    START,
    TOPICS,
    WHERE,
    Typist,
)

from bot.mediation.steps import STEP_IDS
from bot.ops.runner import Stack, scratch_stack
from bot.settings import Settings
from bot.store.db import session_scope
from bot.store.models import MediationSession
from bot.store.repository import SessionRepository
from bot.store.transcript import read_transcript

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "var" / "soak" / "logs"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADING = "## Soak: 100 users over 10 minutes"
BEGIN, END = "<!-- soak:begin -->", "<!-- soak:end -->"
PROCESSES = ("Rasa server", "action server", "web app")
ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL)\b|Traceback \(most recent call last\)")
WARNING_LINE = re.compile(r"\bWARNING\b")
SESSION_ID = re.compile(r"cn-[0-9a-f]{16}")
LAST_STEP = STEP_IDS[-1]
REQUEST_TIMEOUT = 120.0
ASKED = "Is it something"  # the assistant's clarifying question
CONSENT_NEEDED = "I need a yes or a no"  # the consent question, asked again

# -- what the simulated users say ----------------------------------------------------------
PARTY_NAMES = [
    "Arvia", "Belmora", "Corvina", "Dastrel", "Elmoor", "Farrowdale", "Galvik", "Harnow",
    "Istria", "Jorvale", "Kessmark", "Lunmere", "Marrow", "Norland", "Orvieta", "Pelling",
    "Riverland", "Dryland", "Ostia", "Velmar",
]  # fmt: skip


@dataclass
class Plan:
    """One simulated user's whole mediation, and what the record should then hold."""

    sender: str
    messages: list[str]
    topic: str
    parties: tuple[str, str]
    interests: dict[str, list[str]]
    own_measure: str | None
    accepts: bool
    start: str  # the message that starts the mediation (the page polls progress after it)
    answer: str  # typed if the assistant asks "an interest or a position?"


def plan(index: int, run: str, seed: int) -> Plan:
    """A whole mediation typed as text (benchmarks/typed_text.py: nothing in it repeats
    the training data, and no `/intent` payload stands in for what a user types)."""
    rng = random.Random(seed * 100_003 + index)
    typist = Typist(rng)
    a, b = rng.sample(PARTY_NAMES, 2)
    topic = typist.pick(TOPICS)
    interests = {
        party: [typist.interest(party) for _ in range(rng.choice((1, 2)))] for party in (a, b)
    }
    own = typist.pick(OPTIONS) if rng.random() < 0.5 else None
    accepts = rng.random() < 0.5
    start = typist.pick(START)
    messages = [typist.pick(GREETINGS)] if rng.random() < 0.5 else []
    messages += [
        start,
        typist.pick(CONSENT),
        topic,
        f"{a} and {b}" if rng.random() < 0.5 else f"{a}, {b}",
        *interests[a],
    ]
    if rng.random() < 0.25:
        messages.append(typist.pick(WHERE))
    messages += [typist.pick(DONE_PARTY), *interests[b], typist.pick(DONE_PARTY)]
    messages.append(typist.pick(CONFIRM))
    if accepts:
        messages.append(typist.pick(ACCEPT, n=str(rng.choice((1, 2)))))
    if own:
        messages.append(own)
    messages.append(typist.pick(FINISH))
    return Plan(
        f"soak-{run}-{index}",
        messages,
        topic,
        (a, b),
        interests,
        own,
        accepts,
        start,
        typist.pick(ANSWER_INTEREST),
    )


# -- one simulated user ----------------------------------------------------------------------
@dataclass
class Outcome:
    plan: Plan
    scheduled: float
    started: float = 0.0
    finished: float | None = None  # None: did not finish
    sent: list[str] = field(default_factory=list)  # answered with 200
    latencies: list[float] = field(default_factory=list)
    replied_at: list[float] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)  # no HTTP answer at all
    non_200: list[str] = field(default_factory=list)
    no_reply: list[str] = field(default_factory=list)  # 200 with an empty list
    web_errors: list[str] = field(default_factory=list)
    last_reply: str = ""
    asked: int = 0  # times the assistant asked "an interest or a position?"
    progress: dict = field(default_factory=dict)  # the web app's view at the end
    dialogue: list[str] = field(default_factory=list)  # the transcript, for the report


class Load:
    def __init__(self, rasa_url: str, web_url: str, hard_deadline: float, stop: threading.Event):
        self.webhook = f"{rasa_url}/webhooks/rest/webhook"
        self.web = web_url
        self.hard_deadline = hard_deadline
        self.stop = stop

    def timeout(self) -> float:
        return max(1.0, min(REQUEST_TIMEOUT, self.hard_deadline - time.monotonic()))

    def user(self, outcome: Outcome, think: random.Random) -> Outcome:
        outcome.started = time.monotonic()
        sender = outcome.plan.sender
        with requests.Session() as http:
            self._web(http, outcome, "/", "page")
            mediating = False  # the page polls the progress once a session exists
            queue = list(outcome.plan.messages)
            n = 0
            while queue:
                message = queue.pop(0)
                if n and self.stop.wait(think.uniform(1.0, 3.0)):
                    return outcome
                if self.stop.is_set() or time.monotonic() > self.hard_deadline:
                    return outcome
                began = time.perf_counter()
                try:
                    reply = http.post(
                        self.webhook,
                        json={"sender": sender, "message": message},
                        timeout=self.timeout(),
                    )
                except requests.RequestException as exc:
                    outcome.http_errors.append(f"{message[:40]!r}: {type(exc).__name__}: {exc}")
                    continue
                outcome.latencies.append(time.perf_counter() - began)
                outcome.replied_at.append(time.monotonic())
                if reply.status_code != 200:
                    outcome.non_200.append(f"{message[:40]!r}: HTTP {reply.status_code}")
                    continue
                outcome.sent.append(message)
                n += 1
                mediating = mediating or message == outcome.plan.start
                try:
                    body = reply.json()
                except ValueError:
                    body = None
                if not isinstance(body, list) or not body:
                    outcome.no_reply.append(message[:40])
                    continue
                outcome.last_reply = "\n".join(str(r.get("text") or "") for r in body)
                if ASKED in outcome.last_reply:  # "an interest or a position?": say so
                    queue.insert(0, outcome.plan.answer)
                    outcome.asked += 1
                elif CONSENT_NEEDED in outcome.last_reply:  # asked for a plain yes or no
                    queue.insert(0, "yes")
                    outcome.asked += 1
                if mediating:
                    self._web(http, outcome, f"/api/progress/{sender}", "progress")
            outcome.finished = time.monotonic()
        return outcome

    def _web(self, http: requests.Session, outcome: Outcome, path: str, what: str) -> None:
        try:
            answer = http.get(self.web + path, timeout=min(30.0, self.timeout()))
        except requests.RequestException as exc:
            outcome.web_errors.append(f"{what}: {type(exc).__name__}")
            return
        if answer.status_code != 200:
            outcome.web_errors.append(f"{what}: HTTP {answer.status_code}")
        elif what == "progress":
            outcome.progress = answer.json()


# -- memory ------------------------------------------------------------------------------------
def rss_by_group(leaders: dict[str, int]) -> dict[str, float]:
    """Resident memory (MB) of each named process group: the leader and all its children."""
    names = {pid: name for name, pid in leaders.items()}
    total = dict.fromkeys(leaders, 0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            name = names.get(int(stat[2]))  # field 5: process group
            if name is None:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total[name] += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return {name: kb / 1024 for name, kb in total.items()}


class Sampler(threading.Thread):
    def __init__(self, leaders: dict[str, int], every: float, origin: float):
        super().__init__(daemon=True)
        self.leaders, self.every, self.origin = leaders, every, origin
        self.samples: list[tuple[float, dict[str, float]]] = []
        self.done = threading.Event()

    def sample(self) -> None:
        self.samples.append((time.monotonic() - self.origin, rss_by_group(self.leaders)))

    def run(self) -> None:
        while True:
            self.sample()
            if self.done.wait(self.every):
                self.sample()
                return


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) points, in MB per minute."""
    if len(points) < 2:
        return 0.0
    xs, ys = [x / 60 for x, _ in points], [y for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0


@dataclass
class Flatness:
    name: str
    mid: float  # MB at the start of the second half
    last: float
    peak: float
    slope: float  # MB/min over the second half

    @property
    def growth(self) -> float:
        return self.last - self.mid

    @property
    def growth_pct(self) -> float:
        return 100 * self.growth / self.mid if self.mid else 0.0


def megabytes(sample: dict[str, float], name: str) -> float:
    return sum(sample.values()) if name == "total" else sample[name]


def flatness(samples: list[tuple[float, dict[str, float]]]) -> list[Flatness]:
    end = samples[-1][0]
    second = [(t, mb) for t, mb in samples if t >= end / 2] or samples[-1:]
    return [
        Flatness(
            name,
            megabytes(second[0][1], name),
            megabytes(second[-1][1], name),
            max(megabytes(mb, name) for _, mb in samples),
            slope([(t, megabytes(mb, name)) for t, mb in second]),
        )
        for name in [*PROCESSES, "total"]
    ]


def curve(samples: list[tuple[float, dict[str, float]]]) -> list[tuple[str, dict[str, float]]]:
    """One row per whole minute (the last sample at or before it), and the final sample."""
    rows = []
    end = samples[-1][0]
    for minute in range(int(end // 60) + 1):
        before = [mb for t, mb in samples if t <= minute * 60 + 0.5]
        if before:
            rows.append((str(minute), before[-1]))
    if end - 60 * int(end // 60) > 1:
        rows.append((f"{end / 60:.1f} (end)", samples[-1][1]))
    return rows


# -- checks ------------------------------------------------------------------------------------
def check_session(url: str, outcome: Outcome) -> list[str]:
    """What is wrong with this user's session in the database (empty: complete, consistent).

    Each problem reads "<check>: <details>"; the report counts sessions per check."""
    p = outcome.plan
    problems: list[str] = []
    if outcome.finished is None:
        problems.append(f"not finished: {len(outcome.sent)} of {len(p.messages)} answered")
    repository = SessionRepository(url)
    with session_scope(url) as db:
        count = db.execute(
            select(func.count(MediationSession.id)).where(MediationSession.sender_id == p.sender)
        ).scalar_one()
    lines = read_transcript(url, p.sender)
    outcome.dialogue = [
        f"{line.speaker}{f' [{line.intent}]' if line.intent else ''}: {line.text[:140]!r}"
        for line in lines
    ]
    latest = repository.latest_for_sender(p.sender)
    if latest is None:
        return [*problems, "no session record: nothing in the database for this sender"]
    if count != 1:
        problems.append(f"several session records: {count} for one mediation")
    record = repository.get(latest.id)
    if record.status != "completed":
        problems.append(f"not completed: status {record.status!r}")
    if record.furthest_step != LAST_STEP or record.step != LAST_STEP:
        problems.append(
            f"not at the last step: step {record.step!r}, furthest {record.furthest_step!r}"
        )
    if record.status == "completed" and (record.ended_at is None or not record.summary):
        problems.append("no end time or summary: completed without them")
    if outcome.finished is not None and record.id not in outcome.last_reply:
        shown = SESSION_ID.findall(outcome.last_reply) or "no session"
        problems.append(f"session id mismatch: the last reply names {shown}, not {record.id}")
    if record.topic != p.topic:
        problems.append(f"topic not as sent: {record.topic!r} (sent {p.topic!r})")
    parties = tuple(party.name for party in sorted(record.parties, key=lambda x: x.position))
    if parties != p.parties:
        problems.append(f"parties not as sent: {parties} (sent {p.parties})")

    said = [line for line in lines if line.speaker == "user"]
    read_as = {line.text: line.intent for line in said}
    expected = Counter((party, text) for party, texts in p.interests.items() for text in texts)
    stored = Counter((s.party, s.text) for s in repository.statements(record.id))
    for (party, text), n in (expected - stored).items():
        intent = read_as.get(text, "not in the transcript")
        problems.append(f"statement missing: {party}, {n}x, NLU intent {intent!r}: {text!r}")
    for (party, text), n in (stored - expected).items():
        problems.append(f"statement unexpected or doubled: {party}, {n}x: {text!r}")

    measures = repository.measures(record.id)
    if p.own_measure and not any(
        m.source == "user" and m.title == p.own_measure and m.status == "accepted" for m in measures
    ):
        problems.append(f"own measure missing: {p.own_measure!r}")
    if p.accepts and not any(m.source == "catalogue" and m.status == "accepted" for m in measures):
        problems.append("no measure accepted: after 'accept N'")

    texts = [line.text for line in said]
    if texts != outcome.sent:
        missing = list((Counter(outcome.sent) - Counter(texts)).elements())
        extra = list((Counter(texts) - Counter(outcome.sent)).elements())
        problems.append(
            f"transcript differs from what was sent: {len(texts)} vs {len(outcome.sent)} "
            f"messages, missing {missing[:3]}, extra {extra[:3]}"
        )
    if outcome.finished is not None and (
        outcome.progress.get("status") != "completed" or outcome.progress.get("step") != LAST_STEP
    ):
        problems.append(f"web progress wrong: {outcome.progress}")
    return problems


def scan_logs(log_dir: Path) -> dict[str, tuple[list[str], int]]:
    """Per log file: its error lines, and how many warning lines it has."""
    found = {}
    for path in sorted(log_dir.glob("*.log")):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        errors = [line for line in lines if ERROR_LINE.search(line)]
        found[path.name] = (errors, sum(1 for line in lines if WARNING_LINE.search(line)))
    return found


# -- the report --------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


@dataclass
class Report:
    args: argparse.Namespace
    outcomes: list[Outcome]
    problems: dict[str, list[str]]
    samples: list[tuple[float, dict[str, float]]]
    logs: dict[str, tuple[list[str], int]]
    died: list[str]
    stray_sessions: int
    model: str = ""
    commit: str = ""

    def failures(self) -> list[str]:
        reasons = []
        bad = [s for s, p in self.problems.items() if p]
        if bad:
            reasons.append(f"{len(bad)} of {len(self.outcomes)} sessions incomplete/inconsistent")
        errors = sum(len(e) for e, _ in self.logs.values())
        if errors:
            reasons.append(f"{errors} error lines in the logs")
        counts = self.counts()
        for key in ("HTTP errors", "non-200", "no reply", "web app errors"):
            if counts[key]:
                reasons.append(f"{counts[key]} {key}")
        if self.stray_sessions:
            reasons.append(f"{self.stray_sessions} session records of no simulated user")
        reasons += [f"the {name} died" for name in self.died]
        return reasons

    def counts(self) -> dict[str, int]:
        o = self.outcomes
        return {
            "messages": sum(len(x.latencies) for x in o),
            "planned": sum(len(x.plan.messages) for x in o),
            "HTTP errors": sum(len(x.http_errors) for x in o),
            "non-200": sum(len(x.non_200) for x in o),
            "no reply": sum(len(x.no_reply) for x in o),
            "web app errors": sum(len(x.web_errors) for x in o),
        }

    def latency(self) -> str:
        values = [v for x in self.outcomes for v in x.latencies]
        stamps = [t for x in self.outcomes for t in x.replied_at]
        starts = [x.started for x in self.outcomes if x.started]
        wall = max(stamps) - min(starts) if stamps and starts else 0.0
        rate = len(values) / wall if wall else 0.0
        durations = [x.finished - x.started for x in self.outcomes if x.finished is not None]
        mean = sum(durations) / len(durations) if durations else 0.0
        late = max((x.started - x.scheduled for x in self.outcomes if x.started), default=0.0)
        return (
            f"Latency per message: p50 {percentile(values, 0.5):.0f} ms, p95 "
            f"{percentile(values, 0.95):.0f} ms, p99 {percentile(values, 0.99):.0f} ms, max "
            f"{max(values, default=0) * 1000:.0f} ms; {len(values)} messages in {wall:.0f} s = "
            f"{rate:.2f} messages/s (think time included). A mediation took {mean:.0f} s on "
            f"average; the latest arrival started {late:.1f} s behind its schedule."
        )

    def section(self) -> str:
        a = self.args
        counts = self.counts()
        completed = sum(1 for p in self.problems.values() if not p)
        lines = [
            BEGIN,
            f"### Soak: {a.users} users over {a.minutes:g} minutes ({date.today().isoformat()}, "
            f"{platform.machine()}, {os.cpu_count()} cores, commit {self.commit}, model "
            f"`{self.model}`)",
            "",
            f"Real stack on loopback (Rasa server, action server, web app; "
            f"{self.database_label()}). User *i* arrives at *i* × {a.minutes * 60 / a.users:.1f}"
            f" s and runs a whole mediation over REST ({counts['planned']} messages in all, "
            "every one typed text from `benchmarks/typed_text.py`, none repeating the training "
            'data and no `/intent` payloads; a user asked "an interest or a position?" '
            'answers in words, and one asked again for a yes or a no says "yes" '
            f"({sum(o.asked for o in self.outcomes)} such answers); 1–3 s "
            "thinking between messages), polling the web app's "
            f"progress after each; at most {a.workers} at once; {a.grace_minutes:g} min grace "
            f"after the run. Memory (VmRSS of each process group) sampled every "
            f"{a.sample_seconds:g} s.",
            "",
            f"**Sessions complete and consistent: {completed}/{a.users}.** "
            f"HTTP errors {counts['HTTP errors']}, non-200 {counts['non-200']}, messages with "
            f"no reply {counts['no reply']}, web app errors {counts['web app errors']}; "
            f"error lines in the logs: {sum(len(e) for e, _ in self.logs.values())}.",
            "",
            self.latency(),
            "",
            "| minute | " + " | ".join(f"{n} MB" for n in PROCESSES) + " | total MB |",
            "|---|" + "---|" * (len(PROCESSES) + 1),
        ]
        for label, mb in curve(self.samples):
            lines.append(
                f"| {label} | "
                + " | ".join(f"{mb[n]:.0f}" for n in PROCESSES)
                + f" | {sum(mb.values()):.0f} |"
            )
        lines += [
            "",
            "Second half of the run (the first includes the warm-up):",
            "",
            "| process | MB at half-time | MB at the end | growth MB | growth % | slope MB/min "
            "| peak MB |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in flatness(self.samples):
            lines.append(
                f"| {f.name} | {f.mid:.0f} | {f.last:.0f} | {f.growth:+.1f} | "
                f"{f.growth_pct:+.1f} | {f.slope:+.2f} | {f.peak:.0f} |"
            )
        lines += ["", "Checks per session (status, last step, topic, parties, statements, "]
        lines[-1] += "measures, transcript, web progress): " + self.check_summary()
        log_counts = ", ".join(
            f"{name} {len(errors)} errors / {warnings} warnings"
            for name, (errors, warnings) in self.logs.items()
        )
        lines += ["", f"Log lines: {log_counts}."]
        failures = self.failures()
        lines += ["", f"Verdict: {'FAIL: ' + '; '.join(failures) if failures else 'pass'}.", END]
        return "\n".join(lines)

    def database_label(self) -> str:
        url = self.args.database_url
        return "a fresh SQLite file" if not url else url.split(":", 1)[0].split("+")[0]

    def check_summary(self) -> str:
        """Sessions failing each check."""
        kinds = Counter(
            kind
            for problems in self.problems.values()
            for kind in {problem.split(":", 1)[0] for problem in problems}
        )
        if not kinds:
            return "all passed."
        return "; ".join(f"{kind}: {n}" for kind, n in kinds.most_common()) + " (sessions)."

    def details(self) -> str:
        """Everything that went wrong, for the terminal (not for RESULTS.md)."""
        out = []
        shown = 0
        for o in self.outcomes:
            issues = [
                *self.problems.get(o.plan.sender, []),
                *(f"HTTP error {e}" for e in o.http_errors),
                *(f"non-200 {e}" for e in o.non_200),
                *(f"no reply to {e!r}" for e in o.no_reply),
                *(f"web app {e}" for e in o.web_errors),
            ]
            if issues:
                out.append(f"  {o.plan.sender}:")
                out += [f"    - {issue}" for issue in issues[:10]]
                shown += 1
                if shown <= 3 and o.dialogue:
                    out.append("    conversation (from Rasa's events):")
                    out += [f"      {line}" for line in o.dialogue]
        for name, (errors, _) in self.logs.items():
            if errors:
                out.append(f"  {name}: {len(errors)} error lines; the first:")
                out += [f"    {line[:300]}" for line in errors[:5]]
        return "\n".join(out)


# -- running it -------------------------------------------------------------------------------
def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True)
    return done.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def ensure_heading(path: Path) -> None:
    """Put the soak heading and empty markers at the end of RESULTS.md, once."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if BEGIN in text and END in text:
        return
    path.write_text(f"{text.rstrip()}\n\n{HEADING}\n\n{BEGIN}\n{END}\n", encoding="utf-8")


def drive(args: argparse.Namespace, settings: Settings, stack: Stack, run: str) -> Report:
    leaders = {spec.name: process.pid for spec, process in stack.children}
    origin = time.monotonic()
    window = args.minutes * 60
    hard_deadline = origin + window + args.grace_minutes * 60
    stop = threading.Event()
    load = Load(
        settings.rasa_url, f"http://{settings.host}:{settings.web_port}", hard_deadline, stop
    )
    sampler = Sampler(leaders, args.sample_seconds, origin)
    sampler.start()
    outcomes: list[Outcome] = []
    died: list[str] = []
    pending = set()
    next_report = origin + 60

    def tick() -> None:
        nonlocal next_report
        exited = stack.first_exited()
        if exited and exited[0].name not in died:
            died.append(exited[0].name)
            print(f"The {exited[0].name} exited (code {exited[1]}): stopping.", file=sys.stderr)
            stop.set()
        now = time.monotonic()
        if now >= next_report:
            next_report += 60
            done = sum(1 for o in outcomes if o.finished is not None)
            memory = ", ".join(f"{n} {mb:.0f} MB" for n, mb in sampler.samples[-1][1].items())
            print(
                f"[{(now - origin) / 60:4.1f} min] {len(outcomes)} users started, {done} done, "
                f"{sum(len(o.latencies) for o in outcomes)} messages; {memory}",
                file=sys.stderr,
            )

    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        try:
            for index in range(args.users):
                scheduled = origin + index * window / args.users
                while not stop.is_set() and time.monotonic() < scheduled:
                    tick()
                    stop.wait(min(1.0, max(0.0, scheduled - time.monotonic())))
                if stop.is_set():
                    break
                outcome = Outcome(plan(index, run, args.seed), scheduled)
                outcomes.append(outcome)
                think = random.Random(f"{args.seed}-think-{index}")
                pending.add(pool.submit(load.user, outcome, think))
            while pending and not stop.is_set():
                if time.monotonic() >= hard_deadline:
                    print("Deadline reached: stopping the users still running.", file=sys.stderr)
                    stop.set()
                    break
                _, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
                tick()
        finally:
            stop.set()  # users still running stop at their next message
            for future in pending:
                future.cancel()
    # The load is over: let memory settle for one sample, then stop sampling.
    sampler.done.set()
    sampler.join()
    # Users that never got to start (stopped early) still count against the total.
    for index in range(len(outcomes), args.users):
        outcomes.append(Outcome(plan(index, run, args.seed), origin + index * window / args.users))
    problems = {o.plan.sender: check_session(settings.database_url, o) for o in outcomes}
    with session_scope(settings.database_url) as db:
        ours = db.execute(
            select(func.count(MediationSession.id)).where(
                MediationSession.sender_id.like(f"soak-{run}-%")
            )
        ).scalar_one()
    stray = max(0, ours - sum(1 for p in problems.values() if "no session record" not in p))
    return Report(args, outcomes, problems, sampler.samples, {}, died, stray)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=10.0, help="arrivals spread over this")
    parser.add_argument("--sample-seconds", type=float, default=10.0, help="memory sampling")
    parser.add_argument("--grace-minutes", type=float, default=2.0, help="to finish after the run")
    parser.add_argument("--workers", type=int, default=32, help="most users at once")
    parser.add_argument("--seed", type=int, default=1, help="the users' texts and think times")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--results", type=Path, default=RESULTS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--database-url",
        help="Concordia's database (default: a fresh SQLite file in a temporary directory)",
    )
    args = parser.parse_args()
    if args.users < 1 or args.minutes <= 0 or args.sample_seconds <= 0 or args.workers < 1:
        parser.error("--users, --minutes, --sample-seconds and --workers must be above 0")
    run = time.strftime("%Y%m%d%H%M%S")
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    for old in LOG_DIR.glob("*.log"):
        old.unlink()  # the stack appends; every run scans only its own lines
    database = {"DATABASE_URL": args.database_url} if args.database_url else {}
    print(f"Starting the stack (logs in {LOG_DIR})...", file=sys.stderr)
    with (
        tempfile.TemporaryDirectory() as scratch,
        scratch_stack(Path(scratch), LOG_DIR, web=True, env=database, timeout=420) as stack,
    ):
        print(
            f"{args.users} users over {args.minutes:g} min, one every "
            f"{args.minutes * 60 / args.users:.1f} s...",
            file=sys.stderr,
        )
        report = drive(args, stack.settings, stack.processes, run)
        model = stack.model
    report.logs = scan_logs(LOG_DIR)
    report.model, report.commit = (model.name if model else ""), commit()
    if args.write:
        ensure_heading(args.results)
    publish(args.results, BEGIN, END, report.section(), args.write)
    details = report.details()
    if details:
        print(f"\nProblems:\n{details}", file=sys.stderr)
    failures = report.failures()
    print(f"\n{'FAIL: ' + '; '.join(failures) if failures else 'PASS'}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
