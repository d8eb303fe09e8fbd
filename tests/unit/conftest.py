"""Fixtures for the action tests: a real SQLite database behind the actions' services."""

from __future__ import annotations

import pytest

from actions import mediation, session
from bot.store.migrate import upgrade
from tests.unit.rasa_helpers import make_tracker, run, slot_events


@pytest.fixture
def repo(sqlite_url, monkeypatch):
    upgrade(sqlite_url)
    monkeypatch.setattr(session.REPOSITORY, "url", sqlite_url)
    monkeypatch.setattr(session.TRAINING, "url", sqlite_url)
    return session.REPOSITORY


@pytest.fixture
def started(repo):
    events, messages = run(mediation.StartMediation(), make_tracker("start", "start_mediation"))
    assert messages == []  # the opening form asks for consent next
    return slot_events(events)["session_id"]
