"""The debrief page and the reviewers' training views, over HTTP against the real web
app on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import csv
import io

import pytest
import requests

from bot.ops.runner import scratch_stack, temporary_postgres
from bot.review.accounts import Accounts
from bot.store.migrate import upgrade
from bot.store.repository import SessionRepository
from bot.store.training import TrainingRepository
from bot.store.training_record import training_record
from bot.training.matching import AnswerKey, catalogue_items
from bot.training.scoring import score_session
from tests.integration.test_review_web import PASSWORD, sign_in

XSS_NAME = "<script>alert('trainee')</script>"


def _training_session(url, knowledge, analyser, trainee, said) -> tuple[str, str]:
    repo, training = SessionRepository(url), TrainingRepository(url)
    sid = repo.start_session(f"sender-{trainee}", "training")
    training.set_trainee(sid, trainee)
    training.set_scenario(sid, "shared-river-dam")
    repo.set_parties(sid, ["Riverland", "Highvale"])
    for n, (party, text) in enumerate(said):
        repo.add_statement(sid, f"m{n}", party, "interest", analyser.analyse(text))
    training.add_move(
        sid,
        "q1",
        "question",
        "open",
        "What about <b>farms</b>?",
        "Riverland",
        "summer-irrigation",
        "Our farmers plant in spring",
    )
    key = AnswerKey.build(knowledge.scenarios["shared-river-dam"], analyser)
    debrief = score_session(
        key,
        training_record(repo.get(sid), training.moves(sid), analyser),
        knowledge.skills,
        catalogue_items(knowledge.measures.values(), analyser),
        knowledge.measures,
    )
    repo.finish(sid, "completed", "summary")
    return sid, training.save_debrief(sid, debrief)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request, tmp_path_factory, knowledge, analyser):
    with contextlib.ExitStack() as cleanup:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('training') / 'web.db'}"
        else:
            url = cleanup.enter_context(temporary_postgres())
        upgrade(url)
        first = _training_session(
            url, knowledge, analyser, "Ana", [("Riverland", "farmers need summer irrigation")]
        )
        second = _training_session(
            url,
            knowledge,
            analyser,
            "Ana",
            [
                ("Riverland", "farmers need summer irrigation"),
                ("Highvale", "villages need electricity and power"),
            ],
        )
        hostile = _training_session(url, knowledge, analyser, XSS_NAME, [])
        Accounts(url).add("trainer", PASSWORD)
        env = {"DATABASE_URL": url, "CONCORDIA_SECRET_KEY": "test-secret-" + "x" * 32}
        web = cleanup.enter_context(
            scratch_stack(
                tmp_path_factory.mktemp("training-web"), assistant=False, web=True, env=env
            )
        )
        yield {
            "base": web.web_url,
            "first": first,
            "second": second,
            "hostile": hostile,
        }


@pytest.fixture(scope="module")
def reviewer(server):
    client, reply = sign_in(server["base"])
    assert reply.status_code == 302
    return client


def test_the_debrief_page_shows_scores_chart_matches_and_the_key(server):
    sid, token = server["second"]
    reply = requests.get(f"{server['base']}/debrief/{token}", timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in reply.headers["Content-Security-Policy"]
    html = reply.text
    assert "Debrief: A shared river and a new dam" in html and "Trainee: Ana" in html
    assert '<svg class="skills"' in html and html.count('<rect class="track"') == 6
    for label in ("Interests found", "Quality of questions", "Tone"):
        assert label in html
    assert "matched words farmer, irrigation, summer" in html
    assert "The answer key" in html and "The dam also protects its own valley towns" in html
    assert "What about &lt;b&gt;farms&lt;/b&gt;?" in html  # the trainee's words, escaped
    assert sid in html


def test_a_debrief_link_is_needed_whole(server):
    _, token = server["second"]
    base = server["base"]
    for path in (token[:-1], token[:-1] + ("A" if token[-1] != "A" else "B"), "x", "y" * 43):
        assert requests.get(f"{base}/debrief/{path}", timeout=10).status_code == 404, path


def test_trainee_names_are_shown_as_text(server):
    _, token = server["hostile"]
    html = requests.get(f"{server['base']}/debrief/{token}", timeout=10).text
    assert XSS_NAME not in html and "&lt;script&gt;alert(" in html


def test_reviewer_training_views_need_a_reviewer(server):
    for path in ("/review/trainees", "/review/trainees/Ana"):
        reply = requests.get(server["base"] + path, timeout=10, allow_redirects=False)
        assert reply.status_code == 302 and "/review/login" in reply.headers["Location"]


def test_trainees_and_their_progress(server, reviewer):
    base = server["base"]
    listing = reviewer.get(f"{base}/review/trainees", timeout=10).text
    assert ">Ana</a>" in listing and "&lt;script&gt;" in listing and XSS_NAME not in listing
    page = reviewer.get(f"{base}/review/trainees/Ana", timeout=10)
    assert page.status_code == 200
    assert '<svg class="progress"' in page.text and page.text.count("<circle") == 2
    first, second = server["first"][0], server["second"][0]
    assert page.text.index(first) < page.text.index(second)  # oldest first
    missing = reviewer.get(f"{base}/review/trainees/Nobody", timeout=10)
    assert missing.status_code == 404


def test_the_session_page_and_the_list_carry_the_scores(server, reviewer):
    base = server["base"]
    sid, token = server["second"]
    page = reviewer.get(f"{base}/review/sessions/{sid}", timeout=10).text
    assert 'id="training-score"' in page and f"/debrief/{token}" in page
    assert '<svg class="skills"' in page and "open and on an interest" in page
    listing = reviewer.get(f"{base}/review", params={"trainee": "Ana"}, timeout=10).text
    assert sid in listing and server["first"][0] in listing and server["hostile"][0] not in listing
    exported = reviewer.get(f"{base}/review/export/csv", params={"trainee": "Ana"}, timeout=10)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {r["trainee"] for r in rows} == {"Ana"} and all(r["score"] for r in rows)
