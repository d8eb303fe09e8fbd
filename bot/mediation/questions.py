"""Whether a message is a question put to a party, and the question itself.

In training, a party answers in its own voice; in a live mediation the assistant
says it cannot answer for a party. Either way the interests step first has to tell
"ask Riverland what it needs" and "Highvale needs power?" from a statement, which
these checks do (NLU's `ask_party` is checked against them).
"""

from __future__ import annotations

import re

_PREFIX = (
    r"^(?:(?:ok(?:ay)?|so|now|next|then|right|alright)[,\s]+)?"
    r"(?:(?:i'?d|i\s+would|i)\s+(?:like|want)\s+to\s+|let\s+me\s+|can\s+i\s+|could\s+i\s+"
    r"|may\s+i\s+|i'?ll\s+|i\s+will\s+)?"
)


def normalise(text: str) -> str:
    return re.sub(r"[’‘`´]", "'", text).strip().casefold()


def question_body(text: str, party: str) -> str:
    """The question itself, without "ask Riverland", "Riverland:" or "question for Riverland"."""
    body = normalise(text)
    name = re.escape(party.casefold())
    for pattern in (
        _PREFIX + rf"(?:ask|question)\s+(?:the\s+)?(?:(?:delegation|people|government)\s+of\s+)?"
        rf"{name}(?:'s?\s+(?:delegation|negotiators?|side|government))?\s*[:,\-–]?\s*",
        rf"^(?:a\s+|my\s+)?question\s+(?:to|for)\s+(?:the\s+)?{name}\s*[:,\-–]?\s*",
        rf"^(?:to|for)\s+(?:the\s+)?{name}\s*[:,\-–]\s*",
        rf"^(?:(?:dear|hello|hi)\s+)?{name}\s*[:,\-–]\s*",
    ):
        stripped = re.sub(pattern, "", body, count=1)
        if stripped != body:
            return stripped.strip()
    return body


_ASKING = re.compile(
    r"^(?:ask|question|let\s+me\s+ask|i'?d\s+like\s+to\s+ask|i\s+want\s+to\s+ask|tell\s+me|"
    r"help\s+me|explain|describe|walk\s+me|what|why|how|which|who|where|when|"
    r"do|does|did|is|are|was|were|will|would|can|could|should|shall|have|has|"
    r"don't|doesn't|isn't|aren't|won't|wouldn't|can't|surely)\b"
)


def looks_like_question(text: str, party: str | None) -> bool:
    """A check on NLU's `ask_party`: "Highvale needs electricity" is a statement even if
    the classifier, seeing a party's name, took it for a question."""
    normalised = normalise(text)
    if normalised.rstrip().endswith("?"):
        return True
    body = question_body(text, party) if party else normalised
    return body != normalised or bool(_ASKING.match(body))


_ASK_PREFIX = re.compile(
    r"^(?:(?:let\s+me|i'?d\s+like\s+to|i\s+want\s+to|can\s+i|could\s+i|i'?ll)\s+)?"
    r"(?:ask|question\s+(?:to|for))\b"
)


def plainly_a_question(text: str) -> bool:
    """Marked as a question whatever NLU says: a question mark, or "ask X …"."""
    normalised = normalise(text)
    return normalised.endswith("?") or bool(_ASK_PREFIX.match(normalised))
