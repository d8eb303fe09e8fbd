"""The custom actions, run with rasa_sdk's CollectingDispatcher and Tracker on a real database."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import forms, mediation, navigation, session, statements
from bot.mediation.statement_kind import KindDecision
from tests.unit.rasa_helpers import make_tracker, run, slot_events, texts


def test_start_mediation_opens_a_session_and_closes_the_previous(repo, started):
    assert repo.get(started).status == "active"
    events, _ = run(
        mediation.StartMediation(),
        make_tracker("again", "start_mediation", slots={"session_id": started}),
    )
    assert repo.get(started).status == "abandoned"
    assert slot_events(events)["session_id"] != started


@pytest.mark.parametrize(
    ("text", "intent"),
    [("understood, we agree to that", "nlu_fallback"), ("yes please", "affirm")],
)
def test_a_yes_to_shall_we_begin_starts_a_mediation(repo, text, intent):
    events, messages = run(mediation.AnswerStartOffer(), make_tracker(text, intent))
    assert not messages
    assert events[-1] == {"event": "followup", "name": "opening_form", "timestamp": None}
    sid = slot_events(events)["session_id"]
    assert repo.get(sid).status == "active" and slot_events(events)["mode"] == "mediation"


@pytest.mark.parametrize(
    ("text", "response"),
    [("no, not now", "utter_start_declined"), ("what is this?", "utter_start_how")],
)
def test_a_no_or_no_answer_to_shall_we_begin_starts_nothing(repo, text, response):
    events, messages = run(mediation.AnswerStartOffer(), make_tracker(text, "nlu_fallback"))
    assert events == [] and [m["response"] for m in messages] == [response]


def test_a_yes_to_shall_we_begin_never_abandons_a_session_under_way(repo, started):
    slots = {"session_id": started, "step": "summary"}
    for text, intent in (("yes", "affirm"), ("no", "deny")):
        events, messages = run(mediation.AnswerStartOffer(), make_tracker(text, intent, slots))
        assert events == [] and "already under way" in texts(messages)
        assert repo.get(started).status == "active"
    repo.finish(started, "abandoned")
    events, _ = run(mediation.AnswerStartOffer(), make_tracker("yes", "affirm", slots))
    assert slot_events(events)["session_id"] != started  # a finished one: start afresh


def test_going_back_from_the_summary_reopens_the_measures_step(repo, started):
    """After the summary no form runs, so no rule would open the measures again."""
    repo.finish(started, "completed", "summary text")
    slots = {"session_id": started, "step": "summary"}
    events, messages = run(navigation.GoBack(), make_tracker("go back", "go_back", slots))
    assert "Back to the measures" in texts(messages)
    assert events[-1] == {"event": "followup", "name": "measures_form", "timestamp": None}
    assert slot_events(events)["step"] is None and repo.get(started).status == "active"


def test_opening_asks_for_consent_once_in_full(repo, started):
    events, messages = run(forms.AskConsent(), make_tracker("", None, {"session_id": started}))
    assert [m["response"] for m in messages] == ["utter_opening", "utter_ask_consent"]
    assert slot_events(events)["step"] == "opening"
    _, messages = run(
        forms.AskConsent(), make_tracker("", None, {"session_id": started, "step": "opening"})
    )
    assert [m["response"] for m in messages] == ["utter_ask_consent"]

    validator = forms.ValidateOpeningForm()
    slots = {"session_id": started, "requested_slot": "consent"}
    events, messages = run(
        validator,
        make_tracker(
            "no", "deny", slots, active_loop="opening_form", candidates={"consent": False}
        ),
    )
    assert slot_events(events)["consent"] is None
    assert messages[0]["response"] == "utter_consent_declined"
    events, _ = run(
        validator,
        make_tracker(
            "yes", "affirm", slots, active_loop="opening_form", candidates={"consent": True}
        ),
    )
    assert slot_events(events)["consent"] is True


def test_the_topic_question_recalls_the_topic_so_far(repo, started):
    """Coming back to the topic (after "go back") shows what was said before."""
    events, messages = run(forms.AskTopic(), make_tracker("", None, {"session_id": started}))
    assert [m["response"] for m in messages] == ["utter_ask_topic"]
    assert slot_events(events)["step"] == "context"
    repo.set_topic(started, "The Kora dam")
    _, messages = run(forms.AskTopic(), make_tracker("", None, {"session_id": started}))
    assert messages[0]["response"] == "utter_ask_topic"
    assert "“The Kora dam”" in messages[1]["text"]


def test_context_form(repo, started):
    validator = forms.ValidateContextForm()
    base = {"session_id": started, "requested_slot": "topic"}
    events, _ = run(
        validator,
        make_tracker(
            "  A dam on the Kora river  ",
            "inform",
            base,
            active_loop="context_form",
            candidates={"topic": "A dam on the Kora river"},
        ),
    )
    assert slot_events(events)["topic"] == "  A dam on the Kora river  "
    assert repo.get(started).topic == "  A dam on the Kora river  "

    base["requested_slot"] = "parties"
    events, messages = run(
        validator,
        make_tracker(
            "Riverland",
            "inform",
            base,
            active_loop="context_form",
            candidates={"parties": ["Riverland"]},
        ),
    )
    assert slot_events(events)["parties"] is None
    assert slot_events(events)["party_draft"] == ["Riverland"]
    _asker_events, asked = run(
        forms.AskParties(), make_tracker("", None, {**base, "party_draft": ["Riverland"]})
    )
    assert "who is on the other side" in texts(asked)

    events, messages = run(
        validator,
        make_tracker(
            "riverland and Dryland",
            "inform",
            {**base, "party_draft": ["Riverland"]},
            active_loop="context_form",
            candidates={"parties": ["riverland and Dryland"]},
        ),
    )
    slots = slot_events(events)
    assert slots["parties"] == ["Riverland", "Dryland"]
    assert slots["current_party"] == "Riverland"
    assert "more than once" in texts(messages)
    assert [p.name for p in repo.get(started).parties] == ["Riverland", "Dryland"]


def _interests_tracker(started, text, intent, current="Riverland", **extra):
    slots = {
        "session_id": started,
        "parties": ["Riverland", "Dryland"],
        "current_party": current,
        "requested_slot": "interest_statement",
        "step": "interests",
        **extra.pop("slots", {}),
    }
    return make_tracker(
        text,
        intent,
        slots,
        active_loop="interests_form",
        candidates={"interest_statement": text.strip()},
        **extra,
    )


@pytest.fixture
def with_parties(repo, started):
    repo.set_parties(started, ["Riverland", "Dryland"])
    return started


def test_interests_done_before_any_interest_is_a_clear_prompt(repo, with_parties):
    events, messages = run(
        forms.ValidateInterestsForm(), _interests_tracker(with_parties, "done", "done")
    )
    assert slot_events(events)["interest_statement"] is None
    assert "haven't noted any interest for Riverland" in texts(messages)


def test_interests_positions_and_moving_on(repo, with_parties):
    validator = forms.ValidateInterestsForm()
    text = "  Our farmers depend on the river in summer 💧 "
    events, messages = run(validator, _interests_tracker(with_parties, text, "state_interest"))
    assert slot_events(events)["interest_statement"] is None
    assert "Noted as an interest of Riverland (" in texts(messages)
    assert "water and rivers" in texts(messages)

    events, messages = run(
        validator,
        _interests_tracker(
            with_parties, "Dryland must stop building the dam now", "state_position"
        ),
    )
    # A demand made of Dryland during Riverland's turn is Riverland's position.
    assert "Riverland's position" in texts(messages)
    events, messages = run(
        validator,
        _interests_tracker(
            with_parties, "Dryland's farmers need water for their fields", "state_interest"
        ),
    )
    assert "Noted as an interest of Dryland" in texts(messages)  # plainly about Dryland
    events, messages = run(
        validator, _interests_tracker(with_parties, "accept 1", "accept_measure")
    )
    assert "measures come at step 5" in texts(messages)
    events, messages = run(
        validator, _interests_tracker(with_parties, "blorf snek wibble zorp", "state_interest")
    )
    assert "couldn't read that as English" in texts(messages)

    events, _ = run(validator, _interests_tracker(with_parties, "that's all", "done"))
    assert slot_events(events)["current_party"] == "Dryland"
    run(
        validator,
        _interests_tracker(
            with_parties, "Dryland needs water for its cities", "state_interest", current="Dryland"
        ),
    )
    events, _ = run(validator, _interests_tracker(with_parties, "no", "deny", current="Dryland"))
    assert slot_events(events)["interest_statement"] == "done"

    stored = repo.statements(with_parties)
    assert [(s.party, s.kind) for s in stored] == [
        ("Riverland", "interest"),
        ("Riverland", "position"),
        ("Dryland", "interest"),
        ("Dryland", "interest"),
    ]
    assert stored[0].text == text  # exactly as typed


def test_fallback_judges_by_meaning_and_asks_when_unsure(repo, with_parties):
    # DIET unsure, the meaning plain: recorded without a question.
    text = "Our herders need safe access to the summer pastures"
    _events, messages = run(
        mediation.Clarify(), _interests_tracker(with_parties, text, "nlu_fallback")
    )
    assert "Noted as an interest of Riverland" in texts(messages)
    assert [s.text for s in repo.statements(with_parties)] == [text]


def test_clarifying_question_records_the_original_text(repo, with_parties):
    tracker = _interests_tracker(with_parties, "the orchards by the old mill", "nlu_fallback")
    events = statements.ask_interest_or_position(
        CollectingDispatcher(), "the orchards by the old mill", "Riverland"
    )
    assert slot_events(events)["pending_statement"] == "the orchards by the old mill"
    dispatcher = CollectingDispatcher()
    unsure = KindDecision("unclear", 0.4, "uncertain")
    events = statements.handle_statement(
        dispatcher, tracker, "the orchards", unsure, "Riverland", []
    )
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [
        "/state_interest",
        "/state_position",
    ]
    _, asked = run(
        forms.AskInterestStatement(),
        _interests_tracker(with_parties, "", None, slots={"pending_statement": "x"}),
    )
    assert asked == []  # the clarifying question is not buried under a new prompt
    events, _ = run(
        forms.ValidateInterestsForm(),
        _interests_tracker(
            with_parties,
            "/state_interest",
            "state_interest",
            slots={"pending_statement": "the orchards by the old mill"},
        ),
    )
    assert slot_events(events)["pending_statement"] is None
    assert [s.text for s in repo.statements(with_parties)] == ["the orchards by the old mill"]


def _record_interests(repo, sid, analyser):
    for i, (party, text) in enumerate(
        [
            ("Riverland", "our farmers need the river's water to irrigate their fields"),
            ("Dryland", "we need enough water from the river for our crops"),
        ]
    ):
        repo.add_statement(sid, f"seed-{i}", party, "interest", analyser.analyse(text))


def test_common_ground_found_edited_and_confirmed(repo, with_parties, analyser):
    _record_interests(repo, with_parties, analyser)
    slots = {
        "session_id": with_parties,
        "parties": ["Riverland", "Dryland"],
        "requested_slot": "common_ground_feedback",
        "step": "interests",
    }
    events, messages = run(forms.AskCommonGroundFeedback(), make_tracker("", None, slots))
    assert slot_events(events)["step"] == "common_ground"
    assert "Shared needs:\n1. Both Riverland and Dryland" in texts(messages)
    assert [c.kind for c in repo.common_ground(with_parties)] == ["shared_need"]
    assert repo.get(with_parties).furthest_step == "common_ground"

    validator = forms.ValidateCommonGroundForm()
    slots["step"] = "common_ground"

    def say(text, intent):
        return run(
            validator,
            make_tracker(
                text,
                intent,
                slots,
                active_loop="common_ground_form",
                candidates={"common_ground_feedback": text},
            ),
        )

    say("both want a fair share in dry years", "state_interest")
    events, messages = say("remove 1", "deny")
    assert "Removed: Both Riverland" in texts(messages)
    _, messages = say("hmm", "nlu_fallback")  # small talk DIET missed: no point
    assert "Say yes to confirm" in texts(messages)
    _, messages = say("that is not right", "nlu_fallback")  # a typed no
    assert "What isn't right?" in texts(messages)
    assert len(repo.common_ground(with_parties)) == 1
    events, _ = say("both want to proceed with talks", "state_interest")  # a point, no yes
    assert slot_events(events)["common_ground_feedback"] is None
    repo.set_common_ground_status(
        with_parties, [repo.common_ground(with_parties)[-1].id], "removed"
    )
    events, _ = say("happy with that list, go ahead", "nlu_fallback")  # a typed yes
    assert slot_events(events)["common_ground_feedback"] == "confirmed"
    assert [(c.text, c.status) for c in repo.common_ground(with_parties)] == [
        ("both want a fair share in dry years", "confirmed")
    ]


def test_goodbye_at_the_measures_closes_the_mediation_with_its_summary(repo, with_parties):
    slots = {"session_id": with_parties, "step": "measures", "requested_slot": "measure_decision"}
    tracker = make_tracker(
        "those measures will do, please close the session",
        "goodbye",
        slots,
        active_loop="measures_form",
    )
    events, messages = run(navigation.Goodbye(), tracker)
    assert "Closing the mediation here, with its summary." in texts(messages)
    assert [e["name"] for e in events if e["event"] == "followup"] == ["action_summarise"]
    assert repo.get(with_parties).status == "active"  # the summary completes it
    events, messages = run(mediation.Summarise(), make_tracker("", None, slots))
    assert repo.get(with_parties).status == "completed"
    slots["step"] = "interests"  # earlier, a goodbye leaves it unfinished, and says so
    repo.reopen(with_parties)
    _, messages = run(navigation.Goodbye(), make_tracker("bye", "goodbye", slots))
    assert "saved, unfinished, as" in texts(messages)
    assert repo.get(with_parties).status == "abandoned"


def test_measures_ranked_accepted_rejected_and_proposed(repo, with_parties, analyser):
    _record_interests(repo, with_parties, analyser)
    slots = {
        "session_id": with_parties,
        "requested_slot": "measure_decision",
        "step": "common_ground",
    }
    events, messages = run(forms.AskMeasureDecision(), make_tracker("", None, slots))
    shown = slot_events(events)["shown_measures"]
    assert len(shown) == 3
    assert texts(messages).count("\n1. ") + texts(messages).startswith("1. ") <= 1
    payloads = [b["payload"] for m in messages for b in m.get("buttons", [])]
    assert f'/accept_measure{{"measure_id":"{shown[0]}"}}' in payloads

    validator = forms.ValidateMeasuresForm()
    slots.update(step="measures", shown_measures=shown)

    def say(text, intent, entities=None):
        return run(
            validator,
            make_tracker(
                text,
                intent,
                slots,
                entities=entities,
                active_loop="measures_form",
                candidates={"measure_decision": text},
            ),
        )

    say(
        f'/accept_measure{{"measure_id":"{shown[0]}"}}',
        "accept_measure",
        [{"entity": "measure_id", "value": shown[0]}],
    )
    say("reject the second one", "reject_measure")
    _, messages = say("accept", "accept_measure")
    assert "Accepted" in texts(messages)  # only one left undecided: it is the one meant
    say("what if the water boards met every month?", "propose_option")
    events, _ = say("more options please", "more_measures")
    assert len(slot_events(events)["shown_measures"]) == 3
    assert not set(slot_events(events)["shown_measures"]) & set(shown)
    _, messages = say("hmm", "inform")
    assert "accept or reject a listed measure" in texts(messages)
    events, _ = say("no more measures, let us finish here", "nlu_fallback")  # typed
    assert slot_events(events)["measure_decision"] == "done"
    events, _ = say("done", "done")
    assert slot_events(events)["measure_decision"] == "done"

    statuses = {m.measure_id: m.status for m in repo.measures(with_parties)}
    assert statuses[shown[0]] == "accepted" and statuses[shown[1]] == "rejected"
    assert statuses[shown[2]] == "accepted"
    assert any(m.source == "user" and m.status == "accepted" for m in repo.measures(with_parties))


def test_summary_completes_the_session(repo, with_parties, analyser):
    _record_interests(repo, with_parties, analyser)
    repo.set_topic(with_parties, "The Kora dam")
    _events, messages = run(
        mediation.Summarise(),
        make_tracker(
            "done", "done", {"session_id": with_parties, "parties": ["Riverland", "Dryland"]}
        ),
    )
    record = repo.get(with_parties)
    assert record.status == "completed" and record.furthest_step == "summary"
    assert with_parties in texts(messages) and "Next channels" in texts(messages)
    assert record.summary == messages[0]["text"]


def test_navigation(repo, with_parties):
    slots = {
        "session_id": with_parties,
        "parties": ["Riverland", "Dryland"],
        "current_party": "Dryland",
        "step": "interests",
    }
    events, _ = run(
        navigation.GoBack(), make_tracker("back", "go_back", slots, active_loop="interests_form")
    )
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    assert slot_events(events)["parties"] is None

    _, messages = run(
        navigation.WhereAreWe(),
        make_tracker("where", "where_are_we", slots, active_loop="interests_form"),
    )
    assert "Step 3 of 6: Interests" in texts(messages) and "Dryland's interests" in texts(messages)
    _, messages = run(
        navigation.Help(), make_tracker("help", "help", slots, active_loop="measures_form")
    )
    assert messages[0]["response"] == "utter_help_measures"
    _, messages = run(
        navigation.SkipStep(), make_tracker("skip", "skip_step", slots, active_loop="context_form")
    )
    assert "can't be skipped" in texts(messages)

    events, _ = run(navigation.Goodbye(), make_tracker("bye", "goodbye", slots))
    assert repo.get(with_parties).status == "abandoned"
    repo.reopen(with_parties)
    events, messages = run(navigation.Restart(), make_tracker("restart", "restart", slots))
    assert events[-1]["event"] == "restart"
    assert repo.get(with_parties).status == "abandoned"


def test_reframe_during_interests(repo, with_parties):
    slots = {"session_id": with_parties, "current_party": "Riverland"}
    _, messages = run(
        mediation.Reframe(),
        make_tracker(
            "They are thieves who stole our water",
            "express_hostility",
            slots,
            active_loop="interests_form",
        ),
    )
    assert "Riverland cares about a fair share" in texts(messages)


def test_a_client_message_id_is_the_idempotency_key():
    tracker = make_tracker("our farmers need water", "state_interest")
    assert session.message_id(tracker).startswith("msg-")  # Rasa's id
    tracker.latest_message["metadata"]["client_message_id"] = "phone-42"
    assert session.message_id(tracker) == "client:phone-42"


def test_names_read_as_goodbye_at_the_parties_question_are_the_parties(repo, started):
    asked = {"session_id": started, "requested_slot": "parties", "step": "context"}
    tracker = make_tracker("Elmoor, Harnow", "goodbye", asked, active_loop="context_form")
    events, messages = run(navigation.Goodbye(), tracker)
    assert "The parties are Elmoor and Harnow" in texts(messages)
    assert slot_events(events)["parties"] == ["Elmoor", "Harnow"]
    assert [e["name"] for e in events if e["event"] == "followup"] == ["context_form"]
    assert repo.get(started).status == "active"
    farewell = make_tracker("bye for now", "goodbye", asked, active_loop="context_form")
    _, messages = run(navigation.Goodbye(), farewell)
    assert "Goodbye. This session is saved" in texts(messages)
    assert repo.get(started).status == "abandoned"


@pytest.mark.parametrize(
    ("action", "intent"),
    [
        (mediation.Reframe(), "express_hostility"),
        (navigation.OutOfScope(), "out_of_scope"),
        (navigation.Goodbye(), "goodbye"),
        (navigation.GoBack(), "go_back"),
    ],
)
def test_the_context_answer_is_taken_whatever_side_intent_nlu_read(repo, started, action, intent):
    base = {"session_id": started, "requested_slot": "parties"}
    tracker = make_tracker("Nationalists and Unionists", intent, base, active_loop="context_form")
    events, _messages = run(action, tracker)
    assert slot_events(events)["parties"] == ["Nationalists", "Unionists"]
    assert {"event": "followup", "name": "context_form"} in [
        {"event": e["event"], "name": e.get("name")} for e in events if e["event"] == "followup"
    ]
    assert [p.name for p in repo.get(started).parties] == ["Nationalists", "Unionists"]
    base["requested_slot"] = "topic"
    topic = "The return of Syrian refugees from Lebanon"
    tracker = make_tracker(topic, intent, base, active_loop="context_form")
    tracker.latest_message["intent"]["confidence"] = 0.6  # "return" read as back, unsure
    events, _ = run(action, tracker)
    assert slot_events(events)["topic"] == topic
    if intent in ("goodbye", "go_back"):  # a command DIET is sure of is obeyed
        tracker.latest_message["intent"]["confidence"] = 0.97
        events, _ = run(action, tracker)
        assert "topic" not in slot_events(events)


def test_plain_commands_keep_their_meaning_in_the_context_form(repo, started):
    base = {"session_id": started, "requested_slot": "parties"}
    events, messages = run(
        navigation.Goodbye(), make_tracker("bye", "goodbye", base, active_loop="context_form")
    )
    assert "Goodbye" in texts(messages) and "parties" not in slot_events(events)


def test_a_sentence_is_not_a_list_of_parties(repo, started):
    base = {"session_id": started, "requested_slot": "parties"}
    text = "Lebanon hosts more refugees than any country, and our schools and hospitals cannot cope"
    events, messages = run(
        forms.ValidateContextForm(),
        make_tracker(
            text, "inform", base, active_loop="context_form", candidates={"parties": text}
        ),
    )
    assert slot_events(events)["parties"] is None
    assert "a sentence rather than a list of names" in texts(messages)


def test_a_statement_misread_as_hostile_or_as_back_is_recorded(repo, with_parties):
    text = "Chinese fishing crews from Hainan also make their living in these waters"
    _, messages = run(
        mediation.Reframe(), _interests_tracker(with_parties, text, "express_hostility")
    )
    assert "Noted as an interest of Riverland" in texts(messages)
    _, messages = run(
        mediation.Reframe(),
        _interests_tracker(with_parties, "Dryland are liars", "express_hostility"),
    )
    assert "keep the people and the problem apart" in texts(messages)  # hostile: reframed
    long = "We want to return to the fields our grandparents farmed before the war started"
    tracker = _interests_tracker(with_parties, long, "go_back")
    tracker.latest_message["intent"]["confidence"] = 0.6
    _, messages = run(navigation.GoBack(), tracker)
    assert "Noted as an interest of Riverland" in texts(messages)
    assert [s.text for s in repo.statements(with_parties)] == [text, long]


def test_the_clarifying_question_can_be_answered_in_words(repo, with_parties):
    """Typing "an interest" (not clicking the button) answers the question: the text
    that waited is recorded with that kind, and "an interest" itself is not."""
    waiting = "the orchards by the old mill"
    events, messages = run(
        forms.ValidateInterestsForm(),
        _interests_tracker(
            with_parties, "it's an interest", "inform", slots={"pending_statement": waiting}
        ),
    )
    assert slot_events(events)["pending_statement"] is None
    assert "Noted as an interest of Riverland" in texts(messages)
    stored = repo.statements(with_parties)
    assert [(s.text, s.kind) for s in stored] == [(waiting, "interest")]
    # The same when DIET was unsure of the words and the fallback answered.
    events, _ = run(
        mediation.Clarify(),
        _interests_tracker(
            with_parties, "a demand", "nlu_fallback", slots={"pending_statement": "the mill"}
        ),
    )
    assert slot_events(events)["pending_statement"] is None
    assert ("the mill", "position") in [(s.text, s.kind) for s in repo.statements(with_parties)]
    # And when DIET read the answer as a command (the typed soak: "an interest" as help).
    for action, intent, waiting in [
        (navigation.Help(), "help", "the wool they sell abroad"),
        (navigation.Goodbye(), "goodbye", "the pastures above Calder"),
    ]:
        events, messages = run(
            action,
            _interests_tracker(
                with_parties, "an interest", intent, slots={"pending_statement": waiting}
            ),
        )
        assert slot_events(events)["pending_statement"] is None
        assert "Noted as an interest of Riverland" in texts(messages)
        assert (waiting, "interest") in [(s.text, s.kind) for s in repo.statements(with_parties)]
    assert repo.get(with_parties).status == "active"  # the goodbye was no farewell


def test_consent_needs_a_yes_or_a_no_and_says_so():
    validator = forms.ValidateOpeningForm()
    for value, expected, said in [
        (True, True, ""),
        (None, None, ""),  # the slot reset as the form starts: nothing to answer yet
        (False, None, "nothing has been agreed"),
        ("who gets the river water", None, "I need a yes or a no"),
        ("understood, we agree to that", True, ""),  # typed, not the button
        ("that is acceptable to both of us", True, ""),
        ("we do not agree to this", None, "nothing has been agreed"),
        ("   ", None, "I need a yes or a no"),
    ]:
        dispatcher = CollectingDispatcher()
        result = validator.validate_consent(value, dispatcher, None, {})
        assert result == {"consent": expected}
        responses = [m.get("response") for m in dispatcher.messages]
        if not said:
            assert responses == []
        elif "yes or a no" in said:
            assert responses == ["utter_consent_needed"]
        else:
            assert responses == ["utter_consent_declined"]
