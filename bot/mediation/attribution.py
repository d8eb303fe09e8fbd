"""Whose statement it is: the party whose turn it is, unless the text is plainly about
another party's own needs.

"China must withdraw all its troops" typed during India's turn names China, but it
is India's demand: a demand made *of* a party stays with the speaker. Only an
interest whose subject is another party's needs ("Dryland's farmers need…",
"Sudan depends on the dam's releases") moves to that party.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A demand or obligation put on the subject: the speaker's position, not the subject's need.
_DEMAND = re.compile(
    r"\b(?:must|has to|have to|had to|should|shall|ought to|needs? to(?!\s+(?:know|be sure|"
    r"feel|have|plan|see|understand|trust|be able|rely|count|feed|protect|keep|survive|live|"
    r"earn|sell|reach|get|irrigate|fish|grow))|is to|are to|"
    r"will have to|is required to|are required to|is obliged to|cannot be allowed)\b",
    re.IGNORECASE,
)
# Verbs and phrases that state a need, fear or concern of their subject.
_NEED = re.compile(
    r"\b(?:needs?|wants?|depends?|depend|relies|rely|fears?|worries|worry|is worried|"
    r"are worried|is afraid|are afraid|is concerned|are concerned|cares?|hopes?|"
    r"requires?|lives? (?:from|off|on)|counts? on|is desperate|are desperate|"
    r"cannot afford|can't afford|is struggling|are struggling|suffers?|is losing|"
    r"are losing|has lost|have lost|would lose|could lose|is short of|are short of)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.;:!?]|,\s*(?:but|so|and|because|while|whereas)\b|\b(?:but|because)\b")
_LEAD = re.compile(
    r"^\s*(?:i think|we know|we understand|we accept that|we recognise that|"
    r"we recognize that|to be fair,?|in fairness,?|honestly,?|of course,?|the)\s+",
    re.IGNORECASE,
)
_POSSESSOR = r"(?:'s|’s|'|’)?"


def _subject_end(head: str, party: str) -> int | None:
    """Where `party` (or its people: "Sudan's farmers", "the farmers of Sudan") ends as
    the subject that opens `head`, or None when the sentence does not open with it."""
    name = re.escape(party)
    found = re.match(
        rf"(?:the\s+)?(?:{name}{_POSSESSOR}(?=\W)|(?:[\w-]+\s+){{1,3}}(?:of|in|from)\s+{name}\b)",
        head,
        re.IGNORECASE,
    )
    return found.end() if found else None


def attribute(text: str, kind: str, speaker: str, parties: Sequence[str]) -> str:
    """The party a statement of `kind`, typed during `speaker`'s turn, belongs to."""
    if kind != "interest":
        return speaker  # demands, stances and proposals are the speaker's own
    head = _LEAD.sub("", text.strip(), count=1)
    first_clause = _CLAUSE_END.split(head, maxsplit=1)[0]
    for party in parties:
        if party.casefold() == speaker.casefold():
            continue
        end = _subject_end(first_clause, party)
        if end is None:
            continue
        rest = first_clause[end:]
        if _DEMAND.search(rest):
            return speaker  # "Sudan needs to accept…" is a demand made of Sudan
        if _NEED.search(rest):
            return party
    return speaker
