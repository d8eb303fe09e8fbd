"""A whole training session over REST against the real servers: the party answers,
the stored questions and scores, the debrief in chat and on its page."""

from __future__ import annotations

import re

import pytest
import requests

from bot.knowledge import cached_knowledge
from bot.store.repository import SessionRepository
from bot.store.training import TrainingRepository
from tests.integration.conftest import ARTIFACTS

LINK = re.compile(r"(http://\S+/debrief/[A-Za-z0-9_-]+)")


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def _start(stack, sender: str, name: str) -> None:
    say = lambda message: texts(stack.say(sender, message))  # noqa: E731
    assert "Practice mode" in say("I want to practise negotiating")
    assert "What name should your trainer see" in say("yes")
    assert "Which case would you like to practise?" in say(name)


def test_a_whole_training_session_is_scored_stored_and_debriefed(stack, browser):
    sender = "trainee-rest-1"
    say = lambda message: texts(stack.say(sender, message))  # noqa: E731
    knowledge = cached_knowledge(str(stack.settings.knowledge_dir))
    river = knowledge.scenarios["shared-river-dam"]
    riverland, highvale = river.parties

    _start(stack, sender, "Integration Trainee")
    brief = say('/inform{"scenario":"shared-river-dam"}')
    assert "Case: A shared river and a new dam" in brief
    assert riverland.positions[0] in brief and "Question Riverland" in brief
    assert not any(i.cue in brief for i in riverland.interests)  # the key stays hidden

    # Questioning: open and on topic reveals; leading gets the stonewall.
    farms = say("ask Riverland why the dam matters to them")
    assert riverland.interests[0].cue in farms
    assert riverland.stonewall in say("Riverland, don't you agree the dam is legal?")
    assert riverland.interests[1].cue in say("what happens to your cities when the river is low?")
    # Naming interests, and a position offered as one.
    assert "Noted as an interest of Riverland" in say(
        "Riverland's farmers need reliable water for irrigation in summer"
    )
    assert "Noted as an interest of Riverland" in say(
        "Riverland needs safe drinking water for its cities"
    )
    assert "position" in say("Riverland demands that the dam stops filling")
    assert "Question Highvale" in say("done")
    assert highvale.interests[0].cue in say("ask Highvale what the dam means for its villages")
    assert "Noted as an interest of Highvale" in say("Highvale needs electricity for its villages")
    assert "In your own words, what do the parties share?" in say("done")
    assert "Added to the common ground" in say(
        "both sides want shared data on rainfall and river flow"
    )
    assert "Step 5 of 6" in say("done")
    assert "Accepted" in say("accept 1")
    replies = stack.say(sender, "done")
    chat = texts(replies)
    assert "Debrief for “A shared river and a new dam”" in chat
    for label in ("Interests found", "Positions told apart", "Quality of questions", "Tone"):
        assert label in chat
    assert "Practise another scenario" in str(replies[-1].get("buttons"))

    # Stored with the session.
    record = SessionRepository(stack.settings.database_url).latest_for_sender(sender)
    assert record.mode == "training" and record.status == "completed"
    assert record.trainee == "Integration Trainee" and record.scenario == "shared-river-dam"
    training = TrainingRepository(stack.settings.database_url)
    questions = [(m.party, m.quality, m.revealed) for m in training.moves(record.id)]
    assert questions == [
        ("Riverland", "open", "summer-irrigation"),
        ("Riverland", "leading", None),
        ("Riverland", "open", "city-drinking-water"),
        ("Highvale", "open", "rural-electricity"),
    ]
    debrief = training.debrief(record.id)
    scores = {s.skill: s.score for s in debrief.skills}
    assert len(scores) == 6 and 0 < debrief.overall < 1
    assert scores["interests"] == pytest.approx(2 * (3 / 8) * 1.0 / (3 / 8 + 1), abs=0.01)
    assert scores["positions"] == 0.75  # one demand among four things named
    assert scores["common_ground"] > 0 and scores["tone"] == 1.0
    assert f"Overall: {round(debrief.overall * 100)}%" in chat

    # The debrief page, by the link given in the chat.
    link = LINK.search(chat).group(1)
    assert link.endswith(debrief.token)
    page = requests.get(
        link.replace(stack.settings.web_url, f"http://127.0.0.1:{stack.settings.web_port}"),
        timeout=10,
    )
    assert page.status_code == 200
    assert "Debrief: A shared river and a new dam" in page.text
    assert "Trainee: Integration Trainee" in page.text and '<svg class="skills"' in page.text
    assert "matched words" in page.text and "The answer key" in page.text

    # In Chromium: the chart renders under the page's CSP, with nothing blocked.
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.goto(link)
    chart = tab.locator("svg.skills")
    assert chart.is_visible() and chart.locator("rect.track").count() == 6
    assert tab.locator("#overall").inner_text() == f"{round(debrief.overall * 100)}%"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "training-debrief.png"), full_page=True)
    context.close()
    assert errors == []


def test_skipping_everything_still_gives_an_explained_debrief(stack):
    sender = "trainee-rest-2"
    say = lambda message: texts(stack.say(sender, message))  # noqa: E731
    assert "Practice mode" in say("let me practise with a scenario")
    assert "What name should your trainer see" in say("yes")
    assert "Which case" in say("/deny")  # stay anonymous
    assert "Case: " in say("surprise me")
    # "I don't know" gets help or a nudge, and is not recorded as an interest.
    assert "Question " in say("I don't know")
    assert "Skipping" in say("skip")
    assert "Skipping" in say("skip")
    chat = say("skip")
    assert "Overall: 0%" in chat
    assert "You named no interests" in chat and "You did not question the parties" in chat
    record = SessionRepository(stack.settings.database_url).latest_for_sender(sender)
    assert record.trainee is None and record.status == "completed"
    debrief = TrainingRepository(stack.settings.database_url).debrief(record.id)
    assert [s.score for s in debrief.skills] == [0.0] * 6
    assert all(s.summary and s.tip for s in debrief.skills)
