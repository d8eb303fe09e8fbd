"""Reading party names from free text: "Riverland and Dryland", "A, B & C"."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_NAME_LENGTH = 120
_LEAD_IN = re.compile(
    r"^\s*(?:(?:the\s+)?(?:two\s+|three\s+|main\s+)?(?:parties|sides)\s+(?:are|is)\s*:?"
    r"|parties\s*:|it'?s\s+between|it\s+is\s+between|between|we\s+have|they\s+are)\s+",
    re.IGNORECASE,
)
_SPLIT = re.compile(
    r"\s*(?:[,;\n/]|\s&\s|\s+and\s+|\s+vs\.?\s+|\s+versus\s+|\s+v\.?\s+)\s*", re.IGNORECASE
)
_TRIM = " \t.!?:\"'“”‘’()[]"


@dataclass(frozen=True)
class PartyParse:
    names: tuple[str, ...]
    duplicates: tuple[str, ...]
    too_long: tuple[str, ...]


def parse_parties(text: str) -> PartyParse:
    """Split a list of names; report duplicates (case-insensitive) and over-long names."""
    # Whitespace runs squeezed first: the split pattern would backtrack over a long run.
    squeezed = re.sub(r"\s*\n\s*", "\n", re.sub(r"[^\S\n]+", " ", text.strip()))
    body = _LEAD_IN.sub("", squeezed, count=1)
    names: list[str] = []
    duplicates: list[str] = []
    too_long: list[str] = []
    seen: set[str] = set()
    for raw in _SPLIT.split(body):
        name = re.sub(r"^(?:and|&)\s+", "", raw.strip(_TRIM), flags=re.IGNORECASE).strip(_TRIM)
        if not name:
            continue
        if len(name) > MAX_NAME_LENGTH:
            too_long.append(name)
            continue
        key = name.casefold()
        if key in seen:
            duplicates.append(name)
            continue
        seen.add(key)
        names.append(name)
    return PartyParse(tuple(names), tuple(duplicates), tuple(too_long))


def merge_parties(existing: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    """Add `new` names after `existing`; return (merged, names already there)."""
    merged = list(existing)
    repeated = []
    keys = {n.casefold() for n in merged}
    for name in new:
        if name.casefold() in keys:
            repeated.append(name)
        else:
            merged.append(name)
            keys.add(name.casefold())
    return merged, repeated


def find_named_party(text: str, parties: list[str]) -> str | None:
    """The party a statement names explicitly, if exactly one is named."""
    lowered = text.casefold()
    named = [p for p in parties if re.search(rf"(?<!\w){re.escape(p.casefold())}(?!\w)", lowered)]
    return named[0] if len(named) == 1 else None


_CONNECTORS = frozenset({"of", "the", "and", "de", "del", "la", "le", "el", "al", "von", "van"})
_FAREWELLS = frozenset({"bye", "goodbye", "farewell", "ciao", "cheers", "thanks", "later", "see"})


def looks_like_party_list(text: str) -> bool:
    """Whether `text` reads as two or more names ("Elmoor, Harnow", "Philippine
    government and MILF"), whatever an intent classifier made of it: a list of names
    opening with capitals answers "who are the parties?" and is never a farewell
    (made-up names were read as `goodbye`) or hostility ("Nationalists and Unionists")."""
    names = parse_parties(text).names
    if len(names) < 2:
        return False
    for name in names:
        words = name.split()
        if not 1 <= len(words) <= 4 or words[0].casefold().strip(_TRIM) in _FAREWELLS:
            return False
        # A name opens with a capital ("Philippine government", "UN peacekeepers");
        # its other words may be common nouns.
        first = words[1] if words[0].casefold() == "the" and len(words) > 1 else words[0]
        if not (first[0].isupper() or first[0].isdigit()):
            return False
    return True
