"""A party's caucus: three questions in turn, and what each answer becomes in the
consent ledger (docs/architecture.md §8).

1. What does the party need or worry about? Each answer is judged as the interests
   step judges a statement (interest, position or option), so a demand is recorded as
   a position and coached towards the interest beneath it.
2. What could it offer? Each answer is an option.
3. What could it never accept? Each answer is a red line.

"done" (or "skip") moves to the next question. After the third, the caucus sums up
and stays open: a further note is judged as the first question's answers are, and
"share ..." shares (`share_request`). Commands and small talk are not recorded.
Everything recorded starts private.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.rooms.ledger import ItemKind

QUESTIONS = ("caucus_interest", "caucus_offer", "caucus_red_line")
OPEN_NOTES = "caucus_note"  # after the questions: never filled, so the caucus stays open
SLOTS = (*QUESTIONS, OPEN_NOTES)
# Questions whose answers are judged as the interests step judges a statement.
JUDGED = frozenset({"caucus_interest", OPEN_NOTES})
MOVE_ON_INTENTS = frozenset({"done", "skip_step"})
STATEMENT_KINDS = {
    "interest": ItemKind.INTEREST,
    "position": ItemKind.POSITION,
    "option": ItemKind.OPTION,
}
NOTED = {
    ItemKind.INTEREST: "Noted, privately, as an interest of {party}.",
    ItemKind.OPTION: "Noted, privately, as something {party} could offer.",
    ItemKind.RED_LINE: "Noted, privately, as a red line of {party}.",
}
NOT_NOTED = (
    "I haven't noted that: it doesn't read as something {party} needs, could offer or could "
    "never accept. Could you put it another way? Say “done” to move on."
)
NOTHING_MORE = (
    "Fine: {party}'s notes stay as they are, private until shared. Come back here at any "
    "time to add one, or to share."
)
NO_GOING_BACK = (
    "Nothing to go back to: each question adds to {party}'s private notes. Answer this "
    "one, or say “done” to move on."
)


@dataclass(frozen=True)
class CaucusMove:
    """What to do with one answer: record it as `record` (None: nothing), say `reply`
    (empty: nothing), and whether the question is finished."""

    record: ItemKind | None
    reply: str
    done: bool = False


def caucus_move(
    question: str,
    text: str,
    intent: str | None,
    statement_kind: str | None,
    guard: str | None,
    party: str,
) -> CaucusMove:
    """The move for `text`, given as the answer to `question`. `statement_kind` is the
    interests step's judgement of the text (asked for the first question only);
    `guard` is `bot.mediation.statement_kind.guard`'s reading ("command", "small talk");
    `party` is whose caucus it is, named in the replies."""
    if question not in SLOTS:
        raise ValueError(f"no caucus question {question!r}; one of {', '.join(SLOTS)}")
    if intent in MOVE_ON_INTENTS:
        if question == OPEN_NOTES:  # nothing more for now: the caucus stays open
            return CaucusMove(None, NOTHING_MORE.format(party=party))
        return CaucusMove(None, "", done=True)
    if intent == "go_back":
        return CaucusMove(None, NO_GOING_BACK.format(party=party))
    if not text.strip() or guard in ("command", "small talk"):
        return CaucusMove(None, NOT_NOTED.format(party=party))
    if question == "caucus_offer":
        kind: ItemKind | None = ItemKind.OPTION
    elif question == "caucus_red_line":
        kind = ItemKind.RED_LINE
    else:
        kind = STATEMENT_KINDS.get(statement_kind or "")
    if kind is None:
        return CaucusMove(None, NOT_NOTED.format(party=party))
    if kind is ItemKind.POSITION:
        return CaucusMove(kind, "")  # the caller coaches towards the interest beneath it
    return CaucusMove(kind, NOTED[kind].format(party=party))


# "share these two with the room", "share everything", "release the first and the
# third", "share 2": a request to share, in the party's own words. It must start with
# the verb, and what follows must only name notes (numbers, ordinals, "these two",
# "all"): "share river data 3 times a week" or "share the costs of the second dam"
# stay statements, since a release cannot be undone.
_SHARE = re.compile(
    r"^\s*(?:please\s+)?(?:share|release)\b(?P<what>.*?)"
    r"(?:\s+(?:with|to)\s+(?:the\s+)?(?:room|others|other parties|everyone|all))?"
    r"\s*(?:please)?\s*[.!]?\s*$",
    re.IGNORECASE,
)
_ALL = re.compile(r"^\s*(?:all|everything|all of (?:them|it)|them all)\s*$", re.I)
_LAST = re.compile(r"^\s*(?:these|those|the last|my last)\s+(?P<n>\w+)\s*$", re.I)
_THIS = re.compile(r"^\s*(?:this|that|it|this one|that one|the last one)\s*$", re.I)
_UNNAMED = re.compile(r"^\s*(?:these|those|them|some|some of them)?\s*$", re.I)
_COUNTS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# Words a list of notes may be made of: "notes 1, 2 and 4", "the first and the third".
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_FILLER = frozenset(
    {"and", "&", "the", "note", "notes", "item", "items", "number", "numbers", "no", "one", "ones"}
)


def _listed_notes(what: str) -> list[int] | None:
    """The note numbers `what` lists, in order; None if it says anything else."""
    numbers: list[int] = []
    for token in re.findall(r"[#]?[\w&]+", what.lower().replace(",", " ")):
        token = token.lstrip("#")
        if token.isdigit():
            numbers.append(int(token))
        elif token in _ORDINAL_WORDS:
            numbers.append(_ORDINAL_WORDS[token])
        elif token not in _FILLER:
            return None
    return numbers or None


def share_request(text: str, count: int) -> list[int] | None:
    """The 1-based positions, in the party's notes, of the items a message asks to share
    (all of them for "share everything"); None when the message is no such request; an
    empty list for a request that names no note it has (the party is asked which).
    `count` is how many notes the party has. "These two" are the last two noted."""
    match = _SHARE.match(text)
    if match is None:
        return None
    what = match.group("what").strip(" ,")
    if _ALL.match(what):
        return list(range(1, count + 1))
    if _THIS.match(what):
        return [count] if count else []
    if _UNNAMED.match(what):
        return []
    last = _LAST.match(what)
    if last:
        word = last.group("n").lower()
        n = int(word) if word.isdigit() else _COUNTS.get(word)
        if n is not None:
            return list(range(max(1, count - n + 1), count + 1)) if n <= count else []
    listed = _listed_notes(what)
    if listed is None:
        return None  # a statement that begins with "share": judged as what it says
    if any(not 1 <= n <= count for n in listed):
        return []  # a note it does not have: ask rather than share part of the request
    return list(dict.fromkeys(listed))
