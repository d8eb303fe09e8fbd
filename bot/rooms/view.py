"""What one participant's screen shows of a room, built from the whole record and
filtered by `bot.rooms.access`: the one place that decides what leaves the server,
for the page, its JSON and its live updates alike.

Votes on the negotiating text belong to the joint session, so every participant sees
every party's vote and comment; only the ledger is private.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.rooms.access import Role, Viewer, sees_state, visible_text
from bot.rooms.consensus import ClauseStanding, ranked
from bot.rooms.ledger import LedgerItem, Share


@dataclass(frozen=True)
class RoomRecord:
    """Everything stored about a room at one revision."""

    room_id: str
    topic: str
    status: str
    parties: Sequence[str]
    items: Sequence[LedgerItem]
    text: Sequence[ClauseStanding]
    comments: Mapping[tuple[int, int], Mapping[str, str]]  # (clause, version) -> party -> comment
    confirmed: Sequence[str] = ()  # parties that confirmed the text as it reads now


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def final_text(text: Sequence[ClauseStanding]) -> str:
    """The negotiating text as one would sign it: its clauses in order, numbered."""
    return "\n".join(f"{c.number}. {c.text}" for c in sorted(text, key=lambda c: c.number))


def room_view(
    record: RoomRecord, viewer: Viewer, name: str, analysis: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """`analysis` is the joint analysis of the released items (`bot.rooms.joint`): the
    same for every viewer, since only released items feed it."""
    items = [i for i in record.items if sees_state(i, viewer)]
    view: dict[str, Any] = {
        # No revision and no id of another party's item: either would let a party
        # count the changes another party makes in private.
        "room": {"id": record.room_id, "topic": record.topic, "status": record.status},
        "me": {"role": viewer.role.value, "name": name},
        "parties": list(record.parties),
        "joint": [
            {"party": i.party, "kind": i.kind.value, "text": i.text}
            for i in items
            if i.state is Share.RELEASED
        ],
        "text": [
            {
                "number": c.number,
                "version": c.version,
                "text": c.text,
                "status": c.status.value,
                "score": round(c.score, 4),
                "votes": {party: vote.value for party, vote in c.votes.items()},
                "comments": dict(record.comments.get((c.number, c.version), {})),
            }
            for c in sorted(record.text, key=lambda c: c.number)
        ],
        "ranking": [c.number for c in ranked(list(record.text))],
        "analysis": dict(analysis or {"common_ground": [], "measures": []}),
        "final_text": final_text(record.text),
        # What a party sends back to confirm exactly this text (SHA-256 of it).
        "final_text_digest": text_digest(final_text(record.text)),
        # Who confirmed the text as it reads now (the joint session's, like the votes).
        "confirmed": list(record.confirmed),
    }
    if viewer.role is Role.PARTY:
        view["caucus"] = [
            {
                "id": i.id,
                "kind": i.kind.value,
                "text": visible_text(i, viewer),
                "state": i.state.value,
            }
            for i in items
            if i.party == viewer.party
        ]
    if viewer.role in (Role.FACILITATOR, Role.REVIEWER):
        view["ledger"] = [
            {
                "id": i.id,
                "party": i.party,
                "kind": i.kind.value,
                "state": i.state.value,
                "text": visible_text(i, viewer),
            }
            for i in items
        ]
    return view
