"""Resolving which listed item a user means: "the second", "2", "accept the hotline"."""

from __future__ import annotations

import re
from collections.abc import Sequence

ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "last": -1,
}
# Cardinal words are too common ("the two parties") to count unless introduced.
CARDINALS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_INTRODUCERS = frozenset({"number", "no", "option", "measure", "item", "point", "#"})
_TOKEN = re.compile(r"[#]?\w+", re.UNICODE)
_TITLE_STOP = frozenset(
    ["a", "an", "the", "of", "and", "or", "for", "to", "in", "on", "with", "between", "by", "joint"]
)


def referenced_numbers(text: str, count: int) -> list[int]:
    """1-based item numbers mentioned in `text`, within 1..count, in order of mention."""
    found: list[int] = []
    previous = ""
    number: int | None
    for raw in _TOKEN.findall(text.lower()):
        token = raw.lstrip("#")
        if token.isdigit():
            number = int(token)
        elif token in CARDINALS and (previous in _INTRODUCERS or raw.startswith("#")):
            number = CARDINALS[token]
        else:
            number = ORDINALS.get(token)
        previous = token
        if number == -1:
            number = count
        if number and 1 <= number <= count and number not in found:
            found.append(number)
    return found


def match_titles(text: str, titles: Sequence[str]) -> list[int]:
    """1-based indexes of titles sharing a distinctive word with `text`, if unambiguous."""
    words = {w for w in _TOKEN.findall(text.lower()) if len(w) > 3} - _TITLE_STOP
    scores = []
    for index, title in enumerate(titles, start=1):
        title_words = {w for w in _TOKEN.findall(title.lower()) if len(w) > 3} - _TITLE_STOP
        scores.append((len(words & title_words), index))
    best = max((s for s, _ in scores), default=0)
    winners = [i for s, i in scores if s == best and best > 0]
    return winners if len(winners) == 1 else []
