"""What simulated users type: whole mediations as text, sharing nothing with training.

The soak (benchmarks/soak.py) drove the assistant with `/intent` payloads for every
command, and 3 of its 7 interest templates were near-verbatim training lines, so it
measured an easier assistant than people meet. Here every message is typed text,
composed from parts (a subject, a need, what it is for), and every candidate is
checked against `data/nlu`: one that equals a training example, or shares a run of
`NGRAM` words with one, is never used. The phrasings were written once, before any
run, and are not tuned to what the model gets right.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import yaml

NLU_DIR = Path(__file__).resolve().parent.parent / "data" / "nlu"
NGRAM = 5  # words in a row a message may not share with any training example

GREETINGS = ["good morning to you", "hi there, is anyone around?", "hey, morning"]
ACCEPT = ["we can agree to number {n}", "option {n} looks good to us, take it"]
START = [
    "could you walk the two of us through a mediation",
    "we would like a neutral guide for a disagreement between neighbours",
    "I am hoping to set up a mediation between two sides today",
    "can you take us through mediating a quarrel",
    "our two groups want to try mediation with your help",
]
CONSENT = [
    "fine by us, carry on",
    "understood, we agree to that",
    "okay with everyone here, go on",
    "that is acceptable to both of us",
]
DONE_PARTY = [
    "nothing further from this side",
    "I think that covers them",
    "that is the lot for this party",
    "no more for them, next please",
]
CONFIRM = [
    "that captures it well, carry on",
    "fair summary, let us continue",
    "happy with that list, go ahead",
]
FINISH = [
    "those measures will do, please close the session",
    "we have what we need, time to wrap it up",
    "no more measures, let us finish here",
]
WHERE = ["which step is this again?", "remind me where we have got to"]
ANSWER_INTEREST = ["it's an interest", "an interest"]

SUBJECTS = [  # (subject, plural)
    ("{p}", False),
    ("the farmers of {p}", True),
    ("families living in {p}", True),
    ("{p}'s fishing villages", True),
    ("the small traders of {p}", True),
    ("people across {p}", True),
]
NEEDS = [  # (with a plural subject, with a singular one)
    ("cannot get by without {what}", "cannot get by without {what}"),
    ("are counting on {what}", "is counting on {what}"),
    ("depend every single season on {what}", "depends every single season on {what}"),
    ("would be ruined without {what}", "would be ruined without {what}"),
    ("have to be able to rely on {what}", "has to be able to rely on {what}"),
    ("lose sleep over {fear}", "loses sleep over {fear}"),
    ("are anxious above all about {fear}", "is anxious above all about {fear}"),
]
WHAT = [
    "a steady flow of water for the {crop} fields",
    "power that stays on through the {season}",
    "lorries crossing freely at {town}",
    "a fair price for the {goods} they sell abroad",
    "grazing land above {town} when the grass runs short",
    "a healthy {fish} catch in the bay",
    "clinics near {town} that can take more patients",
]
FEARS = [
    "wells in the {region} running dry",
    "jobs vanishing at the {goods} works",
    "children walking past armed patrols near {town}",
    "the {fish} shoals never coming back",
    "winter nights with no heating in the {region}",
]
REASONS = [
    "",
    ", since half the {region} lives from it",
    ", otherwise young people leave for the cities",
    " because the last {season} was a disaster",
]
TOPICS = [
    "who gets the {river} water once the new reservoir fills",
    "herders and farmers quarrelling over the slopes above {town}",
    "boats from two harbours chasing the same {fish} near {town}",
    "a crossing point at {town} that stayed shut all year",
    "duties slapped on {goods} going across the frontier",
    "repairs to the mountain road that links {town} with the valley",
]
OPTIONS = [
    "How about a shared calendar of {data}, published every {period}?",
    "Suppose an outside team audited the {data} every {period}.",
]
PARTS = {
    "river": ["Kora", "Selva", "Mirra", "Tarn", "Vesna", "Oda"],
    "town": ["Sorrel", "Kilden", "Amberley", "Tessin", "Vorra", "Calder"],
    "goods": ["steel", "grain", "timber", "olive oil", "wool", "cement"],
    "crop": ["wheat", "rice", "olive", "maize", "vineyard", "orchard"],
    "region": ["north", "south", "east valley", "coast", "highlands"],
    "fish": ["cod", "herring", "sardine", "trout"],
    "season": ["winter", "dry season", "harvest"],
    "data": ["reservoir levels", "catch tallies", "border wait times", "pasture counts"],
    "period": ["fortnight", "month", "quarter"],
}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _grams(words: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@lru_cache(maxsize=1)
def training_lines(folder: Path = NLU_DIR) -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    """Every NLU training example (normalised), and every run of NGRAM words in them."""
    lines: set[str] = set()
    grams: set[tuple[str, ...]] = set()
    for path in sorted(folder.rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for raw in str(block.get("examples") or "").splitlines():
                text = re.sub(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})", r"\1", raw.strip())
                text = text.removeprefix("- ").strip()
                if text:
                    words = _words(text)
                    lines.add(" ".join(words))
                    grams |= _grams(words, NGRAM)
    return frozenset(lines), frozenset(grams)


def leaks(text: str) -> bool:
    """True when `text` is a training example or shares NGRAM words in a row with one."""
    lines, grams = training_lines()
    words = _words(text)
    return " ".join(words) in lines or bool(_grams(words, NGRAM) & grams)


def fresh(candidates: Iterable[str]) -> list[str]:
    return [c for c in candidates if not leaks(c)]


class Typist:
    """One simulated user's words, from its own random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _fill(self, template: str, **known: str) -> str:
        words = {k: self.rng.choice(v) for k, v in PARTS.items()}
        return template.format(**{**words, **known})

    def pick(self, phrases: Sequence[str], **known: str) -> str:
        """A phrase that shares nothing with training (tries a few draws, then fails)."""
        for _ in range(50):
            text = self._fill(self.rng.choice(phrases), **known)
            if not leaks(text):
                return text
        raise RuntimeError(f"every draw from {phrases[:2]}… repeats training data")

    def interest(self, party: str) -> str:
        for _ in range(50):
            subject, plural = self.rng.choice(SUBJECTS)
            need = self.rng.choice(NEEDS)[0 if plural else 1]
            body = need.format(
                what=self._fill(self.rng.choice(WHAT)), fear=self._fill(self.rng.choice(FEARS))
            )
            text = f"{self._fill(subject, p=party)} {body}{self._fill(self.rng.choice(REASONS))}"
            text = text[0].upper() + text[1:]
            if not leaks(text):
                return text
        raise RuntimeError("could not compose an interest that shares nothing with training")
