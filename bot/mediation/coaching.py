"""Coaching toward interests, and reframing hostile language.

Fisher & Ury: separate the people from the problem; focus on interests, not
positions. A position is noted as said and followed by a question that invites
the interest beneath it; an insult is met with a reframe that names the concern
it probably carries, never with a lecture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.lexicon import Topic
from bot.mediation.analysis import Analysis

# Hostile words -> the need they usually stand for (used to phrase the reframe).
HOSTILITY_THEMES: tuple[tuple[frozenset[str], str], ...] = (
    (
        frozenset(
            [
                "liar",
                "lie",
                "lying",
                "deceive",
                "cheat",
                "cheater",
                "trick",
                "betray",
                "traitor",
                "dishonest",
            ]
        ),
        "being able to rely on what is agreed",
    ),
    (
        frozenset(["thief", "steal", "stole", "rob", "robber", "grab", "land-grab", "loot"]),
        "a fair share and respect for what is theirs",
    ),
    (
        frozenset(
            [
                "kill",
                "killer",
                "murder",
                "attack",
                "terrorist",
                "violent",
                "violence",
                "bomb",
                "shoot",
            ]
        ),
        "safety for their people",
    ),
    (
        frozenset(
            ["idiot", "stupid", "fool", "animal", "savage", "barbarian", "scum", "vermin", "pig"]
        ),
        "being treated with respect",
    ),
)
DEFAULT_THEME = "being heard and taken seriously"
# Words of contempt that carry no theme of their own.
_CONTEMPT_WORDS = """hate evil worst disgusting criminal criminals thug thugs monster monsters
pathetic arrogant bully bullies shameful liars thieves murderers terrorists idiots disgrace
disgraceful outrageous ridiculous nonsense rubbish shame insult insulting lies crooks corrupt
racist cowards coward"""
CONTEMPT = frozenset(_CONTEMPT_WORDS.split())


def hostile_words(analysis: Analysis) -> tuple[str, ...]:
    """The words that make a message hostile, if any: a message DIET read as hostile
    without one of them ("Chinese fishing crews also make their living in these
    waters") is a party's statement, not an attack."""
    lemmas = set(analysis.lemmas) | {w.lower() for w in analysis.text.split()}
    found = set(CONTEMPT & lemmas)
    for words, _ in HOSTILITY_THEMES:
        found |= lemmas & words
    return tuple(sorted(found))


@dataclass(frozen=True)
class Coaching:
    text: str
    evidence: tuple[str, ...]


def _topic_hint(analysis: Analysis, topics: dict[str, Topic]) -> str:
    if not analysis.topics:
        return ""
    labels = [topics[t].label.lower() for t in analysis.topics if t in topics]
    return f" Is it about {', '.join(labels)}?" if labels else ""


def coach_position(analysis: Analysis, party: str, topics: dict[str, Topic]) -> Coaching:
    """Explain why this reads as a position and ask for the interest beneath it."""
    cues = analysis.position_cues
    because = f" (“{'”, “'.join(cues)}”)" if cues else ""
    text = (
        f"I've noted that as {party}'s position: what they want to happen{because}. "
        f"Positions are hard to bridge; interests are easier. What would it protect or "
        f"secure for {party} if it happened? What are they worried about?"
        f"{_topic_hint(analysis, topics)}"
    )
    return Coaching(text, cues)


def reframe_hostility(analysis: Analysis, party: str | None) -> Coaching:
    """Name the likely concern behind hostile words and invite it as an interest."""
    lemmas = set(analysis.lemmas)
    theme = DEFAULT_THEME
    evidence: tuple[str, ...] = ()
    for words, candidate in HOSTILITY_THEMES:
        hits = tuple(sorted(lemmas & words))
        if hits:
            theme, evidence = candidate, hits
            break
    who = party or "your side"
    text = (
        "I can hear how strongly you feel, and that usually means something important is "
        f"at stake. Let's keep the people and the problem apart: it sounds as if {who} "
        f"cares about {theme}. Could you say it as a need, for example "
        f"“{who} needs …”?"
    )
    return Coaching(text, evidence)


NON_ANSWER = re.compile(
    r"^\W*(?:i\s+)?(?:(?:really\s+)?(?:don'?t|do\s+not|dont)\s+know|no\s+idea|not\s+sure|"
    r"i'?m\s+not\s+sure|dunno|no\s+clue|i\s+can'?t\s+say|"
    r"(?:i\s+)?have\s+no\s+idea)(?:\s+(?:really|yet|either|at\s+all))?\W*$",
    re.IGNORECASE,
)


def is_non_answer(text: str) -> bool:
    """ "I don't know", "no idea", "pass": an honest blank, not a statement to record."""
    return bool(NON_ANSWER.match(text.replace("’", "'").strip()))
