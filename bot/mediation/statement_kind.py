"""What kind of statement a message is: an interest, a position, an option, or none.

The DIET intent alone mistook "Almost all of Egypt's fresh water comes from the
Nile, so a drought … could leave our farmers without water" for an option. The
decision here has three layers, in order:

1. **Guards.** Commands, navigation words, measure references ("accept 1") and
   small talk are never statements, whatever the classifiers say; text that is
   not readable English (gibberish, another language) is asked about.
2. **A classifier over sentence vectors**: logistic regression on the encoder's
   vectors of the project's own labelled statements (`data/nlu/`), so a
   statement is judged by what it means, not by its words.
3. **The DIET intent as one input**: the two probability vectors are blended with
   a weight calibrated on the development set (see docs/architecture.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.mediation.attribution import opens_with
from bot.mediation.semantics import Semantics

KINDS = ("interest", "position", "option", "none")
INTENT_KIND = {
    "state_interest": "interest",
    "state_position": "position",
    "propose_option": "option",
}
# Intents whose examples teach the classifier what is *not* a statement.
NONE_INTENTS = frozenset(
    {
        "greet",
        "goodbye",
        "affirm",
        "deny",
        "thank",
        "bot_challenge",
        "help",
        "restart",
        "start_mediation",
        "start_training",
        "done",
        "where_are_we",
        "go_back",
        "skip_step",
        "accept_measure",
        "reject_measure",
        "more_measures",
        "out_of_scope",
    }
)
# Calibrated on the development set (benchmarks/calibrate.py): share of the
# classifier in the blend, and the confidence under which the user is asked.
CLASSIFIER_WEIGHT = 0.6
ASK_BELOW = 0.45
# A demand put on someone else ("China must withdraw…") or a claim of right is a
# position whatever its length; both classifiers sometimes read a long one as an
# interest, so the cue adds this much to "position" before the scores are renormalised.
POSITION_CUE_WEIGHT = 1.0
# "We need…", "we fear…", "our farmers depend…": a speaker's own need, a mark of an interest.
INTEREST_CUE_WEIGHT = 0.2
# "What if…", "How about…", "We could…": the openings of a proposal.
OPTION_CUE_WEIGHT = 0.5
# DIET's reading of a long message as "restart" or "goodbye" is obeyed only above this.
COMMAND_CONFIDENCE = 0.9
# From this many words on, DIET votes only among the statement kinds unless it is sure
# (COMMAND_CONFIDENCE) of another intent. A message is judged only after the guards and
# the routing of commands, so DIET's unsure reading of a long statement as "accept 1"
# or "restart" is its mistake, not a "none".
LONG_MESSAGE_WORDS = 6

_ENTITY = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_COMMAND = re.compile(
    r"^\s*(?:ok(?:ay)?\s*,?\s*)?(?:done|skip|next|next step|next party|go back|back|restart|"
    r"start over|stop|quit|exit|bye|goodbye|help|undo|that'?s (?:all|it)|finished|"
    r"nothing (?:else|more)|no more|move on|continue|where are we|what now|menu|"
    r"repeat(?: that)?|can you repeat(?: that)?|say (?:that|it) again)\s*[.!?]*\s*$",
    re.IGNORECASE,
)
_MEASURE_REFERENCE = re.compile(
    r"^\s*(?:i\s+)?(?:accept|reject|take|choose|pick|select|agree to|decline|drop|keep|"
    r"more|show more|another|option|measure|number|no\.?|#)\s*(?:measure|option|number|no\.?|#)?"
    r"\s*(?:\d+|one|two|three|four|five|all|both|none|them|it|those|these|measures|options)?"
    r"(?:\s*(?:,|and|&)\s*\d+)*\s*[.!?]*\s*$",
    re.IGNORECASE,
)
_SMALL_TALK = re.compile(
    r"^\s*(?:hi|hello|hey|thanks?|thank you(?: very much)?|cheers|ok(?:ay)?|yes|yeah|yep|no|"
    r"nope|sure|fine|great|cool|alright|right|good|nice|hmm+|um+|uh+|lol|sorry|"
    r"got it|i see|understood|good (?:morning|afternoon|evening))\s*[.!?]*\s*$",
    re.IGNORECASE,
)
_DEMAND_OF_OTHER = re.compile(
    r"^(?!\s*(?:we|i|our|my|let'?s|let us)\b)[^,;.?]{1,60}?(?<!\bwe )(?<!\bi )"
    r"\b(?:must|has to|have to|should|will have to|is required to|are required to|ought to|"
    r"needs to)\s+(?!be able|be sure|know|feel|understand|see|have)\w+",
    re.IGNORECASE,
)
_CLAIM = re.compile(
    r"\b(?:ha(?:s|ve) (?:every|the|a|an)(?: \w+)? right|remains? (?:ours|theirs|\w+ territory)|"
    r"non-negotiable|not up for negotiation|not negotiable|will never (?:accept|allow|agree|"
    r"give|hand|withdraw|recognise|recognize)|we will not (?:accept|allow|withdraw)|"
    r"no (?:one|other country) (?:else )?(?:has|may)|only\b.{0,80}\bwill be (?:admitted|"
    r"readmitted|allowed|accepted))",
    re.IGNORECASE,
)
_OWN_NEED = re.compile(
    r"^\s*(?:(?:we|i)\s+(?:really\s+|also\s+|simply\s+)?(?:need|fear|worry|depend|rely|hope|"
    r"long|care|are (?:afraid|worried|concerned|desperate))\b"
    # "Highvale needs electricity", "our farmers depend on…": a need of the subject,
    # but not "X needs to…", which is as often a demand as a need.
    r"|(?:[\w'’-]+\s+){0,4}?(?:needs?|fears?|worry|worries|depends?|relies|rely|hopes?|"
    r"cares?|(?:is|are) (?:afraid|worried|concerned))\b(?!\s+to\b))",
    re.IGNORECASE,
)
_PROPOSAL = re.compile(
    r"^\s*(?:what if|how about|suppose|supposing|why not|one (?:option|idea|way) (?:is|would be|"
    r"could be)|(?:perhaps|maybe) (?:we|both|they|the)|(?:we|they|both(?: \w+)?|the (?:two|three) "
    r"\w+) (?:could|might) (?!not\b|never\b|no longer\b))",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
# English function words: a sentence of five or more words with none of them is not
# English, even when its words are in the encoder's (multilingual-ish) vocabulary.
_FUNCTION_WORDS = """the a an of to and or in on at for with from by as is are was were be been
it its we our us they their them he she his her i my me you your this that these those not no
do does did have has had will would can could must should need needs want wants but so if than
then there what which who how why all any some more"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")


@dataclass(frozen=True)
class KindDecision:
    """The kind, how sure, and why: `reason` is one of guard names or "meaning"."""

    kind: str  # interest | position | option | none | unclear
    confidence: float
    reason: str
    scores: Mapping[str, float] | None = None

    @property
    def is_statement(self) -> bool:
        return self.kind in ("interest", "position", "option")


def _squeezed(text: str) -> str:
    """Runs of whitespace as one space: the patterns below then cannot backtrack over
    a long run (a message of "accept" and 500 spaces took 48 s before)."""
    return " ".join(text.split())


def guard(text: str) -> str | None:
    """The reason `text` is plainly not a statement, or None."""
    text = _squeezed(text)
    if _COMMAND.match(text):
        return "command"
    if _MEASURE_REFERENCE.match(text):
        return "measure reference"
    if _SMALL_TALK.match(text):
        return "small talk"
    return None


# A typed answer to "an interest or a position?": "an interest", "it's a need",
# "position", "that's their demand". Short, so a whole statement is never read as one.
_KIND_ANSWER = re.compile(
    r"^(?:(?:it|that|this)(?:'s| is) )?(?:(?:an?|the|their|its|our|my) )?"
    r"(?:(?P<interest>interest|need|worry|concern|fear)|(?P<position>position|demand))"
    r"(?: please)?[.!]?$",
    re.IGNORECASE,
)


def kind_answer(text: str) -> str | None:
    """ "interest" or "position" when `text` answers the clarifying question in words
    (the buttons send /state_interest or /state_position), else None."""
    found = _KIND_ANSWER.match(_squeezed(text))
    if found is None:
        return None
    return "interest" if found.group("interest") else "position"


def position_cue(text: str, speaker: str | None = None, parties: Sequence[str] = ()) -> bool:
    """A demand made of someone else, or a claim of right: the marks of a position.
    What the speaker says it must do itself ("India needs to build roads", in India's
    turn) is not a demand of someone else."""
    text = _squeezed(text)
    if _CLAIM.search(text):
        return True
    return bool(_DEMAND_OF_OTHER.search(text)) and not (
        speaker and opens_with(text, speaker, parties)
    )


def misread_command(text: str, confidence: float) -> bool:
    """A long message that is no command, which DIET read as "restart" or "goodbye"
    without near-certainty: obeying would throw the conversation away, so it is read
    as a statement instead ("The 4.6 square kilometres … remain Thai" was a restart)."""
    return (
        guard(text) != "command"
        and len(_WORD.findall(text)) >= 6
        and (confidence < COMMAND_CONFIDENCE)
    )


def unreadable(text: str, english: frozenset[str], names: Iterable[str] = ()) -> bool:
    """True for gibberish or another language: too few of its words are English words.

    `english` is a word list (the encoder's whole-word vocabulary); party names are
    not counted either way, so "Durnholt needs water" reads as English.
    """
    body = text
    for name in names:
        body = re.sub(re.escape(name), " ", body, flags=re.IGNORECASE)
    letters = [c for c in body if c.isalpha()]
    if letters and sum(1 for c in letters if _LATIN.match(c)) / len(letters) < 0.5:
        return True  # another script: Arabic, Chinese, Cyrillic…
    words = [w.lower() for w in _WORD.findall(body)]
    if not words:
        return False
    known = sum(1 for w in words if w in english or w.split("'")[0] in english)
    if len(words) >= 5 and not any(w in FUNCTION_WORDS for w in words) and known / len(words) < 0.8:
        return True
    if len(words) <= 2:
        return known == 0 and all(len(w) > 3 for w in words)
    return known / len(words) < 0.6


def nlu_examples(folder: Path) -> list[tuple[str, str]]:
    """(text, kind) pairs from Rasa NLU files: the three statement intents and the
    intents that are not statements (labelled "none")."""
    import yaml

    pairs: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu") or []:
            intent = block.get("intent")
            kind = INTENT_KIND.get(intent) or ("none" if intent in NONE_INTENTS else None)
            if kind is None:
                continue
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    pairs.append((_ENTITY.sub(r"\1", line[2:]).strip(), kind))
    return pairs


FEATURES_VERSION = 3  # part of the cache key: change it when `features` changes


def features(semantics: Semantics, text: str) -> np.ndarray:
    """The sentence vector and the message's length: commands and small talk are
    short, so a long sentence the vector alone finds unfamiliar is not read as one."""
    words = len(_WORD.findall(text))
    return np.append(semantics.vector(text), np.array([words <= 3, words <= 6], dtype=np.float32))


class KindClassifier:
    """Logistic regression over sentence vectors; weights cached on disk by data hash."""

    def __init__(self, semantics: Semantics, weights: np.ndarray, bias: np.ndarray) -> None:
        self._semantics = semantics
        self._weights = weights  # (384, 4)
        self._bias = bias  # (4,)

    @classmethod
    def train(cls, semantics: Semantics, examples: Sequence[tuple[str, str]]) -> KindClassifier:
        from sklearn.linear_model import LogisticRegression

        x = np.vstack([features(semantics, text) for text, _ in examples])
        y = np.array([KINDS.index(kind) for _, kind in examples])
        model = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced")
        model.fit(x, y)
        weights = np.zeros((x.shape[1], len(KINDS)), dtype=np.float32)
        bias = np.full(len(KINDS), -1e4, dtype=np.float32)  # a kind with no examples never wins
        for column, label in enumerate(model.classes_):
            weights[:, label] = model.coef_[column]
            bias[label] = model.intercept_[column]
        return cls(semantics, weights, bias)

    @classmethod
    def load_or_train(
        cls, semantics: Semantics, nlu_folder: Path, cache_dir: Path
    ) -> KindClassifier:
        examples = nlu_examples(nlu_folder)
        digest = hashlib.sha256(
            json.dumps([FEATURES_VERSION, examples]).encode("utf-8")
        ).hexdigest()[:16]
        cache = cache_dir / f"statement-kind-{digest}.npz"
        if cache.is_file():
            try:
                with np.load(cache) as stored:
                    return cls(semantics, stored["weights"], stored["bias"])
            except (OSError, ValueError, KeyError):
                pass  # a damaged file: train again and replace it
        classifier = cls.train(semantics, examples)
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = cache.with_name(f"{cache.stem}.{os.getpid()}.tmp.npz")
        np.savez(partial, weights=classifier._weights, bias=classifier._bias)
        partial.replace(cache)
        return classifier

    def probabilities(self, text: str) -> dict[str, float]:
        logits = features(self._semantics, text) @ self._weights + self._bias
        exp = np.exp(logits - logits.max())
        exp /= exp.sum()
        return {kind: float(p) for kind, p in zip(KINDS, exp, strict=True)}


# Intents that say nothing about the kind once a message reaches this decision: a
# question to a party is routed before it, and "inform" (facts about the case) is what
# a party's statement of its situation looks like to DIET.
UNINFORMATIVE_INTENTS = frozenset({"ask_party", "inform", "nlu_fallback"})


def intent_probabilities(
    ranking: Sequence[Mapping], statements_only: bool = False
) -> dict[str, float]:
    """DIET's intent ranking folded into the four kinds (the other intents are "none",
    or left out with `statements_only`)."""
    scores = dict.fromkeys(KINDS, 0.0)
    for entry in ranking:
        name, confidence = entry.get("name"), float(entry.get("confidence") or 0.0)
        if name in UNINFORMATIVE_INTENTS or (statements_only and name not in INTENT_KIND):
            continue
        scores[INTENT_KIND.get(str(name), "none")] += confidence
    total = sum(scores.values())
    return {k: v / total for k, v in scores.items()} if total > 0 else {}


def decide_kind(
    text: str,
    classifier: KindClassifier,
    intent_ranking: Sequence[Mapping] = (),
    english: frozenset[str] = frozenset(),
    names: Iterable[str] = (),
    classifier_weight: float = CLASSIFIER_WEIGHT,
    speaker: str | None = None,
) -> KindDecision:
    """The kind of `text`, typed in `speaker`'s turn, from the guards, its meaning and
    (if given) DIET's ranking; `names` are the parties' names."""
    names = tuple(names)
    reason = guard(text)
    if reason:
        return KindDecision("none", 1.0, reason)
    if english and unreadable(text, english, names):
        return KindDecision("unclear", 1.0, "unreadable")
    scores = classifier.probabilities(text)
    long = len(_WORD.findall(text)) >= LONG_MESSAGE_WORDS
    sure_not_statement = any(
        r.get("name") not in INTENT_KIND
        and r.get("name") not in UNINFORMATIVE_INTENTS
        and float(r.get("confidence") or 0.0) >= COMMAND_CONFIDENCE
        for r in intent_ranking
    )
    diet = intent_probabilities(intent_ranking, statements_only=long and not sure_not_statement)
    if diet:
        scores = {
            k: classifier_weight * scores[k] + (1 - classifier_weight) * diet[k] for k in KINDS
        }
    cues = {
        "position": POSITION_CUE_WEIGHT if position_cue(text, speaker, list(names)) else 0.0,
        "interest": INTEREST_CUE_WEIGHT if _OWN_NEED.search(_squeezed(text)) else 0.0,
        "option": OPTION_CUE_WEIGHT if _PROPOSAL.match(_squeezed(text)) else 0.0,
    }
    if any(cues.values()):
        scores = {k: v + cues.get(k, 0.0) for k, v in scores.items()}
        total = sum(scores.values())
        scores = {k: v / total for k, v in scores.items()}
    kind = max(scores, key=scores.__getitem__)
    confidence = scores[kind]
    if confidence < ASK_BELOW:
        return KindDecision("unclear", confidence, "uncertain", scores)
    return KindDecision(kind, confidence, "meaning", scores)
