"""A scenario party answering the trainee's questions, the way a delegation would.

An open question on the topic of one of the party's confidential interests makes it
reveal that interest in its own words (the scenario's cue). An open question on
nothing in particular gets a hint of where its worries lie. A yes-or-no question
gets the position again; a leading or hostile one gets the stonewall. This is what
mediators are taught: open questions ("what", "why", "how") draw out interests,
loaded ones harden positions.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from bot.mediation.analysis import Analysis
from bot.mediation.questions import question_body
from bot.training.matching import AnswerKey, Match, best_match

# How much each kind of question is worth when the debrief scores questioning.
QUALITY_WEIGHTS: dict[str, float] = {
    "open": 1.0,
    "open_off_topic": 0.5,
    "closed": 0.25,
    "leading": 0.0,
    "hostile": 0.0,
}
QUALITY_LABELS: dict[str, str] = {
    "open": "open and on an interest",
    "open_off_topic": "open but off the party's concerns",
    "closed": "yes-or-no",
    "leading": "leading",
    "hostile": "hostile",
}

# Insults and blame; words such as "lie" or "criminal" are left out, since "what lies
# behind this?" or "cyber criminals" are fair questions (NLU's express_hostility intent
# catches the rest).
HOSTILE_LEMMAS = frozenset(
    [
        "liar",
        "stupid",
        "idiot",
        "idiotic",
        "fool",
        "foolish",
        "crook",
        "thief",
        "ridiculous",
        "absurd",
        "shameful",
        "disgrace",
        "disgraceful",
        "nonsense",
        "pathetic",
        "greedy",
        "selfish",
        "arrogant",
        "hypocrite",
        "hypocritical",
        "coward",
        "cowardly",
        "bully",
        "thug",
        "incompetent",
        "dishonest",
        "cheater",
        "rubbish",
        "garbage",
    ]
)

_OPEN = re.compile(
    r"^(?:so|and|but|then|now|please|also|ok(?:ay)?)?[,\s]*"
    r"(?:what|why|how|which|who|whom|whose|where|when|in\s+what\s+way|to\s+what\s+extent|about)\b"
    r"|\b(?:tell\s+(?:me|us)|help\s+(?:me|us)\s+understand|describe|explain|walk\s+(?:me|us)\s+"
    r"through|talk\s+(?:to\s+)?(?:me|us)?\s*(?:about|through)|share\s+(?:with\s+(?:me|us)\s+)?"
    r"(?:what|why|how|more)|(?:i'?d|i\s+would|i)\s+(?:like|want|love)\s+to\s+(?:hear|understand|"
    r"know|learn)|say\s+more|more\s+about|^to\s+(?:explain|describe|tell|say|share|talk|walk))\b"
)
_LEADING = re.compile(
    r"^(?:so|but|and|surely|well)?[,\s]*(?:"
    r"(?:don't|doesn't|didn't|isn't|aren't|wasn't|weren't|won't|wouldn't|can't|couldn't|"
    r"shouldn't|haven't|hasn't)\s+(?:you|they|it|that|this|we)\b"
    r"|(?:do|will|would|can|could|shouldn't)\s+you\s+(?:not\s+)?(?:just\s+)?(?:agree|accept|admit|"
    r"concede|acknowledge|stop|drop|give\s+up|withdraw|back\s+down|abandon|apologi[sz]e)\b"
    r"|why\s+(?:won't|don't|can't|didn't|wouldn't|do|did|are|would|do\s+you\s+keep)\s+you\s+"
    r"(?!tell|explain|describe|share|walk|help|say\s+more)"
    r"|is\s+it\s+not\b|how\s+can\s+you\s+(?:justify|defend|claim|say|expect|pretend|deny)\b"
    r"|you\s+(?:must|have\s+to|should|need\s+to|ought\s+to)\b"
    r"|to\s+(?!explain|describe|tell|say|share|talk|walk|what)\w+"
    r")"
    r"|\b(?:surely|admit\s+it|admit\s+that|isn't\s+(?:that|it)\s+(?:so|true|right|fair|obvious)"
    r"|don't\s+you\s+(?:think|agree|see)|wouldn't\s+you\s+(?:say|agree)|you\s+(?:would|will)\s+agree"
    r"|do\s+you\s+agree\s+that|right\s*\?|correct\s*\?)"
)


def classify_question(text: str, party: str, analysis: Analysis, hostile: bool = False) -> str:
    """'hostile', 'leading', 'open' or 'closed' (topic is judged separately)."""
    if hostile or set(analysis.lemmas) & HOSTILE_LEMMAS:
        return "hostile"
    body = question_body(text, party)
    if _LEADING.search(body):
        return "leading"
    if _OPEN.search(body):
        return "open"
    return "closed"


@dataclass(frozen=True)
class Reply:
    """A party's answer, and what the question was worth."""

    party: str
    quality: str
    text: str
    coaching: str | None
    revealed: str | None  # the interest the answer disclosed (again, if `repeated`)
    repeated: bool
    match: Match | None


def answer_question(
    key: AnswerKey,
    party: str,
    text: str,
    analysis: Analysis,
    revealed: Collection[str],
    topic_labels: Mapping[str, str],
    hostile: bool = False,
) -> Reply:
    """How `party` answers `text`; `revealed` holds the interest ids disclosed so far."""
    scenario_party = key.scenario.party(party)
    kind = classify_question(text, party, analysis, hostile)
    if kind in ("hostile", "leading"):
        coaching = (
            "Blame makes a party defend itself. Separate the people from the problem "
            "(Fisher & Ury) and ask what they need."
            if kind == "hostile"
            else "That question suggests its own answer, so the party defends its position. "
            "Ask openly: “what…”, “why…”, “how…”."
        )
        return Reply(party, kind, scenario_party.stonewall, coaching, None, False, None)

    found = best_match(analysis, key.interests_of(party), semantics=key.semantics) or _on_topic(
        key, party, analysis, revealed
    )
    if kind == "closed":
        position = _closest_position(key, party, analysis)
        return Reply(
            party,
            "closed",
            position,
            "A yes-or-no question gets a yes, a no, or the position again. "
            "Open questions (“what…”, “why…”, “how…”) draw out the interests behind it.",
            None,
            False,
            found,
        )
    if found is None:
        hidden = [i for i in key.interests_of(party) if i.id not in revealed]
        if not hidden:
            text_ = (
                "I think I have told you what matters to us. "
                "The question is what the others will do."
            )
        else:
            areas = []
            for item in hidden:
                for topic in sorted(item.topics):
                    label = topic_labels.get(topic, topic).lower()
                    if label not in areas:
                        areas.append(label)
                    break
            text_ = (
                f"That is a broad question. What weighs on us most has to do with {_join(areas)}."
            )
        return Reply(party, "open_off_topic", text_, None, None, False, None)

    interest = next(i for i in scenario_party.interests if i.id == found.item.id)
    repeated = interest.id in revealed
    answer = f"As I said: {interest.cue}" if repeated else interest.cue
    return Reply(party, "open", answer, None, interest.id, repeated, found)


def _on_topic(
    key: AnswerKey, party: str, analysis: Analysis, revealed: Collection[str]
) -> Match | None:
    """No interest's words, but its topic ("why does the dam matter?" is about water):
    the first interest on that topic not yet revealed, else the first on it."""
    asked = set(analysis.topics)
    on_topic = [i for i in key.interests_of(party) if i.topics & asked]
    if not on_topic:
        return None
    item = next((i for i in on_topic if i.id not in revealed), on_topic[0])
    return Match(item, (), tuple(sorted(item.topics & asked)))


def _closest_position(key: AnswerKey, party: str, analysis: Analysis) -> str:
    positions = [p for p in key.positions if p.party == party]
    best = max(positions, key=lambda p: len(analysis.content_lemmas & p.lemmas))
    return best.text


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
