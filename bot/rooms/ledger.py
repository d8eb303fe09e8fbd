"""The consent ledger: what a party said in caucus, and how far it has let it go.

Every caucus item (an interest, a position, an option, a red line) starts private.
Its party may mark it shareable (ready, not yet shown) or release it; only released
items reach the joint view, the common ground and the summary. A release cannot be
taken back: the other parties have seen the text, and a ledger that pretended
otherwise would mislead the reviewer reading it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

MAX_ITEM_CHARS = 8000  # the longest item a party can note (the store refuses longer)
MAX_NAME_CHARS = 200  # the longest name a room's party can have (the store refuses longer)


class ItemKind(str, Enum):
    INTEREST = "interest"
    POSITION = "position"
    OPTION = "option"
    RED_LINE = "red_line"


class Share(str, Enum):
    PRIVATE = "private"
    SHAREABLE = "shareable"
    RELEASED = "released"


class LedgerError(ValueError):
    """A change the ledger refuses; the message says why and what is allowed."""


# Where each state may go. Staying put is always allowed (two tabs pressing "share").
NEXT_STATES: dict[Share, frozenset[Share]] = {
    Share.PRIVATE: frozenset({Share.SHAREABLE, Share.RELEASED}),
    Share.SHAREABLE: frozenset({Share.PRIVATE, Share.RELEASED}),
    Share.RELEASED: frozenset(),
}


def parse_kind(value: str) -> ItemKind:
    try:
        return ItemKind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in ItemKind)
        raise LedgerError(f"an item is one of {allowed}, not {value!r}") from None


def parse_share(value: str) -> Share:
    try:
        return Share(value)
    except ValueError:
        allowed = ", ".join(s.value for s in Share)
        raise LedgerError(f"an item's state is one of {allowed}, not {value!r}") from None


def change(current: Share, wanted: Share) -> Share:
    """The state after asking for `wanted`; LedgerError if that move is not allowed."""
    if wanted == current or wanted in NEXT_STATES[current]:
        return wanted
    raise LedgerError(
        f"a {current.value} item cannot become {wanted.value}: "
        "a released item stays released, since the room has seen it"
    )


@dataclass(frozen=True)
class LedgerItem:
    id: int
    party: str
    kind: ItemKind
    text: str
    state: Share


def released(items: Iterable[LedgerItem]) -> list[LedgerItem]:
    """What the joint view, the common ground and the summary may use."""
    return [item for item in items if item.state is Share.RELEASED]
