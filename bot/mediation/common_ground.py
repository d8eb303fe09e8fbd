"""Common ground as a mediator means it, in three kinds, each with its evidence.

- **Shared needs**: interests of different parties that mean the same thing (their
  content words align, `Semantics.alignment`, above `SHARED_NEED_ALIGNMENT`), stated
  once, in neutral words.
- **Compatible interests**: different needs that one catalogue measure can serve
  together (electricity for one party, predictable releases for another): the
  basis for a package.
- **Contested ground**: the same object claimed by several parties (a territory,
  a shoal, a volume of water). It is named as the issue to work on and never
  presented as common ground.

A shared word or topic alone is none of these: "both speak of 'release'" was
offered as common ground by the lexical version this replaces.
The thresholds are calibrated on the development cases (docs/architecture.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.mediation.attribution import addressee
from bot.mediation.semantics import Semantics

SHARED_NEED = "shared_need"
COMPATIBLE = "compatible"
CONTESTED = "contested"
KINDS = (SHARED_NEED, COMPATIBLE, CONTESTED)
KIND_HEADINGS = {
    SHARED_NEED: "Shared needs",
    COMPATIBLE: "Compatible interests (can be met together)",
    CONTESTED: "Contested ground (the issues to work on, not common ground)",
}

SHARED_NEED_ALIGNMENT = 0.33
CONTESTED_SIMILARITY = 0.55  # a claim against a claim, or a demand against a need
CONTESTED_POSITION_SIMILARITY = 0.30  # two parties' positions
MAX_CONTESTED = 3
MEASURE_FIT_SIMILARITY = 0.35
MAX_COMPATIBLE = 3

# A statement that claims something as one's own: two of these about the same thing clash.
_CLAIM = re.compile(
    r"\b(?:ours|our (?:own )?(?:land|territory|island|islands|waters|shoal|reef|valley|"
    r"river|temple|sea|share|rights?)|belongs? to|sovereign(?:ty)?|historic(?:al)? rights?|"
    r"rightful|never (?:give|hand|cede|accept|allow)|hand (?:it |them )?(?:back|over)|"
    r"withdraw|pull (?:back|out)|leave (?:our|the)|control (?:of|over)|claim|"
    r"part of (?:our|its)|our side of|no one else|exclusive|full control|entitled)\b",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[a-z][a-z'’-]+")
# A demand made of every side at once: "Both armies must…", "Neither side should…".
_OF_EVERYONE = re.compile(
    r"\s*(?:both|all|each|every|neither|none of the)\b(?:\s+(?:of\s+)?(?:the\s+)?\w+)?"
    r"\s+(?:must|should|shall|have to|has to|need to|needs to|will|agree|can)\b",
    re.IGNORECASE,
)
_OBJECT_STOP = frozenset(
    [
        "we",
        "they",
        "our",
        "their",
        "us",
        "them",
        "it",
        "its",
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "and",
        "or",
        "but",
        "not",
        "no",
        "never",
        "must",
        "should",
        "will",
        "would",
        "can",
        "could",
        "has",
        "have",
        "had",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "any",
        "all",
        "every",
        "both",
        "each",
        "other",
        "own",
        "from",
        "by",
        "as",
        "so",
        "if",
        "than",
        "then",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "very",
        "more",
        "most",
        "less",
        "only",
        "also",
        "just",
        "immediately",
        "now",
        "again",
        "back",
        "over",
        "out",
        "up",
        "down",
        "side",
        "sides",
        "people",
        "country",
        "countries",
        "government",
        "always",
    ]
)


@dataclass(frozen=True)
class Said:
    """One recorded statement, as the common-ground analysis sees it."""

    party: str
    kind: str  # interest | position | option
    text: str


@dataclass(frozen=True)
class MeasureText:
    id: str
    title: str
    text: str  # what the measure does, as compared with needs


@dataclass(frozen=True)
class CommonGroundItem:
    kind: str
    text: str
    parties: tuple[str, ...]
    statements: tuple[Said, ...] = ()
    similarity: float | None = None
    measure: str | None = None
    object: str | None = None
    topics: tuple[str, ...] = field(default=())

    def as_evidence(self) -> dict:
        return {
            "kind": self.kind,
            "parties": list(self.parties),
            "statements": [
                {"party": s.party, "kind": s.kind, "text": s.text} for s in self.statements
            ],
            "similarity": None if self.similarity is None else round(self.similarity, 3),
            "measure": self.measure,
            "object": self.object,
            "topics": list(self.topics),
        }


def join_names(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _subject(parties: Sequence[str], total: int) -> str:
    if len(parties) == total == 2:
        return f"Both {join_names(parties)}"
    if len(parties) == total:
        return f"All of {join_names(parties)}"
    return join_names(parties)


_PRONOUNS = {
    "we": "they",
    "i": "they",
    "our": "their",
    "my": "their",
    "us": "them",
    "me": "them",
    "ours": "theirs",
    "mine": "theirs",
    "ourselves": "themselves",
    "we're": "they're",
    "we've": "they've",
    "we'll": "they'll",
    "we'd": "they'd",
    "i'm": "they're",
    "i've": "they've",
}
_PRONOUN = re.compile(r"\b(" + "|".join(re.escape(p) for p in _PRONOUNS) + r")\b", re.IGNORECASE)


def neutral_sentence(text: str, parties: Sequence[str], all_parties: Sequence[str]) -> str:
    """One party's words said of all of `parties`: "We need our soldiers home" becomes
    "Both India and China need their soldiers home"."""
    body = text.strip().rstrip(".!?;: ")
    for party in all_parties:
        name = re.escape(party)
        body = re.sub(rf"\b{name}(?:'s|’s)", "their", body, flags=re.IGNORECASE)
        body = re.sub(rf"\b{name}\b", "they", body, flags=re.IGNORECASE)
    body = _PRONOUN.sub(lambda m: _PRONOUNS[m.group(1).lower()], body)
    subject = _subject(parties, len(all_parties))
    if not body:
        return f"{subject} share a need."
    opener = re.match(r"(?i)(?:and |so |but )?they(?:'re| are)?\s+", body)
    if opener and not body.lower().startswith(("they're", "they are")):
        return f"{subject} {body[opener.end() :]}."
    if opener:
        return f"{subject} are {body[opener.end() :]}."
    return f"{subject}: {body[0].lower() + body[1:] if body[:2] != body[:2].upper() else body}."


def _content(text: str, names: Sequence[str]) -> list[str]:
    """Words that can name an object: no party names, no possessive endings."""
    skip = {w for name in names for w in name.casefold().split()}
    words = (w.removesuffix("'s").removesuffix("’s") for w in _WORDS.findall(text.casefold()))
    return [w for w in words if w not in _OBJECT_STOP and w not in skip]


def _object(a: str, b: str, names: Sequence[str] = ()) -> str | None:
    """The thing two claims share: their common content words (party names left out,
    as "India" in two demands of India is no object), if any."""
    words_b = set(_content(b, names))
    shared = [
        w for w in dict.fromkeys(_content(a, names)) if w in words_b or w.rstrip("s") in words_b
    ]
    return " ".join(shared[:3]) or None


def _clash(a: Said, b: Said, similarity: float, parties: Sequence[str]) -> bool:
    """Two statements of different parties that cannot both be met as they stand:
    positions on the same matter, a claim against a claim, or a demand made of a
    party about what that party says it needs ("India has to halt the build-up" and
    India's "India needs to build roads")."""
    if a.party == b.party:
        return False
    if a.kind == b.kind == "position":
        # "Both armies must pull back" from each side is one demand made of everyone:
        # agreement, not a clash.
        agreed = bool(_OF_EVERYONE.match(a.text)) and bool(_OF_EVERYONE.match(b.text))
        return similarity >= CONTESTED_POSITION_SIMILARITY and not agreed
    if similarity < CONTESTED_SIMILARITY:
        return False
    if _CLAIM.search(a.text) and _CLAIM.search(b.text):
        return True
    return any(
        x.kind == "position" and addressee(x.text, x.party, parties) == y.party
        for x, y in ((a, b), (b, a))
    )


def _clash_sentence(
    said: Sequence[Said], who: Sequence[str], obj: str | None, parties: Sequence[str]
) -> str:
    """How a clash is named: what is claimed when the words show it, whose demand meets
    whose need when that is the shape of it."""
    for x in said:
        target = addressee(x.text, x.party, parties) if x.kind == "position" else None
        need = next((y for y in said if y.party == target and y.kind == "interest"), None)
        if need is not None:
            return f"{x.party} demands of {need.party} what {need.party} says it needs"
    if obj:
        return f"{join_names(who)} clash over “{obj}”"
    return f"{join_names(who)} make demands that clash"


def _quotes(said: Sequence[Said]) -> str:
    return "; ".join(f"{s.party}: “{s.text}”" for s in said)


def _mean_similarity(sims: np.ndarray, group: Sequence[int]) -> float:
    """Mean pairwise similarity within a group of statements."""
    return float(np.mean([sims[i, j] for i in group for j in group if i < j]))


def _clusters(pairs: list[tuple[float, int, int]], limit: int) -> list[list[int]]:
    """Group statements linked by strong pairs (strongest first); each statement once."""
    group_of: dict[int, int] = {}
    groups: list[list[int]] = []
    for _, i, j in sorted(pairs, reverse=True):
        gi, gj = group_of.get(i), group_of.get(j)
        if gi is None and gj is None:
            group_of[i] = group_of[j] = len(groups)
            groups.append([i, j])
        elif gi is None and gj is not None:
            group_of[i] = gj
            groups[gj].append(i)
        elif gj is None and gi is not None:
            group_of[j] = gi
            groups[gi].append(j)
    return groups[:limit]


def _contested(
    claims: Sequence[Said], parties: Sequence[str], semantics: Semantics
) -> list[CommonGroundItem]:
    """Claims of different parties on the same thing: the issues to work on."""
    if not claims:
        return []
    sims = semantics.similarities([c.text for c in claims], [c.text for c in claims])
    pairs = [
        (float(sims[i, j]), i, j)
        for i in range(len(claims))
        for j in range(i + 1, len(claims))
        if _clash(claims[i], claims[j], float(sims[i, j]), parties)
    ]
    items = []
    for group in _clusters(pairs, limit=MAX_CONTESTED):
        said = tuple(claims[k] for k in group)
        who = tuple(dict.fromkeys(s.party for s in said))
        obj = _object(said[0].text, said[1].text, parties)
        items.append(
            CommonGroundItem(
                CONTESTED,
                f"{_clash_sentence(said, who, obj, parties)}: the issue to work on "
                f"({_quotes(said)}).",
                who,
                said,
                _mean_similarity(sims, group),
                object=obj,
            )
        )
    return items


def _shared_needs(
    interests: Sequence[Said],
    parties: Sequence[str],
    semantics: Semantics,
    contested_texts: set[str],
    topics_of: Mapping[str, tuple[str, ...]],
) -> tuple[list[CommonGroundItem], set[int]]:
    """Interests of different parties that mean the same, and the indexes used."""
    if not interests:
        return [], set()
    # Party names are left out of the alignment: "Egypt's farmers" and "Sudan's
    # farmers" need the same, and the names would only make them look different.
    sims = semantics.alignments([s.text for s in interests], skip=parties)
    pairs = [
        (float(sims[i, j]), i, j)
        for i in range(len(interests))
        for j in range(i + 1, len(interests))
        if interests[i].party != interests[j].party
        and sims[i, j] >= SHARED_NEED_ALIGNMENT
        and interests[i].text not in contested_texts
        and interests[j].text not in contested_texts
    ]
    items, used = [], set()
    for group in _clusters(pairs, limit=5):
        said = tuple(interests[k] for k in group)
        who = tuple(p for p in parties if any(s.party == p for s in said))
        centre = max(group, key=lambda k: float(np.mean([sims[k, m] for m in group])))
        used.update(group)
        found_topics = tuple(dict.fromkeys(t for s in said for t in topics_of.get(s.text, ())))
        items.append(
            CommonGroundItem(
                SHARED_NEED,
                f"{neutral_sentence(interests[centre].text, who, parties)} ({_quotes(said)})",
                who,
                said,
                _mean_similarity(sims, group),
                topics=found_topics,
            )
        )
    return items, used


def _compatible(
    rest: Sequence[Said], semantics: Semantics, measures: Sequence[MeasureText]
) -> list[CommonGroundItem]:
    """Different needs of different parties that one catalogue measure serves together."""
    if not measures or len(rest) < 2:
        return []
    fit = semantics.similarities([s.text for s in rest], [m.text for m in measures])
    candidates = []
    for x in range(len(rest)):
        for y in range(x + 1, len(rest)):
            if rest[x].party == rest[y].party:
                continue
            both = np.minimum(fit[x], fit[y])
            best = int(both.argmax())
            if both[best] >= MEASURE_FIT_SIMILARITY:
                candidates.append((float(both[best]), x, y, best))
    items: list[CommonGroundItem] = []
    used: set[int] = set()
    for score, x, y, best in sorted(candidates, reverse=True):
        if x in used or y in used or len(items) >= MAX_COMPATIBLE:
            continue
        used.update((x, y))
        a, b, measure = rest[x], rest[y], measures[best]
        items.append(
            CommonGroundItem(
                COMPATIBLE,
                f"{a.party} (“{a.text}”) and {b.party} (“{b.text}”) need different things "
                f"that can be met together, for example through: {measure.title}.",
                (a.party, b.party),
                (a, b),
                score,
                measure=measure.id,
            )
        )
    return items


def find_common_ground(
    statements: Sequence[Said],
    parties: Sequence[str],
    semantics: Semantics,
    measures: Sequence[MeasureText] = (),
    topics_of: Mapping[str, tuple[str, ...]] | None = None,
) -> list[CommonGroundItem]:
    """Shared needs, then compatible interests, then contested ground."""
    interests = [s for s in statements if s.kind == "interest" and s.party in parties]
    claims = [s for s in statements if s.kind in ("position", "interest") and s.party in parties]
    contested = _contested(claims, parties, semantics)
    contested_texts = {s.text for item in contested for s in item.statements}
    shared, used = _shared_needs(interests, parties, semantics, contested_texts, topics_of or {})
    rest = [s for k, s in enumerate(interests) if k not in used]
    return shared + _compatible(rest, semantics, measures) + contested


def sections(items: Sequence[tuple[str, str]]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Numbered (kind, text) items grouped under their headings, numbers kept global so
    "remove 2" still means the second point shown."""
    grouped: dict[str, list[tuple[int, str]]] = {}
    for number, (kind, text) in enumerate(items, start=1):
        grouped.setdefault(kind if kind in KIND_HEADINGS else SHARED_NEED, []).append(
            (number, text)
        )
    return [(KIND_HEADINGS[k], grouped[k]) for k in KINDS if k in grouped]
