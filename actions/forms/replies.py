"""Every reply the step forms give in their own words, by name, in one place.

`bot/mediation/moves.py` names the reply a move calls for; the prompts name theirs
here too. Fixed replies that need no value live in domain.yml as `utter_*`.
"""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

REPLIES = {
    # any step
    "nothing_caught": "I didn't catch anything there.",
    "questions_elsewhere": "Questions to the parties belong to the interests step; "
    "say “go back” to return there.",
    # context
    "topic_so_far": "(So far: “{topic}”. Repeat it or give a new one.)",
    "parties_so_far": "So far I have {names}. A mediation needs at least two parties: "
    "who is on the other side?",
    "ask_trainee": "What name should your trainer see on your debrief?",
    "ask_scenario": "Which case would you like to practise?\n{menu}",
    "no_trainee_name": "I didn't catch a name. Type one, or stay anonymous.",
    "trainee_name_too_long": "That is {length} characters; please give a name of up to {limit}.",
    "which_scenario": "I couldn't tell which case you mean. Choose one by its number or "
    "button, or say “random”.",
    "topic_too_short": "I need a few words about the dispute itself, for example “access to "
    "the river after the new dam”.",
    "name_the_parties": "Please name the parties themselves.",
    "parties_are_a_sentence": "That reads as a sentence rather than a list of names. Who are "
    "the parties? Name each one briefly, separated by commas or “and”.",
    "party_name_too_long": "That name is very long. Please give each party a short name "
    "(up to 120 characters), separated by commas or “and”.",
    "parties_named_twice": "You named {names} more than once; I count each party once.",
    "no_party_names": "I couldn't find any names there.",
    "parties_are": "Thank you. The parties are {names}.",
    # interests
    "interests_intro_training": "{progress}. Question the parties to find what each one "
    "needs, then name each interest you found (for example “{party} needs …”). Say “done” "
    "when a party is covered.",
    "interests_intro": "{progress}. For each party, tell me what it needs, fears or hopes "
    "for: the reasons behind what it asks. Positions (demands) are noted too, and I'll help "
    "find the interest beneath them.",
    "ask_first_interest_training": "Question {party}, or tell me an interest of {party} you "
    "have found.",
    "ask_more_interests_training": "Any other interest of {party}? When {party} is covered, "
    "say “done”.",
    "ask_first_interest": "What matters to {party}? What does {party} need, or worry about?",
    "ask_more_interests": "Anything else that matters to {party}? When {party} is covered, "
    "say “done”.",
    "non_answer_in_training": "That's fine. Ask {party} a question to find out, or say “skip”.",
    "non_answer_in_mediation": "That's fine. If nothing else matters to {party}, say “done”.",
    "no_interest_yet": "I haven't noted any interest for {party} yet, and the common ground "
    "is built from interests. What does {party} need? (To leave this step anyway, say "
    "“skip”.)",
    "cannot_answer_for_a_party": "I can't answer for {party}: in a live mediation, put the "
    "question to them directly, then tell me what they need.",
    "what_to_ask": "What would you like to ask {party}?",
    "party_answers": "{party}: “{answer}”",
    "coach": "Coach: {advice}",
    # common ground
    "common_ground_intro_training": "{progress}. In your own words, what do the parties "
    "share? Name one point per message; say “done” when you have them all.",
    "no_common_ground_found": "{progress}. I couldn't find needs the parties share in what "
    "was said so far. Do you see common ground? Tell me in your own words, or say “done”.",
    "common_ground_found": "{progress}. Here is what I found, and why:\n{points}",
    "common_ground_so_far": "The common ground so far:\n{points}",
    "more_common_ground_training": "Any other common ground? “remove 2” drops a point; "
    "“done” moves on.",
    "does_this_capture_it": "Does this capture it? Say yes to confirm, “remove 2” to drop a "
    "point, or add common ground in your own words.",
    "common_ground_non_answer": "That's fine. Name a shared interest if one comes to mind, or "
    "say “done”.",
    "which_point": "Which point should I remove? Give its number (1 to {number}).",
    "removed": "Removed: {points}",
    "common_ground_not_right": "What isn't right? Say “remove” and the number, or tell me the "
    "common ground as you see it.",
    "common_ground_how": "Say yes to confirm the common ground, “remove” and a number to drop "
    "a point, or tell me a shared need in a sentence.",
    "common_ground_added": "Added to the common ground: “{text}”.",
    # measures
    "measures_intro": "{progress}. From the catalogue, ranked for this case by the interests "
    "and common ground, each with why it fits:",
    "agreed_so_far": "Agreed so far: {titles}",
    "measure_choices": "Accept or reject a measure (e.g. “accept 1”), ask for more, propose "
    "your own, or say “done”.",
    "no_measure_agreed": "No measure was agreed; the summary will say so.",
    "measures_non_answer": "That's fine. “more options” shows other measures; “done” moves on.",
    "all_measures_shown": "Those are all the catalogue's measures that fit this case. You "
    "can propose your own.",
    "own_measure_added": "Added your own measure, as agreed: “{text}”.",
    "which_measure": "Which one? Give its number, for example “accept 1” or “reject 2” (1 to "
    "{number}).",
    "accept_or_reject": "Do you want to accept or reject it? Say “accept {number}” or "
    "“reject ...”.",
    "measures_how": "I can accept or reject a listed measure, show more, note a measure you "
    "propose (“what if we …”), or finish (“done”).",
    "measures_decided": "{status}: {titles}.",
}


def say(
    dispatcher: CollectingDispatcher,
    name: str,
    buttons: list[dict] | None = None,
    **values: object,
) -> None:
    """Give the reply called `name`, its blanks filled with `values` (user text is
    substituted, never parsed as a template)."""
    dispatcher.utter_message(text=REPLIES[name].format(**values), buttons=buttons or [])
