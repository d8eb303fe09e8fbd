"""The web app, started for real on a free port, against a real SQLite database."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
import requests

from bot.ops.runner import scratch_stack
from bot.store.repository import SessionRepository


@dataclass
class Client:
    base: str

    def get(self, path: str) -> requests.Response:
        return requests.get(self.base + path, timeout=10)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("web")
    with scratch_stack(workdir, assistant=False, web=True, env={"RASA_PORT": "5999"}) as web:
        yield Client(web.web_url), web.settings.database_url


@pytest.fixture
def app(served):
    return served[0]


def test_page_carries_widget_config_and_a_strict_policy(app):
    page = app.get("/")
    assert page.status_code == 200
    assert "Start a mediation" in page.text and "Practise with a scenario" in page.text
    assert "/static/vendor/rasa-webchat-1.0.1.js" in page.text
    config = json.loads(page.text.split('id="config">')[1].split("</script>")[0])
    assert config["rasaPort"] == 5999
    assert [s["id"] for s in config["steps"]][:2] == ["opening", "context"]
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "http://*:5999" in policy


def test_progress_reports_the_step_only(app, served):
    repo = SessionRepository(served[1])
    sid = repo.start_session("socket-abc")
    repo.reach_step(sid, "interests")
    reply = app.get("/api/progress/socket-abc")
    assert reply.status_code == 200
    assert reply.json() == {"step": "interests", "number": 3, "of": 6, "status": "active"}
    missing = app.get("/api/progress/nobody")
    assert missing.status_code == 404 and missing.json() == {"step": None}
    assert app.get("/api/progress/" + "x" * 300).status_code == 400


def test_static_files_are_served(app):
    script = app.get("/static/app.js")
    assert script.status_code == 200 and "rasa-webchat" in script.text
    assert app.get("/static/vendor/rasa-webchat-1.0.1.js").status_code == 200
