"""A party's caucus: three questions in turn, and what each answer becomes in the
consent ledger (docs/architecture.md §9).

1. What does the party need or worry about? Each answer is judged as the interests
   step judges a statement (interest, position or option), so a demand is recorded as
   a position and coached towards the interest beneath it.
2. What could it offer? Each answer is an option.
3. What could it never accept? Each answer is a red line.

"done" (or "skip") moves to the next question. Commands and small talk are not
recorded. Everything recorded starts private.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.rooms.ledger import ItemKind

QUESTIONS = ("caucus_interest", "caucus_offer", "caucus_red_line")
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
    if question not in QUESTIONS:
        raise ValueError(f"no caucus question {question!r}; one of {', '.join(QUESTIONS)}")
    if intent in MOVE_ON_INTENTS:
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
