"""The training-mode actions with rasa_sdk's dispatcher and tracker on a real database."""

from __future__ import annotations

import asyncio

import pytest

from actions import forms, mediation, navigation, session
from tests.unit.rasa_helpers import DOMAIN, make_tracker, run, slot_events, texts

RIVER = "shared-river-dam"


@pytest.fixture
def trainee_session(repo):
    events, _ = run(mediation.StartTraining(), make_tracker("practise", "start_training"))
    slots = slot_events(events)
    assert slots["mode"] == "training" and slots["scenario"] is None
    assert repo.get(slots["session_id"]).mode == "training"
    return slots["session_id"]


def _context(sid, text, intent, requested, candidates, entities=None, **slots):
    return make_tracker(
        text,
        intent,
        {"session_id": sid, "mode": "training", "requested_slot": requested, **slots},
        entities=entities,
        active_loop="context_form",
        candidates=candidates,
    )


def _chosen(repo, sid):
    validator = forms.ValidateContextForm()
    events, messages = run(
        validator,
        _context(
            sid,
            '/inform{"scenario":"shared-river-dam"}',
            "inform",
            "scenario",
            {"scenario": '/inform{"scenario":"shared-river-dam"}'},
            entities=[{"entity": "scenario", "value": RIVER}],
            trainee="Ana",
        ),
    )
    return slot_events(events), messages


def test_the_context_step_asks_for_a_name_and_a_scenario(repo, trainee_session):
    validator = forms.ValidateContextForm()
    tracker = _context(trainee_session, "", None, None, {})
    needed = asyncio.run(
        validator.required_slots(["topic", "parties", "trainee", "scenario"], None, tracker, DOMAIN)
    )
    assert needed == ["trainee", "scenario"]
    mediation_tracker = make_tracker("", None, {"session_id": trainee_session})
    needed = asyncio.run(
        validator.required_slots(
            ["topic", "parties", "trainee", "scenario"], None, mediation_tracker, DOMAIN
        )
    )
    assert needed == ["topic", "parties"]

    events, _ = run(
        validator,
        _context(trainee_session, "  Ana  Lopez ", "inform", "trainee", {"trainee": "Ana Lopez"}),
    )
    assert slot_events(events)["trainee"] == "Ana Lopez"
    assert repo.get(trainee_session).trainee == "Ana Lopez"
    events, messages = run(
        validator, _context(trainee_session, "x" * 81, "inform", "trainee", {"trainee": "x" * 81})
    )
    assert slot_events(events)["trainee"] is None and "up to 80" in texts(messages)


def test_staying_anonymous_stores_no_name(repo, trainee_session):
    events, _ = run(
        forms.ValidateContextForm(),
        _context(trainee_session, "/deny", "deny", "trainee", {"trainee": "/deny"}),
    )
    assert slot_events(events)["trainee"] == "anonymous"
    assert repo.get(trainee_session).trainee is None


def test_choosing_a_scenario_shows_the_brief_and_sets_the_case(repo, trainee_session):
    slots, messages = _chosen(repo, trainee_session)
    assert {k: slots[k] for k in ("scenario", "topic", "parties", "current_party")} == {
        "scenario": RIVER,
        "topic": "A shared river and a new dam",
        "parties": ["Riverland", "Highvale"],
        "current_party": "Riverland",
    }
    assert texts(messages).startswith("Case: A shared river and a new dam")
    record = repo.get(trainee_session)
    assert record.scenario == RIVER and [p.name for p in record.parties] == [
        "Riverland",
        "Highvale",
    ]
    events, messages = run(
        forms.ValidateContextForm(),
        _context(trainee_session, "border", "inform", "scenario", {"scenario": "border"}),
    )
    assert slot_events(events)["scenario"] is None
    assert "couldn't tell which case" in texts(messages)


def test_coming_back_to_the_context_keeps_the_case(repo, trainee_session):
    """After "go back" the form re-validates what is already filled: nothing changes."""
    events, messages = run(
        forms.ValidateContextForm(),
        _context(
            trainee_session,
            "go back",
            "go_back",
            None,
            {"trainee": "Ana", "scenario": RIVER},
            trainee="Ana",
            scenario=RIVER,
            parties=["Riverland", "Highvale"],
        ),
    )
    assert slot_events(events)["scenario"] == RIVER and messages == []
    events, messages = run(
        navigation.GoBack(),
        _interests(trainee_session, "go back", "go_back"),
    )
    assert "stays the same" in texts(messages) and "Case: A shared river" in texts(messages)
    assert "scenario" not in slot_events(events) and "parties" not in slot_events(events)


def _interests(sid, text, intent, current="Riverland", entities=None):
    return make_tracker(
        text,
        intent,
        {
            "session_id": sid,
            "mode": "training",
            "scenario": RIVER,
            "parties": ["Riverland", "Highvale"],
            "current_party": current,
            "requested_slot": "interest_statement",
            "step": "interests",
        },
        entities=entities,
        active_loop="interests_form",
        candidates={"interest_statement": text.strip()},
    )


def test_questioning_a_party_in_the_interests_step(repo, trainee_session):
    _chosen(repo, trainee_session)
    validator = forms.ValidateInterestsForm()
    events, messages = run(
        validator,
        _interests(
            trainee_session, "ask Highvale what the dam means for its villages", "ask_party"
        ),
    )
    assert slot_events(events)["interest_statement"] is None  # the step goes on
    assert texts(messages).startswith("Highvale: “Half our children do their homework")
    _, messages = run(validator, _interests(trainee_session, "Don't you agree?", "ask_party"))
    assert "Riverland: “The river is our life." in texts(messages)  # the current party
    assert "Coach:" in texts(messages)
    # A plain question that NLU took for a statement is still a question.
    _, messages = run(
        validator,
        _interests(trainee_session, "how do your cities get drinking water?", "state_interest"),
    )
    assert "Two million people drink from that river" in texts(messages)
    # A statement that NLU took for a question is a statement.
    _, messages = run(
        validator,
        _interests(trainee_session, "Highvale needs electricity for its villages", "ask_party"),
    )
    assert "Noted as an interest of Highvale" in texts(messages)
    _, messages = run(validator, _interests(trainee_session, "I don't know", "deny"))
    assert "That's fine" in texts(messages)
    _, messages = run(validator, _interests(trainee_session, "ask Riverland", "ask_party"))
    assert texts(messages) == "What would you like to ask Riverland?"

    moves = session.TRAINING.moves(trainee_session)
    assert [(m.party, m.quality, m.revealed) for m in moves] == [
        ("Highvale", "open", "rural-electricity"),
        ("Riverland", "leading", None),
        ("Riverland", "open", "city-drinking-water"),
    ]
    said = repo.statements(trainee_session)
    assert [(s.party, s.kind, s.text) for s in said] == [
        ("Highvale", "interest", "Highvale needs electricity for its villages")
    ]


def test_in_a_mediation_the_assistant_does_not_speak_for_a_party(repo, started):
    repo.set_parties(started, ["Riverland", "Dryland"])
    tracker = make_tracker(
        "ask Riverland what it needs",
        "ask_party",
        {
            "session_id": started,
            "parties": ["Riverland", "Dryland"],
            "current_party": "Riverland",
            "requested_slot": "interest_statement",
            "step": "interests",
        },
        active_loop="interests_form",
        candidates={"interest_statement": "ask Riverland what it needs"},
    )
    _, messages = run(forms.ValidateInterestsForm(), tracker)
    assert "I can't answer for Riverland" in texts(messages)


def test_common_ground_is_not_proposed_in_training(repo, trainee_session):
    _chosen(repo, trainee_session)
    tracker = make_tracker(
        "", None, {"session_id": trainee_session, "mode": "training", "scenario": RIVER}
    )
    _, messages = run(forms.AskCommonGroundFeedback(), tracker)
    assert "In your own words, what do the parties share?" in texts(messages)
    assert repo.common_ground(trainee_session) == []


def test_hostility_in_training_is_counted_and_the_party_stonewalls(repo, trainee_session):
    _chosen(repo, trainee_session)
    tracker = _interests(trainee_session, "Highvale, you are liars", "express_hostility")
    _, messages = run(mediation.Reframe(), tracker)
    assert texts(messages).startswith("Highvale: “We will not ask permission")
    run(mediation.Reframe(), _interests(trainee_session, "this is a disgrace", "express_hostility"))
    moves = session.TRAINING.moves(trainee_session)
    assert [(m.kind, m.party, m.quality) for m in moves] == [
        ("question", "Highvale", "hostile"),
        ("remark", None, "hostile"),
    ]


def test_the_summary_in_training_ends_with_the_debrief(repo, trainee_session, analyser):
    _chosen(repo, trainee_session)
    repo.add_statement(
        trainee_session, "s1", "Riverland", "interest", analyser.analyse("farmers need summer flow")
    )
    tracker = make_tracker(
        "done",
        "done",
        {
            "session_id": trainee_session,
            "mode": "training",
            "scenario": RIVER,
            "parties": ["Riverland", "Highvale"],
        },
    )
    _, messages = run(mediation.Summarise(), tracker)
    chat = texts(messages)
    assert "Debrief for “A shared river and a new dam”" in chat
    assert "/debrief/" in messages[-1]["text"]
    assert messages[-1]["buttons"][0]["payload"] == "/start_training"
    record = repo.get(trainee_session)
    assert record.status == "completed" and record.score is not None
    stored = session.TRAINING.debrief(trainee_session)
    assert stored.token in messages[-1]["text"] and len(stored.skills) == 6
    assert stored.skills[0].score > 0


def test_a_trainee_question_read_as_hostile_is_not_taken_for_a_statement(repo, trainee_session):
    _chosen(repo, trainee_session)
    text = "Highvale, why does the dam matter so much to you?"
    run(mediation.Reframe(), _interests(trainee_session, text, "express_hostility"))
    assert repo.statements(trainee_session) == []
