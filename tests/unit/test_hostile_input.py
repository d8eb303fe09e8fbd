"""Property tests (hypothesis) with hostile input fed to the action code: random
unicode, control characters, huge strings. Nothing may crash, and what a user typed
is stored exactly as typed. Examples are derandomised so CI runs the same cases every
time. The web app's side is in tests/integration/test_web_hostile_input.py."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions import forms
from tests.hostile import FUZZ, HOSTILE
from tests.unit.rasa_helpers import make_tracker, run, slot_events


# -- the action code -------------------------------------------------------------------
@pytest.fixture
def session_with_parties(repo):
    from actions import mediation

    events, _ = run(mediation.StartMediation(), make_tracker("start", "start_mediation"))
    sid = slot_events(events)["session_id"]
    repo.set_parties(sid, ["Riverland", "Dryland"])
    return sid


def interests_tracker(sid: str, text: str, intent: str):
    return make_tracker(
        text,
        intent,
        {
            "session_id": sid,
            "parties": ["Riverland", "Dryland"],
            "current_party": "Riverland",
            "requested_slot": "interest_statement",
            "step": "interests",
        },
        active_loop="interests_form",
        candidates={"interest_statement": text.strip()},
    )


@FUZZ
@given(text=HOSTILE, intent=st.sampled_from(["state_interest", "state_position", "inform"]))
def test_the_interests_form_takes_anything_and_stores_it_verbatim(
    repo, session_with_parties, text, intent
):
    before = len(repo.statements(session_with_parties))
    events, messages = run(
        forms.ValidateInterestsForm(), interests_tracker(session_with_parties, text, intent)
    )
    # Every message gets an answer: the validator's own, or the form asking again for
    # the statement it did not take (small talk such as "YES" is not recorded).
    slots = slot_events(events)
    asks_again = slots.get("interest_statement", "absent") is None and not slots.get(
        "pending_statement"
    )  # (the form's question is not asked while a statement waits for "interest?")
    assert messages or asks_again, "every message gets an answer"
    stored = repo.statements(session_with_parties)
    if len(stored) > before:
        assert stored[-1].text == text  # exactly as typed: spaces, controls, all of it


@FUZZ
@given(text=HOSTILE)
def test_the_context_form_takes_any_topic_and_any_parties(repo, text):
    from actions import mediation

    events, _ = run(mediation.StartMediation(), make_tracker("start", "start_mediation"))
    sid = slot_events(events)["session_id"]
    for slot in ("topic", "parties"):
        tracker = make_tracker(
            text,
            "inform",
            {"session_id": sid, "requested_slot": slot, "step": "context"},
            active_loop="context_form",
            candidates={slot: text.strip()},
        )
        run(forms.ValidateContextForm(), tracker)  # no exception is the property
    topic = repo.get(sid).topic
    assert topic is None or topic == text or topic == text.strip()
