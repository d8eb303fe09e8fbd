"""Statement kind: guards, the classifier over sentence vectors, DIET as one input."""

from __future__ import annotations

import pytest

from bot.mediation.statement_kind import (
    KindClassifier,
    decide_kind,
    guard,
    intent_probabilities,
    kind_answer,
    misread_command,
    nlu_examples,
    position_cue,
    unreadable,
)
from bot.settings import NLU_DIR

EGYPT = (
    "Almost all of Egypt's fresh water comes from the Nile, so a drought during the "
    "filling could leave our farmers without water."
)


@pytest.fixture(scope="module")
def classifier(semantics, tmp_path_factory):
    return KindClassifier.load_or_train(semantics, NLU_DIR, tmp_path_factory.mktemp("cache"))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("accept 1", "measure reference"),
        ("Accept 2 and 3", "measure reference"),
        ("reject option two", "measure reference"),
        ("done", "command"),
        ("Done.", "command"),
        ("ok, next", "command"),
        ("where are we?", "command"),
        ("thanks!", "small talk"),
        ("ok", "small talk"),
    ],
)
def test_commands_and_measure_references_are_never_statements(classifier, text, reason):
    assert guard(text) == reason
    decision = decide_kind(text, classifier)
    assert decision.kind == "none" and not decision.is_statement
    # not even when DIET is sure it is an interest
    sure = [{"name": "state_interest", "confidence": 0.99}]
    assert decide_kind(text, classifier, sure).kind == "none"


def test_the_egypt_sentence_is_an_interest_even_when_diet_says_option(classifier, semantics):
    diet = [
        {"name": "propose_option", "confidence": 0.62},
        {"name": "state_interest", "confidence": 0.35},
        {"name": "state_position", "confidence": 0.03},
    ]
    decision = decide_kind(EGYPT, classifier, diet, semantics.words, ["Egypt", "Ethiopia"])
    assert decision.kind == "interest", decision


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("China must withdraw all its troops to the positions of April 2020.", "position"),
        ("We will never accept a quota below thirty percent.", "position"),
        ("What if both navies agreed safe distances at sea?", "option"),
        ("Our fishermen have nowhere else to earn a living.", "interest"),
    ],
)
def test_kinds_by_meaning(classifier, semantics, text, kind):
    assert decide_kind(text, classifier, (), semantics.words).kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "asdkj qwe zxcv plorp",
        "Nous voulons de l'eau pour nos agriculteurs et nos villes",
        "نريد المياه لمزارعينا",
        "我们需要水",
    ],
)
def test_gibberish_and_other_languages_are_asked_about(classifier, semantics, text):
    assert unreadable(text, semantics.words)
    decision = decide_kind(text, classifier, (), semantics.words)
    assert (decision.kind, decision.reason) == ("unclear", "unreadable")


def test_party_names_do_not_make_english_unreadable(semantics):
    assert not unreadable(
        "Durnholt needs water for Qessarin", semantics.words, ["Durnholt", "Qessarin"]
    )
    assert not unreadable("Our herders need the pastures", semantics.words)


def test_training_data_and_intent_folding():
    examples = nlu_examples(NLU_DIR)
    kinds = {kind for _, kind in examples}
    assert kinds == {"interest", "position", "option", "none"}
    assert not any("](" in text for text, _ in examples)  # entity markup removed
    folded = intent_probabilities(
        [
            {"name": "state_interest", "confidence": 0.5},
            {"name": "greet", "confidence": 0.3},
            {"name": "done", "confidence": 0.2},
        ]
    )
    assert folded["interest"] == pytest.approx(0.5) and folded["none"] == pytest.approx(0.5)


def test_weights_are_cached_by_data(semantics, tmp_path):
    first = KindClassifier.load_or_train(semantics, NLU_DIR, tmp_path)
    assert len(list(tmp_path.glob("statement-kind-*.npz"))) == 1
    again = KindClassifier.load_or_train(semantics, NLU_DIR, tmp_path)
    assert again.probabilities(EGYPT) == pytest.approx(first.probabilities(EGYPT))


def test_a_long_statement_misread_as_restart_is_not_obeyed():
    text = "The 4.6 square kilometres next to the temple were never settled by the court."
    assert misread_command(text, 0.49)
    assert not misread_command(text, 0.95)  # near-certain: obeyed
    assert not misread_command("start over", 0.49)  # a command, however unsure
    assert not misread_command("bye then", 0.6)  # short: obeyed


@pytest.mark.parametrize(
    "text",
    [
        "The United States must lift the tariffs on European steel and aluminium, we are allies.",
        "Ethiopia has every right to use the water that rises in its highlands.",
        "The 4.6 square kilometres next to the temple are not up for negotiation.",
        "Laos has the sovereign right to build dams on its own stretch of the river.",
    ],
)
def test_demands_and_claims_of_right_read_as_positions(classifier, semantics, text):
    assert position_cue(text)
    diet_says_interest = [{"name": "state_interest", "confidence": 0.98}]
    assert decide_kind(text, classifier, diet_says_interest, semantics.words).kind == "position"


def test_what_the_speaker_says_it_must_do_itself_is_no_demand_of_another():
    roads = "India needs to build roads and bridges on its own side of the line."
    assert not position_cue(roads, "India", ["India", "China"])  # India's own need
    assert position_cue(roads, "China", ["India", "China"])  # China's demand of India
    assert position_cue(roads)  # no speaker known: read as a demand, as before
    # "we have to be sure", after an opening phrase, is the speaker's own need too.
    assert not position_cue("In a drought year we have to be sure that enough water reaches us")
    assert position_cue("In a drought year Ethiopia has to release enough water for us")


LONG_STATEMENT = (
    "Pyla is the last mixed village on the island and we want both communities there to "
    "keep living side by side in peace."
)


def test_an_unsure_command_reading_of_a_long_statement_is_set_aside(classifier, semantics):
    unsure = [
        {"name": "accept_measure", "confidence": 0.35},
        {"name": "inform", "confidence": 0.28},
        {"name": "state_interest", "confidence": 0.2},
        {"name": "restart", "confidence": 0.17},
    ]
    decision = decide_kind(LONG_STATEMENT, classifier, unsure, semantics.words, ["Pyla"])
    assert decision.kind == "interest", decision
    # Short messages keep DIET's whole vote, and so do long ones it is sure of.
    assert intent_probabilities(unsure)["none"] > 0.5
    assert intent_probabilities(unsure, statements_only=True)["none"] == 0.0
    sure = [{"name": "start_mediation", "confidence": 0.97}]
    text = "Can you run a mediation between hospital staff and the administrators"
    assert decide_kind(text, classifier, sure, semantics.words).kind != "interest"


def test_long_whitespace_runs_cannot_stall_the_guards(classifier, semantics):
    import time

    from bot.mediation.parties import parse_parties

    started = time.perf_counter()
    for text in [
        "I accept" + " " * 3000 + "the dam must go",
        "ok" + " " * 5000,
        "A" + " " * 4000 + "B",
    ]:
        guard(text)
        position_cue(text)
        decide_kind(text, classifier, (), semantics.words)
        parse_parties(text)
    assert time.perf_counter() - started < 2.0


def test_terse_english_notes_are_readable(semantics):
    assert not unreadable(
        "Secure water supply, farmer livelihoods, drought protection", semantics.words
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("an interest", "interest"),
        ("It's an interest.", "interest"),
        ("that is their need", "interest"),
        ("a worry", "interest"),
        ("position", "position"),
        ("it's a demand", "position"),
        ("Their position please", "position"),
        ("Our farmers need water", None),  # a statement, never an answer
        ("the position of the troops near the line", None),
        ("interesting", None),
        ("", None),
    ],
)
def test_a_typed_answer_to_interest_or_position(text, kind):
    assert kind_answer(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "We could pay compensation through the traditional rulers when cattle damage a farm.",
        "How about a joint committee that meets every month?",
        "Perhaps both sides could publish their patrol schedules.",
    ],
)
def test_the_openings_of_a_proposal_read_as_options(classifier, semantics, text):
    diet_says_position = [{"name": "state_position", "confidence": 0.9}]
    assert decide_kind(text, classifier, diet_says_position, semantics.words).kind == "option"


def test_could_never_is_no_proposal(classifier, semantics):
    text = "We could never accept foreign boats inside our waters."
    assert decide_kind(text, classifier, (), semantics.words).kind != "option"
