"""Who sees what in a room, and the links that say who someone is.

A link is its token: 256 random bits, URL-safe. The database keeps only the token's
SHA-256 digest, so a copy of the database opens no room. Whoever holds a party's link
is that party; the facilitator's link opens the facilitator's view.

- A party reads its own caucus whole and, of the others, only what they released.
- The facilitator reads released items and sees the state of every item, never the
  text of one that is not released.
- A reviewer (signed in to the reviewer UI) reads everything, after the fact.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass
from enum import Enum

from bot.rooms.ledger import LedgerItem, Share

TOKEN_BYTES = 32  # 256 bits; the issue asks for at least 128
TOKEN_LENGTH = 43  # URL-safe base64 of 32 bytes, unpadded
TOKEN_ALPHABET = frozenset(string.ascii_letters + string.digits + "-_")


class Role(str, Enum):
    PARTY = "party"
    FACILITATOR = "facilitator"
    REVIEWER = "reviewer"


@dataclass(frozen=True)
class Viewer:
    role: Role
    party: str | None = None  # the party's name, for Role.PARTY


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str | None:
    """The stored form of a link's token; None for what cannot be one (wrong length or
    alphabet), so a malformed link is refused before any query."""
    if len(token) != TOKEN_LENGTH or not all(c in TOKEN_ALPHABET for c in token):
        return None
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def visible_text(item: LedgerItem, viewer: Viewer) -> str | None:
    """The item's text as `viewer` may read it, or None where it must not reach them."""
    if viewer.role is Role.REVIEWER or item.state is Share.RELEASED:
        return item.text
    if viewer.role is Role.PARTY and viewer.party == item.party:
        return item.text
    return None


def sees_state(item: LedgerItem, viewer: Viewer) -> bool:
    """Whether `viewer` may know the item exists and its state: not another party's
    private item (its very existence is caucus)."""
    if viewer.role is not Role.PARTY:
        return True
    return viewer.party == item.party or item.state is Share.RELEASED
