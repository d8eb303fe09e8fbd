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

# An obligation put on the subject: the speaker's demand, not the subject's need.
_DEMAND = re.compile(
    r"\b(?:must|has to|have to|had to|should|shall|ought to|is to|are to|will have to|"
    r"is required to|are required to|is obliged to|cannot be allowed)\b",
    re.IGNORECASE,
)
# "China needs to pull back" is a demand of China too; "Serbs in the north need to move
# freely" is the Serbs' need. So "need to" is a demand only of the party by its name.
_NEED_TO = re.compile(
    r"\bneeds? to(?!\s+(?:know|be sure|feel|have|plan|see|understand|trust|be able|rely|"
    r"count|feed|protect|keep|survive|live|earn|sell|reach|get|irrigate|fish|grow))\b",
    re.IGNORECASE,
)
# Verbs and phrases that state a need, fear or concern of their subject.
_NEED = re.compile(
    r"\b(?:needs?|wants?|depends?|depend|relies|rely|fears?|worries|worry|is worried|"
    r"are worried|is afraid|are afraid|is concerned|are concerned|cares?|hopes?|"
    r"requires?|lives? (?:from|off|on)|counts? on|is desperate|are desperate|"
    r"cannot afford|can't afford|is struggling|are struggling|suffers?|is losing|"
    r"are losing|has lost|have lost|would lose|could lose|is short of|are short of|"
    r"makes? (?:a|their|its) living|earns? (?:a|their|its) living)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.;:!?]|,\s*(?:but|so|and|because|while|whereas)\b|\b(?:but|because)\b")
_LEAD = re.compile(
    r"^\s*(?:i think|we know|we understand|we accept that|we recognise that|"
    r"we recognize that|to be fair,?|in fairness,?|honestly,?|of course,?|the)\s+(?:that\s+)?",
    re.IGNORECASE,
)
_POSSESSOR = r"(?:'s|’s|'|’)?"


_DEMONYM_ENDINGS = "(?:s|n|ns|an|ans|ian|ians|ese|i|is|ic|ish|ar|ars)?"
# Words of a party's name too general to stand for it ("the United …", "… Republic").
_GENERIC_WORDS = """united republic kingdom states state union people peoples government
democratic federal islamic arab north south east west new the and of"""
_GENERIC = frozenset(_GENERIC_WORDS.split())


def name_pattern(party: str, others: Sequence[str] = ()) -> str:
    """A regular expression for `party` and the words that stand for it: "Thai" for
    Thailand, "Chinese" for China, "Serbs" for Serbia, "European" for the European
    Union, "the refugees" for Rohingya refugees. Capital cities and regions
    ("Beijing", "the people of Hull") are not recognised."""
    forms = {re.escape(party)}
    words = party.split()
    taken = {other.casefold() for other in others if other != party}  # "Sudan" in South Sudan
    if len(words) == 1:
        stems = {party, party.rstrip("aeiou"), party.removesuffix("land"), party.removesuffix("ia")}
        forms |= {re.escape(stem) + _DEMONYM_ENDINGS for stem in stems if len(stem) >= 4}
    else:
        forms |= {
            re.escape(word) + (_DEMONYM_ENDINGS if word[:1].isupper() else "")
            for word in words
            if len(word) >= 4 and word.casefold() not in _GENERIC | taken
        }
    return "(?:" + "|".join(sorted(forms, key=len, reverse=True)) + ")"


def _subject_end(head: str, party: str, others: Sequence[str] = ()) -> int | None:
    """Where `party` (or its people: "Sudan's farmers", "the farmers of Sudan", "Thai
    villagers") ends as the subject that opens `head`, or None when it does not."""
    name = name_pattern(party, others)
    found = re.match(
        rf"(?i:the\s+)?(?:{name}{_POSSESSOR}(?=\W)|(?i:[\w-]+\s+){{1,3}}(?i:of|in|from)\s+{name}\b)",
        head,
    )
    return found.end() if found else None


def opens_with(text: str, party: str, parties: Sequence[str] = ()) -> bool:
    """True when `party` (or its people) is the subject that opens `text`: "India needs
    to build roads", typed during India's turn, is India's own need, not a demand."""
    head = _LEAD.sub("", " ".join(text.split()), count=1)
    return _subject_end(head, party, [party, *parties]) is not None


def attribute(text: str, kind: str, speaker: str, parties: Sequence[str]) -> str:
    """The party a statement of `kind`, typed during `speaker`'s turn, belongs to."""
    if kind != "interest":
        return speaker  # demands, stances and proposals are the speaker's own
    head = _LEAD.sub("", " ".join(text.split()), count=1)
    first_clause = _CLAUSE_END.split(head, maxsplit=1)[0]
    # The longest name that opens the clause: "Sudan's farmers" is Sudan's, not South
    # Sudan's, and the speaker's own name keeps the statement with the speaker.
    everyone = [speaker, *parties]
    ends = {party: _subject_end(first_clause, party, everyone) for party in everyone}
    own = ends[speaker] or 0
    for party in sorted(parties, key=lambda p: -(ends[p] or 0)):
        end = ends[party]
        if party.casefold() == speaker.casefold() or end is None or end <= own:
            continue
        if own and not re.match(rf"(?i:the\s+)?{name_pattern(party, everyone)}", first_clause):
            continue  # "Russian speakers in Estonia", in Russia's turn: Russia's own people
        rest = first_clause[end:]
        by_name = re.fullmatch(rf"(?i:the\s+)?{re.escape(party)}", first_clause[:end])
        if _DEMAND.search(rest) or (by_name and _NEED_TO.search(rest)):
            return speaker  # "Sudan needs to accept…" is a demand made of Sudan
        if _NEED.search(rest):
            return party
    return speaker


def addressee(text: str, speaker: str, parties: Sequence[str]) -> str | None:
    """The other party a demand is made of ("India has to halt the build-up…", typed in
    China's turn, is addressed to India), or None. A demand of a party about what
    that party says it needs is where the two clash."""
    head = _LEAD.sub("", " ".join(text.split()), count=1)
    first_clause = _CLAUSE_END.split(head, maxsplit=1)[0]
    everyone = [speaker, *parties]
    for party in sorted(parties, key=len, reverse=True):
        if party.casefold() == speaker.casefold():
            continue
        end = _subject_end(first_clause, party, everyone)
        if end is None:
            continue
        rest = first_clause[end:]
        by_name = re.fullmatch(rf"(?i:the\s+)?{re.escape(party)}", first_clause[:end])
        if _DEMAND.search(rest) or (by_name and _NEED_TO.search(rest)):
            return party
    return None
