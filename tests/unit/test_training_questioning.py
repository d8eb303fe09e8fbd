"""A scenario party answering the trainee: open and on-topic questions reveal an
interest, leading and hostile ones get the stonewall."""

from __future__ import annotations

import pytest

from bot.mediation.questions import looks_like_question, plainly_a_question, question_body
from bot.training.matching import AnswerKey
from bot.training.questioning import answer_question, classify_question
from tests.conftest import SCENARIO_IDS


@pytest.fixture(scope="module")
def river(knowledge, analyser):
    return AnswerKey.build(knowledge.scenarios["shared-river-dam"], analyser)


@pytest.fixture(scope="module")
def labels(knowledge):
    return {t.id: t.label for t in knowledge.topics.values()}


def ask(river, analyser, labels, party, text, revealed=(), hostile=False):
    return answer_question(
        river, party, text, analyser.analyse(text), set(revealed), labels, hostile
    )


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("ask Riverland why the dam matters to them", "why the dam matters to them"),
        ("I'd like to ask Riverland: what do you need?", "what do you need?"),
        ("Riverland, what worries you?", "what worries you?"),
        ("Question for Riverland - how are the farms?", "how are the farms?"),
        ("let me ask the delegation of Riverland about salt", "about salt"),
        ("what worries Riverland?", "what worries riverland?"),
    ],
)
def test_the_question_is_read_without_its_addressing(text, body):
    assert question_body(text, "Riverland") == body


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ask Riverland why the dam matters to them", "open"),
        ("Riverland, what happens to your farms in July?", "open"),
        ("tell me about your cities", "open"),
        ("ask Riverland about the delta", "open"),
        ("Help me understand what the treaty would give you", "open"),
        ("to what extent do elections matter?", "open"),
        ("Do you need the water in summer?", "closed"),
        ("ask Riverland whether it wants a treaty", "closed"),
        ("Riverland, don't you agree the dam is legal?", "leading"),
        ("Isn't it true that you wasted water for years?", "leading"),
        ("Why won't you accept the dam?", "leading"),
        ("You must admit the treaty is outdated, right?", "leading"),
        ("ask Riverland to drop its demand", "leading"),
        ("Why don't you tell me what the river means to you?", "open"),
        ("Riverland, why are you such hypocrites?", "hostile"),
        ("What nonsense is this?", "hostile"),
    ],
)
def test_questions_are_classified(text, kind, analyser):
    assert classify_question(text, "Riverland", analyser.analyse(text)) == kind


def test_nlu_hostility_makes_any_question_hostile(analyser):
    text = "what do you want, you people?"
    assert classify_question(text, "Riverland", analyser.analyse(text), hostile=True) == "hostile"


def test_an_open_question_on_an_interest_reveals_it_in_the_partys_voice(
    river, analyser, labels, knowledge
):
    reply = ask(river, analyser, labels, "Riverland", "What happens to your farmers in summer?")
    irrigation = knowledge.scenarios["shared-river-dam"].parties[0].interests[0]
    assert reply.quality == "open" and reply.revealed == "summer-irrigation"
    assert reply.text == irrigation.cue and not reply.repeated
    assert reply.match is not None and {"farmer", "summer"} <= set(reply.match.words)
    assert reply.coaching is None


def test_the_issue_example_reveals_an_interest_on_the_topic(river, analyser, labels):
    """ "the dam" is about water: the first water interest not yet revealed comes out."""
    reply = ask(river, analyser, labels, "Riverland", "ask Riverland why the dam matters to them")
    assert reply.quality == "open" and reply.revealed == "summer-irrigation"
    again = ask(
        river, analyser, labels, "Riverland", "why does the dam matter?", ["summer-irrigation"]
    )
    assert again.revealed == "city-drinking-water"


def test_asking_again_repeats_the_interest(river, analyser, labels):
    reply = ask(river, analyser, labels, "Highvale", "Tell me about the loans", ["repay-dam-loans"])
    assert reply.revealed == "repay-dam-loans" and reply.repeated
    assert reply.text.startswith("As I said:")


@pytest.mark.parametrize(
    "text",
    ["Highvale, don't you agree you should stop filling?", "Why won't you let inspectors in?"],
)
def test_leading_questions_get_the_stonewall(river, analyser, labels, text):
    reply = ask(river, analyser, labels, "Highvale", text)
    assert reply.quality == "leading" and reply.revealed is None
    assert reply.text == "We will not ask permission to build on our own land. Next question."
    assert "suggests its own answer" in reply.coaching


def test_hostile_questions_get_the_stonewall(river, analyser, labels):
    reply = ask(river, analyser, labels, "Highvale", "What electricity, you liars?")
    assert reply.quality == "hostile" and reply.revealed is None
    assert reply.text.startswith("We will not ask permission")
    assert "Fisher & Ury" in reply.coaching


def test_a_yes_or_no_question_gets_a_position(river, analyser, labels):
    reply = ask(river, analyser, labels, "Highvale", "Do you need electricity?")
    assert reply.quality == "closed" and reply.revealed is None
    assert reply.text in river.scenario.party("Highvale").positions
    assert "yes-or-no" in reply.coaching


def test_a_broad_open_question_gets_a_hint_not_an_interest(river, analyser, labels):
    reply = ask(river, analyser, labels, "Riverland", "What do you need?")
    assert reply.quality == "open_off_topic" and reply.revealed is None
    assert reply.text.startswith("That is a broad question")
    assert "farming and food" in reply.text.lower()
    everything = [i.id for i in river.interests_of("Riverland")]
    done = ask(river, analyser, labels, "Riverland", "What do you need?", everything)
    assert "told you what matters" in done.text


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_every_interest_can_be_drawn_out_by_an_open_question(
    scenario_id, knowledge, analyser, labels
):
    """Scenario data check: asking openly about an interest's own key words reveals it."""
    key = AnswerKey.build(knowledge.scenarios[scenario_id], analyser)
    for party in key.scenario.parties:
        for interest in party.interests:
            text = f"What can you tell me about {' and '.join(interest.keywords[:3])}?"
            reply = answer_question(key, party.name, text, analyser.analyse(text), set(), labels)
            assert reply.revealed == interest.id, (scenario_id, interest.id, reply)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Highvale needs electricity for its villages", False),
        ("Riverland's farmers fear the summer", False),
        ("ask Highvale about the loans", True),
        ("Highvale, what do the loans cost you", True),
        ("what worries you about floods", True),
        ("do you need the water in July", True),
        ("the loans?", True),
    ],
)
def test_statements_that_name_a_party_are_not_questions(text, question):
    assert looks_like_question(text, "Highvale") is question


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("isn't it obvious that the island is yours?", True),
        ("Ask Highvale about the floods", True),
        ("let me ask them about the loans", True),
        ("What they really want is recognition", False),
        ("Highvale, farmers need water", False),
    ],
)
def test_plain_questions_are_questions_whatever_nlu_says(text, question):
    assert plainly_a_question(text) is question
