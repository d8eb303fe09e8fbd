"""The reviewer UI over HTTP, against the real web app on SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
import requests
from sqlalchemy import insert

from bot.ops.runner import scratch_stack, temporary_postgres
from bot.review.accounts import MAX_FAILURES, Accounts
from bot.store.db import get_engine
from bot.store.migrate import upgrade
from bot.store.repository import SessionRepository
from bot.store.transcript import events, rasa_metadata
from tests.integration import reviewing
from tests.integration.reviewing import csrf as _csrf

PASSWORD = "a long enough password"


def sign_in(
    base: str, password: str = PASSWORD, name: str = "trainer"
) -> tuple[requests.Session, requests.Response]:
    return reviewing.sign_in(base, password, name)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request, tmp_path_factory, analyser):
    with contextlib.ExitStack() as cleanup:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('review') / 'review.db'}"
        else:
            url = cleanup.enter_context(temporary_postgres())
        yield from _serve(url, analyser, tmp_path_factory.mktemp("review-web"))


def _serve(url: str, analyser, workdir: Path):
    upgrade(url)
    repo = SessionRepository(url)
    sid = repo.start_session("review-sender")
    repo.set_topic(sid, "Water <b>rights</b>")
    repo.set_parties(sid, ["Riverland", "Dryland"])
    repo.add_statement(sid, "m1", "Riverland", "interest", analyser.analyse("farmers need water"))
    repo.reach_step(sid, "interests")
    rasa_metadata.create_all(get_engine(url))
    rows = [
        {
            "type_name": "action",
            "timestamp": 1.0,
            "intent_name": None,
            "action_name": "interests_form",
            "data": "{}",
        },
        {
            "type_name": "user",
            "timestamp": 2.0,
            "intent_name": "inform",
            "action_name": None,
            "data": json.dumps(
                {
                    "text": "<script>alert(1)</script>",
                    "parse_data": {"intent": {"name": "inform", "confidence": 0.31}},
                }
            ),
        },
    ]
    with get_engine(url).begin() as connection:
        for row in rows:
            connection.execute(insert(events).values(sender_id="review-sender", **row))
    Accounts(url).add("trainer", PASSWORD)
    env = {"DATABASE_URL": url, "CONCORDIA_SECRET_KEY": "test-secret-" + "x" * 32}
    with scratch_stack(workdir, assistant=False, web=True, env=env) as web:
        yield {"base": web.web_url, "sid": sid, "url": url}


@pytest.fixture(scope="module")
def reviewer(server):
    client, reply = sign_in(server["base"])
    assert reply.status_code == 302
    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    return client


def test_nothing_answers_without_a_reviewer(server):
    base, sid = server["base"], server["sid"]
    for path in [
        "/review",
        "/review/dashboard",
        f"/review/sessions/{sid}",
        f"/review/sessions/{sid}/export/json",
        "/review/export/csv",
    ]:
        reply = requests.get(base + path, timeout=10, allow_redirects=False)
        assert reply.status_code == 302 and "/review/login" in reply.headers["Location"], path
    assert requests.get(f"{base}/review/api/sessions", timeout=10).status_code == 401
    posted = requests.post(
        f"{base}/review/sessions/{sid}/notes", data={"text": "x"}, timeout=10, allow_redirects=False
    )
    assert posted.status_code == 302
    login_token = requests.get(f"{base}/review/login", timeout=10).cookies["concordia_login"]
    reused = requests.get(
        f"{base}/review",
        cookies={"concordia_review": login_token},
        timeout=10,
        allow_redirects=False,
    )
    assert reused.status_code == 302  # the sign-in page's token is not a session
    forged = requests.get(
        f"{base}/review",
        cookies={"concordia_review": "trainer|1|x|y"},
        timeout=10,
        allow_redirects=False,
    )
    assert forged.status_code == 302


def test_sign_in_needs_the_form_token_and_the_password(server):
    client = requests.Session()
    client.get(f"{server['base']}/review/login", timeout=10)
    no_token = client.post(
        f"{server['base']}/review/login", timeout=10, data={"name": "trainer", "password": PASSWORD}
    )
    assert no_token.status_code == 403
    _, wrong = sign_in(server["base"], "wrong password!")
    assert wrong.status_code == 401 and "wrong password" in wrong.text


def test_list_filters_and_errors(server, reviewer):
    base = server["base"]
    page = reviewer.get(f"{base}/review", timeout=10)
    assert page.status_code == 200 and server["sid"] in page.text
    assert '<strong id="total">1</strong>' in page.text
    assert "Water &lt;b&gt;rights&lt;/b&gt;" in page.text
    none = reviewer.get(f"{base}/review", params={"text": "no such words"}, timeout=10)
    assert '<strong id="total">0</strong>' in none.text
    found = reviewer.get(f"{base}/review", params={"text": "script"}, timeout=10)
    assert '<strong id="total">1</strong>' in found.text
    bad = reviewer.get(f"{base}/review", params={"date_from": "yesterday"}, timeout=10)
    assert bad.status_code == 400 and "date like 2026-11-28" in bad.text
    api = reviewer.get(f"{base}/review/api/sessions", params={"status": "nope"}, timeout=10)
    assert api.status_code == 400 and "status must be one of" in api.json()["error"]


def test_session_page_escapes_and_marks_low_confidence(server, reviewer):
    page = reviewer.get(f"{server['base']}/review/sessions/{server['sid']}", timeout=10)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "turn user low" in page.text and "inform 0.31" in page.text
    assert "Interests" in page.text  # the step marker
    missing = reviewer.get(f"{server['base']}/review/sessions/cn-unknown", timeout=10)
    assert missing.status_code == 404


def test_notes_tags_and_reviewed_need_the_csrf_token(server, reviewer):
    base, sid = server["base"], server["sid"]
    page = reviewer.get(f"{base}/review/sessions/{sid}", timeout=10)
    token = _csrf(page.text)
    rejected = reviewer.post(
        f"{base}/review/sessions/{sid}/notes", data={"text": "sneaky"}, timeout=10
    )
    assert rejected.status_code == 403
    reviewer.post(
        f"{base}/review/sessions/{sid}/notes",
        data={"text": "<i>Good</i> question", "csrf_token": token},
        timeout=10,
    )
    reviewer.post(
        f"{base}/review/sessions/{sid}/tags",
        data={"tag": "good-question", "csrf_token": token},
        timeout=10,
    )
    reviewer.post(f"{base}/review/sessions/{sid}/reviewed", data={"csrf_token": token}, timeout=10)
    page = reviewer.get(f"{base}/review/sessions/{sid}", timeout=10)
    assert "&lt;i&gt;Good&lt;/i&gt; question" in page.text
    assert "good-question" in page.text and "Reviewed by trainer" in page.text
    bad_tag = reviewer.post(
        f"{base}/review/sessions/{sid}/tags",
        data={"tag": "two words", "csrf_token": token},
        timeout=10,
    )
    assert bad_tag.status_code == 400
    tagged = reviewer.get(f"{base}/review", params={"tag": "good-question"}, timeout=10)
    assert '<strong id="total">1</strong>' in tagged.text


def test_exports(server, reviewer):
    base, sid = server["base"], server["sid"]
    one = reviewer.get(f"{base}/review/sessions/{sid}/export/json", timeout=10)
    assert one.json()["id"] == sid and "attachment" in one.headers["Content-Disposition"]
    table = reviewer.get(f"{base}/review/export/csv", params={"status": "active"}, timeout=10)
    assert table.headers["Content-Type"].startswith("text/csv") and sid in table.text
    markdown = reviewer.get(f"{base}/review/sessions/{sid}/export/md", timeout=10)
    assert markdown.text.startswith(f"# Session {sid}")
    listing = reviewer.get(f"{base}/review/export/json", timeout=10)
    assert [s["id"] for s in listing.json()] == [sid]


def test_dashboard(server, reviewer):
    page = reviewer.get(f"{server['base']}/review/dashboard", timeout=10)
    assert page.status_code == 200
    assert "Sessions by furthest step reached" in page.text and "<svg" in page.text
    assert "0.0% of 1 user messages" in page.text


def _copied(client: requests.Session) -> dict[str, str]:
    """The reviewer's cookie, as someone who copied it would send it."""
    return {"concordia_review": client.cookies["concordia_review"]}


def _signed_in(base: str, cookies: dict[str, str]) -> bool:
    reply = requests.get(f"{base}/review", cookies=cookies, timeout=10, allow_redirects=False)
    return reply.status_code == 200


def test_logout_ends_the_session_on_the_server(server):
    base = server["base"]
    client, reply = sign_in(base)
    assert reply.status_code == 302
    copy = _copied(client)
    other_device, _ = sign_in(base)
    page = client.get(f"{base}/review", timeout=10)
    out = client.post(
        f"{base}/review/logout",
        data={"csrf_token": _csrf(page.text)},
        timeout=10,
        allow_redirects=False,
    )
    assert out.status_code == 302
    assert not _signed_in(base, copy)  # a copied cookie dies with the session
    assert _signed_in(base, _copied(other_device))  # the reviewer's other sessions stay


@pytest.mark.parametrize("ending", ["passwd", "disable", "remove"])
def test_a_new_password_or_a_disabled_or_removed_reviewer_ends_every_session(server, ending):
    base, accounts = server["base"], Accounts(server["url"])
    name = f"temp-{ending}"
    accounts.add(name, PASSWORD)
    sessions = [_copied(sign_in(base, name=name)[0]) for _ in range(2)]
    assert all(_signed_in(base, cookies) for cookies in sessions)
    if ending == "passwd":
        assert accounts.set_password(name, "another long password") == 2
    elif ending == "disable":
        assert accounts.disable(name) == 2
    else:
        assert accounts.remove(name) == 2
    assert not any(_signed_in(base, cookies) for cookies in sessions)
    _, again = sign_in(base, name=name)
    assert again.status_code == 401
    if ending == "passwd":
        assert sign_in(base, "another long password", name=name)[1].status_code == 302
    if ending == "disable":
        accounts.enable(name)
        assert sign_in(base, name=name)[1].status_code == 302


def test_a_nul_anywhere_in_a_request_is_a_400_naming_it(server, reviewer):
    """PostgreSQL refuses NUL in a query string parameter (psycopg2 raised ValueError:
    a 500): in a path, a query, a cookie or a form field it is refused by name."""
    base = server["base"]
    replies = [
        reviewer.get(f"{base}/review/sessions/a%00b", timeout=10),
        reviewer.get(f"{base}/review", params={"text": "wa\x00ter"}, timeout=10),
        requests.get(f"{base}/api/progress/a%00b", timeout=10),
        requests.post(
            f"{base}/review/login", data={"name": "tr\x00iner", "password": "x"}, timeout=10
        ),
    ]
    for reply in replies:
        assert reply.status_code == 400, (reply.url, reply.status_code)
        assert "NUL character (U+0000)" in reply.text
    odd_cookie = requests.get(f"{base}/review", cookies={"concordia_review": "x\x00y"}, timeout=10)
    assert odd_cookie.status_code in (200, 400)  # the sign-in page, or refused: never a 500
    assert reviewer.get(f"{base}/review", timeout=10).status_code == 200  # all still well


def test_sign_in_is_rate_limited(server):
    for _ in range(MAX_FAILURES):
        sign_in(server["base"], "wrong password!")
    _, blocked = sign_in(server["base"])  # even the right password waits now
    assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.text
