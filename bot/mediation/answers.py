"""Typed answers to the assistant's yes-or-no questions ("Do you agree to go ahead on
these terms?", "Does this capture it?").

The buttons send `/affirm` and `/deny`, and DIET knows the common ways of saying yes
and no. People who type write longer answers: "understood, we agree to that", "fine
by us, carry on", "happy with that list, go ahead". DIET read some of these as
something else, and the conversation then asked the same question again and again
(the typed soak: 0 of 100 mediations completed). A short answer made of assent or
refusal is read here; anything longer, or a question, is left to the caller.
"""

from __future__ import annotations

import re

MAX_WORDS = 12  # a longer message is a statement, not an answer to a yes-or-no question

_YES = re.compile(
    r"\b(?:yes|yeah|yep|yup|sure|ok(?:ay)?|fine|agreed?(?! (?:that|on|to (?!it\b|that\b|this\b|"
    r"these\b|those\b|them\b)))|agreeable|understood|accepted|acceptable|correct|"
    r"(?:that'?s|that is|quite|all) right|alright|^\s*right(?=\s*(?:[,.!]|$))|"
    r"happy (?:with|to)|content with|sounds? (?:good|fine|right)|"
    r"looks? (?:good|fine|right)|(?:go|carry|move) (?:on|ahead)|proceed|continue|"
    r"let(?:'s|’s| us) (?:go|begin|start|continue|proceed|carry on|move on)|"
    r"of course|absolutely|certainly|by all means|captures? it|fair (?:summary|enough)|"
    r"that works|works for (?:us|me)|good to go|all good|we consent|i consent)\b",
    re.IGNORECASE,
)
_NEGATIONS = (
    r"not|never|don'?t|do not|doesn'?t|does not|won'?t|will not|can'?t|cannot|isn'?t|"
    r"aren'?t|wasn'?t|weren'?t|haven'?t|hasn'?t|hadn'?t|didn'?t|did not|have not|has not|"
    r"\w+n't"
)
_NO = re.compile(
    rf"\b(?:no|nope|nah|{_NEGATIONS}|disagree|refuse|decline|reject|rather not|wrong|stop)\b",
    re.IGNORECASE,
)
# Refusal words that are assent in these set phrases: "no problem", "why not".
_NO_IN_ASSENT = re.compile(
    r"\b(?:no problem|no worries|why not|no objection|(?:don'?t|do not) mind|not bad)s?\b",
    re.IGNORECASE,
)
# A refusal word just before a yes word negates it: "not right", "we don't agree".
_NEGATED = re.compile(
    rf"\b(?:{_NEGATIONS})(?:\s+(?:really|quite|at all|so|very|that|entirely|yet|been))?\s*$",
    re.IGNORECASE,
)
_UNSURE = re.compile(
    r"\b(?:not (?:sure|certain)|unsure|(?:don'?t|do not) know|maybe|perhaps|depends)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def yes_or_no(text: str) -> bool | None:
    """True for a typed yes, False for a typed no, None for anything else (a statement,
    a question, both at once, or neither)."""
    text = text.replace("’", "'")
    if "?" in text:
        return None
    words = _WORD.findall(text)
    if not words or len(words) > MAX_WORDS:
        return None
    if _UNSURE.search(text):
        return None
    assent_phrase = bool(_NO_IN_ASSENT.search(text))
    cleaned = _NO_IN_ASSENT.sub(" ", text)
    yes = refused = False
    for found in _YES.finditer(cleaned):
        # "not right", "don't agree", "not happy with": the refusal of a yes
        if _NEGATED.search(cleaned[: found.start()]):
            refused = True
        else:
            yes = True
    yes = yes or assent_phrase
    refused = refused or bool(_NO.search(cleaned))
    if yes and not refused:
        return True
    if refused and not yes:
        return False
    return None


_NO_ANYWHERE = re.compile(rf"\b(?:{_NEGATIONS})\b", re.IGNORECASE)
_END_OF_CLAUSE = r"(?=\s*(?:[,.;!]|$|for (?:now|today)|please|here|then|thanks))"
_FINISHED = re.compile(
    r"\b(?:(?:we are |we're |i am |i'm |all )?(?:finished|done)" + _END_OF_CLAUSE + "|"
    r"finish (?:here|now|there|up|the (?:session|mediation))|let(?:'s| us) finish|"
    r"wrap (?:it|this|things) up|that(?:'s| is) (?:all|it|enough)" + _END_OF_CLAUSE + "|"
    r"no more (?:measures|options)|(?:no more|nothing (?:more|else))" + _END_OF_CLAUSE + "|"
    r"close (?:here|the session|the mediation)|end (?:here|there|the session|the mediation)|"
    r"enough for (?:now|today)|"
    r"(?:on|over) to the (?:summary|agreement|next step))\b",
    re.IGNORECASE,
)


def finished(text: str) -> bool:
    """A short typed "we are done with this step": "no more measures, let us finish
    here", "that's all for now". Not a question, and not "we are not done yet"."""
    text = text.replace("’", "'")
    if "?" in text or _NO_ANYWHERE.search(text) or _UNSURE.search(text):
        return False
    words = _WORD.findall(text)
    return bool(words) and len(words) <= MAX_WORDS and bool(_FINISHED.search(text))
