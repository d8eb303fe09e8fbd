"""One user message as the domain sees it.

The actions read the tracker once per message into a `Turn`
(`actions/session.read_turn`) and pass it down: nothing in `bot/` sees a tracker,
so every decision about a turn is a plain function of this value and can be tested
without Rasa.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Turn:
    text: str  # exactly as typed (the channels keep it in the metadata)
    intent: str | None = None
    confidence: float = 0.0
    entities: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    message_id: str = ""  # the idempotency key of what this message records
    session_id: str | None = None
    step: str | None = None
    party: str | None = None  # the party whose turn it is
    parties: tuple[str, ...] = ()
    training: bool = False

    def entity(self, name: str) -> tuple[str, ...]:
        """The values of entity `name` in this message, in order."""
        return tuple(self.entities.get(name, ()))

    @property
    def speaker(self) -> str | None:
        """The party whose turn it is, else the first party (None before the parties
        are known)."""
        return self.party or (self.parties[0] if self.parties else None)
