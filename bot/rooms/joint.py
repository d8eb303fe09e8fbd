"""The joint view's analysis: the common ground found in what the parties released,
and the confidence-building measures that fit it (docs/architecture.md §8).

The same analysis as a one-device mediation's (issue 9's shared needs, compatible
interests and contested ground; the measure ranking), fed only with released items:
what a party keeps private never shapes what the others see.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge import Knowledge
from bot.mediation.analysis import Analyser
from bot.mediation.common_ground import (
    COMPATIBLE,
    CommonGroundItem,
    MeasureText,
    Said,
    find_common_ground,
)
from bot.mediation.ranking import CaseProfile, measure_text, rank_measures
from bot.mediation.semantics import Semantics
from bot.rooms.ledger import (
    MAX_ITEM_CHARS,
    MAX_NAME_CHARS,
    ItemKind,
    LedgerItem,
    Share,
    released,
)

MEASURES_SHOWN = 5
STATEMENT_KINDS = {ItemKind.INTEREST: "interest", ItemKind.POSITION: "position"}
# The most the action server analyses in one request: it runs on its event loop, and
# comparing interests is quadratic in their number. Measured at this bound: 1.6 s for
# 200 texts new to it (most of it encoding them), 0.07 s once their vectors are kept.
MAX_PARTIES = 50
MAX_ITEMS = 200
# The largest request within those limits, as the web app encodes it (UTF-8 JSON):
# a character takes at most six bytes (a control character escaped as \u00XX), and
# each item carries its party's name and its field names besides its text.
MAX_REQUEST_BYTES = 6 * (
    MAX_ITEMS * (MAX_ITEM_CHARS + MAX_NAME_CHARS + 64) + MAX_PARTIES * (MAX_NAME_CHARS + 4)
)


@dataclass(frozen=True)
class JointAnalysis:
    common_ground: tuple[CommonGroundItem, ...]
    measures: tuple[dict, ...]  # id, title, reason

    def as_view(self) -> dict:
        return {
            "common_ground": [
                {"kind": c.kind, "text": c.text, "parties": list(c.parties)}
                for c in self.common_ground
            ],
            "measures": list(self.measures),
        }


EMPTY = JointAnalysis((), ())


# -- the request the web app sends the action server (docs/architecture.md §8) -----------
def analysis_request(items: Sequence[LedgerItem], parties: Sequence[str]) -> dict:
    """What the analysis of a room needs, as JSON: the released items alone, so nothing
    private leaves the web app."""
    return {
        "parties": list(parties),
        "items": [
            {"party": i.party, "kind": i.kind.value, "text": i.text} for i in released(items)
        ],
    }


class AnalysisRequestError(ValueError):
    """A request the analysis cannot use; the message says what to send instead."""


def read_analysis_request(body: object) -> tuple[list[LedgerItem], list[str]]:
    """The released items and the parties of an `analysis_request`, checked."""
    example = '{"parties": ["A"], "items": [{"party": "A", "kind": "interest", "text": "..."}]}'
    if not isinstance(body, dict):
        raise AnalysisRequestError(f"send a JSON object, e.g. {example}")
    parties, items = body.get("parties"), body.get("items")
    if not isinstance(parties, list) or not all(isinstance(p, str) for p in parties):
        raise AnalysisRequestError('"parties" must be a list of names')
    if any(len(p) > MAX_NAME_CHARS for p in parties):
        raise AnalysisRequestError(f"a party's name is over {MAX_NAME_CHARS} characters")
    if not isinstance(items, list):
        raise AnalysisRequestError('"items" must be a list of items')
    if len(parties) > MAX_PARTIES or len(items) > MAX_ITEMS:
        raise AnalysisRequestError(
            f"they are worked out for up to {MAX_ITEMS} shared items and {MAX_PARTIES} "
            f"parties, and this room has {len(items)} and {len(parties)}"
        )
    kinds = {k.value: k for k in ItemKind}
    read: list[LedgerItem] = []
    for number, item in enumerate(items, start=1):
        fields = item if isinstance(item, dict) else {}
        party, kind, text = fields.get("party"), fields.get("kind"), fields.get("text")
        if not (
            isinstance(party, str)
            and isinstance(text, str)
            and isinstance(kind, str)
            and kind in kinds
        ):
            raise AnalysisRequestError(
                f'item {number} must be an object with a "party" and a "text" (both text) '
                f'and a "kind" of {", ".join(kinds)}'
            )
        if len(party) > MAX_NAME_CHARS:
            raise AnalysisRequestError(f"item {number}'s party is over {MAX_NAME_CHARS} characters")
        if len(text) > MAX_ITEM_CHARS:
            raise AnalysisRequestError(f"item {number} is over {MAX_ITEM_CHARS} characters")
        read.append(LedgerItem(number, party, kinds[kind], text, Share.RELEASED))
    return read, parties


class JointAnalyst:
    """The analysis for a set of released items, kept for the last sets seen: every
    open view asks again at each change, and the released set changes seldom."""

    def __init__(self, semantics: Semantics, analyser: Analyser, knowledge: Knowledge) -> None:
        self.semantics = semantics
        self.analyser = analyser
        self.knowledge = knowledge
        self.measure_texts = [
            MeasureText(m.id, m.title, measure_text(m)) for m in knowledge.measures.values()
        ]
        self._cache: dict[tuple, JointAnalysis] = {}
        self._lock = threading.Lock()

    def analyse(self, items: Sequence[LedgerItem], parties: Sequence[str]) -> JointAnalysis:
        shared = [i for i in items if i.state is Share.RELEASED and i.party in parties]
        if not shared:
            return EMPTY
        key = (tuple(parties), tuple((i.party, i.kind, i.text) for i in shared))
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        found = self._compute(shared, parties)
        with self._lock:
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[key] = found
        return found

    def _compute(self, shared: Sequence[LedgerItem], parties: Sequence[str]) -> JointAnalysis:
        said = [
            Said(i.party, STATEMENT_KINDS[i.kind], i.text)
            for i in shared
            if i.kind in STATEMENT_KINDS
        ]
        analyses = {t: self.analyser.analyse(t) for t in {s.text for s in said}}
        ground = find_common_ground(
            said,
            parties,
            self.semantics,
            self.measure_texts,
            {t: tuple(a.topics) for t, a in analyses.items()},
        )
        points = [c for c in ground if c.kind != COMPATIBLE]
        case = CaseProfile.from_analyses(
            [self.analyser.analyse(i.text) for i in shared if i.kind is not ItemKind.RED_LINE],
            {t for c in points for t in c.topics},
            [s.text for c in points for s in c.statements],
        )
        ranked = rank_measures(
            self.knowledge.measures.values(), case, self.knowledge.topics, semantics=self.semantics
        )[:MEASURES_SHOWN]
        return JointAnalysis(
            tuple(ground),
            tuple(
                {"id": r.measure.id, "title": r.measure.title, "reason": r.reason} for r in ranked
            ),
        )
