"""The negotiating text's votes: each clause's status and its consensus score.

Each party votes on the current version of each clause: it *can live with* it, it
*needs change* (with a comment), or it *cannot accept* it. A clause is agreed when
every party has voted on its current version and none cannot accept it.

Clauses are ordered by a group-informed consensus score, as Pol.is orders statements:
the product over the parties of each party's agreement. Pol.is smooths each opinion
group's agreement because a group has many voters; in a room each party is one voter,
so its agreement is its vote: 1 for *can live with*, 0.5 for *needs change*, 0 for
*cannot accept*, and 0.5 (not known yet) before it votes. One party's *cannot accept*
makes the product 0, so a clause one party rejects outright ranks below every clause
nobody rejects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum


class Vote(str, Enum):
    CAN_LIVE_WITH = "can_live_with"
    NEEDS_CHANGE = "needs_change"
    CANNOT_ACCEPT = "cannot_accept"


class ClauseStatus(str, Enum):
    VOTING = "voting"  # some party has not voted on this version yet
    AGREED = "agreed"  # every party voted, none cannot accept
    BLOCKED = "blocked"  # a party cannot accept it


AGREEMENT = {Vote.CAN_LIVE_WITH: 1.0, Vote.NEEDS_CHANGE: 0.5, Vote.CANNOT_ACCEPT: 0.0}
NOT_VOTED = 0.5


class VoteError(ValueError):
    """A vote the text refuses; the message says why."""


def parse_vote(value: str) -> Vote:
    try:
        return Vote(value)
    except ValueError:
        allowed = ", ".join(v.value for v in Vote)
        raise VoteError(f"a vote is one of {allowed}, not {value!r}") from None


def consensus_score(votes: Mapping[str, Vote], parties: Sequence[str]) -> float:
    """The product over `parties` of each one's agreement (0 to 1)."""
    score = 1.0
    for party in parties:
        vote = votes.get(party)
        score *= NOT_VOTED if vote is None else AGREEMENT[vote]
    return score


def clause_status(votes: Mapping[str, Vote], parties: Sequence[str]) -> ClauseStatus:
    cast = [votes[p] for p in parties if p in votes]
    if Vote.CANNOT_ACCEPT in cast:
        return ClauseStatus.BLOCKED
    if len(cast) < len(parties) or not parties:
        return ClauseStatus.VOTING
    return ClauseStatus.AGREED


@dataclass(frozen=True)
class ClauseStanding:
    number: int
    version: int
    text: str
    votes: Mapping[str, Vote]
    score: float
    status: ClauseStatus


def standing(
    number: int, version: int, text: str, votes: Mapping[str, Vote], parties: Sequence[str]
) -> ClauseStanding:
    return ClauseStanding(
        number, version, text, dict(votes), consensus_score(votes, parties),
        clause_status(votes, parties),
    )  # fmt: skip


def ranked(clauses: Sequence[ClauseStanding]) -> list[ClauseStanding]:
    """Highest consensus first; equal scores keep the text's own order."""
    return sorted(clauses, key=lambda c: (-c.score, c.number))


def check_vote(vote: Vote, comment: str | None) -> str | None:
    """The comment to keep: *needs change* must say what change."""
    text = (comment or "").strip()
    if vote is Vote.NEEDS_CHANGE and not text:
        raise VoteError('say what needs to change: a "needs change" vote carries a comment')
    return comment if text else None
