"""The real-case evaluation set (`benchmarks/cases/`) and how a run is scored.

Each case is a public dispute written for this product's users: the statements a
facilitator would type per party, labelled with their kind and the party they
belong to, the shared needs and contested objects a mediator would name, and the
catalogue measures that fit. `dev/` (24 cases) may be looked at error by error
while tuning: its first 8 were the dev split from the start, the other 16 were the
first test split until its errors were looked at, which made them dev cases.
`heldout/` (20 cases, written later by someone who had not seen the code) is only
ever scored (figures, never errors).

Scoring, used alike by `calibrate.py` (in process) and `eval_cases.py` (over
REST against the real stack):
- **kind**: a statement's stored kind ("none" when nothing was stored) equals its label;
  a statement the assistant asked about (interest or position?) was not stored, and
  so counts as wrong; how many were asked is reported beside it;
- **attribution**: among labelled statements that were stored, the stored party is
  the party the statement belongs to;
- **shared needs**: a proposed shared-need item *matches* a gold shared need when
  its statements include that need's statements of at least two different parties;
  recall = gold needs matched, precision = proposed items matching some gold need;
- **contested shown as shared**: proposed shared-need or compatible items whose
  statements include claims of one contested object from two different parties;
- **contested named**: gold contested objects for which a contested item holds
  claims of that object from two different parties (recall; no target, as the
  key names the main clash of a case, not every one);
- **measure fit**: one of the first three measures offered is in the case's list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CASES = Path(__file__).resolve().parent / "cases"


@dataclass(frozen=True)
class CaseStatement:
    id: str
    turn: str
    text: str
    kind: str  # interest | position | option | none
    belongs_to: str | None


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    topic: str
    parties: tuple[str, ...]
    statements: tuple[CaseStatement, ...]
    shared_needs: tuple[tuple[str, frozenset[str]], ...]  # (text, statement ids)
    contested: tuple[tuple[str, frozenset[str]], ...]  # (object, statement ids)
    measures: frozenset[str]

    def by_text(self) -> dict[str, CaseStatement]:
        return {s.text: s for s in self.statements}


def load_cases(split: str) -> list[Case]:
    """The cases of one split ("dev" or "heldout"), in file-name order."""
    cases = []
    for path in sorted((CASES / split).glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases.append(
            Case(
                id=raw["id"],
                title=raw["title"],
                topic=raw["topic"],
                parties=tuple(raw["parties"]),
                statements=tuple(
                    CaseStatement(s["id"], s["turn"], s["text"], s["kind"], s.get("belongs_to"))
                    for s in raw["statements"]
                ),
                shared_needs=tuple(
                    (n["text"], frozenset(n["statements"])) for n in raw.get("shared_needs") or []
                ),
                contested=tuple(
                    (c["object"], frozenset(c["statements"])) for c in raw.get("contested") or []
                ),
                measures=frozenset(raw["measures"]),
            )
        )
    return cases


@dataclass(frozen=True)
class Outcome:
    """What the assistant did with one case: stored statements and proposals."""

    stored: dict[str, tuple[str, str]]  # text -> (kind, party)
    shared: list[frozenset[str]]  # statement texts of each proposed shared need
    compatible: list[frozenset[str]]
    measures: list[str]  # ids offered, in order
    asked: set[str] = field(default_factory=set)  # texts the assistant asked about
    contested: list[frozenset[str]] = field(default_factory=list)  # texts of each item


@dataclass
class Tally:
    kind_right: int = 0
    kind_total: int = 0
    party_right: int = 0
    party_total: int = 0
    needs_found: int = 0
    needs_total: int = 0
    items_right: int = 0
    items_total: int = 0
    contested_as_shared: int = 0
    contested_named: int = 0
    contested_total: int = 0
    measure_fit: int = 0
    cases: int = 0
    asked: int = 0

    def add(self, case: Case, outcome: Outcome) -> list[str]:
        """Score one case; returns its errors as lines (print them for dev cases only)."""
        errors: list[str] = []
        ids = {s.text: s.id for s in case.statements}
        party_of = {s.id: s.belongs_to for s in case.statements}
        self.cases += 1
        self.asked += len(outcome.asked)
        for s in case.statements:
            kind, party = outcome.stored.get(s.text, ("none", None))
            self.kind_total += 1
            if kind == s.kind:
                self.kind_right += 1
            else:
                errors.append(f"kind {s.id}: {kind} for {s.kind}: {s.text}")
            if s.kind != "none" and kind != "none":
                self.party_total += 1
                if party == s.belongs_to:
                    self.party_right += 1
                else:
                    errors.append(f"party {s.id}: {party} for {s.belongs_to}: {s.text}")

        def parties_in(statement_ids: Iterable[str]) -> set[str]:
            return {party_of[i] for i in statement_ids if party_of.get(i)}

        proposed = [frozenset(ids[t] for t in item if t in ids) for item in outcome.shared]
        for text, gold in case.shared_needs:
            self.needs_total += 1
            if any(len(parties_in(gold & item)) >= 2 for item in proposed):
                self.needs_found += 1
            else:
                errors.append(f"shared need missed: {text}")
        for item in proposed:
            self.items_total += 1
            if any(len(parties_in(gold & item)) >= 2 for _, gold in case.shared_needs):
                self.items_right += 1
            else:
                errors.append(f"shared need not in the key: {sorted(item)}")
        as_shared = proposed + [
            frozenset(ids[t] for t in item if t in ids) for item in outcome.compatible
        ]
        for obj, gold in case.contested:
            if any(len(parties_in(gold & item)) >= 2 for item in as_shared):
                self.contested_as_shared += 1
                errors.append(f"contested shown as shared: {obj}")
        named = [frozenset(ids[t] for t in item if t in ids) for item in outcome.contested]
        for obj, gold in case.contested:
            self.contested_total += 1
            if any(len(parties_in(gold & item)) >= 2 for item in named):
                self.contested_named += 1
            else:
                errors.append(f"contested not named: {obj}")
        if set(outcome.measures[:3]) & case.measures:
            self.measure_fit += 1
        else:
            errors.append(f"no fitting measure in the first three: {outcome.measures[:3]}")
        return errors

    def figures(self) -> dict[str, float | int]:
        def share(a: int, b: int) -> float:
            return round(a / b, 3) if b else 0.0

        return {
            "cases": self.cases,
            "statements": self.kind_total,
            "kind_accuracy": share(self.kind_right, self.kind_total),
            "asked_interest_or_position": self.asked,
            "attribution_accuracy": share(self.party_right, self.party_total),
            "shared_need_recall": share(self.needs_found, self.needs_total),
            "shared_need_precision": share(self.items_right, self.items_total),
            "shared_needs_proposed": self.items_total,
            "contested_as_shared": self.contested_as_shared,
            "contested_named": share(self.contested_named, self.contested_total),
            "measure_fit_top3": share(self.measure_fit, self.cases),
        }


TARGETS = {
    "kind_accuracy": 0.95,
    "attribution_accuracy": 1.0,
    "shared_need_recall": 0.80,
    "shared_need_precision": 0.80,
    "measure_fit_top3": 0.90,
}


def shortfalls(figures: dict, targets: dict = TARGETS) -> list[str]:
    lines = [
        f"{name} {figures[name]} is below the target {target}"
        for name, target in targets.items()
        if figures[name] < target
    ]
    if figures["contested_as_shared"]:
        lines.append(f"contested_as_shared is {figures['contested_as_shared']}, target 0")
    return lines


def table(rows: Sequence[tuple[str, dict]]) -> list[str]:
    """A Markdown table: one column per labelled figure set."""
    names = list(rows[0][1])
    out = ["| | " + " | ".join(label for label, _ in rows) + " |"]
    out.append("|---|" + "---|" * len(rows))
    for name in names:
        out.append(f"| {name} | " + " | ".join(str(r[name]) for _, r in rows) + " |")
    return out
