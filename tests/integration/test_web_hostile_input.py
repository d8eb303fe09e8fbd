"""Property tests (hypothesis) with hostile input against the web app started for
real: random unicode, control characters, huge strings and wrong types in its forms
and API. Nothing may answer 500, and reviewer notes are stored exactly as typed.
Examples are derandomised so CI runs the same cases every time."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from bot.ops.runner import scratch_stack
from bot.review.accounts import Accounts
from bot.review.annotations import Annotations
from bot.store.migrate import upgrade
from bot.store.repository import SessionRepository
from tests.hostile import FUZZ, HOSTILE

PASSWORD = "fuzzing is fun but long enough"


# -- the web app's forms and API -----------------------------------------------------
@pytest.fixture(scope="module")
def web(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    url = f"sqlite:///{root / 'hostile.db'}"
    upgrade(url)
    sid = SessionRepository(url).start_session("hostile-sender")
    Accounts(url).add("trainer", PASSWORD)
    env = {"DATABASE_URL": url, "CONCORDIA_SECRET_KEY": "k-hostile-" + "x" * 32}
    with scratch_stack(root, root / "logs", assistant=False, web=True, env=env) as served:
        port = served.settings.web_port
        client = requests.Session()
        form = client.get(f"http://127.0.0.1:{port}/review/login", timeout=10).text
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form).group(1)
        client.post(
            f"http://127.0.0.1:{port}/review/login",
            data={"name": "trainer", "password": PASSWORD, "csrf_token": token},
            timeout=10,
        )
        page = client.get(f"http://127.0.0.1:{port}/review/sessions/{sid}", timeout=10).text
        csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)
        yield {
            "base": f"http://127.0.0.1:{port}",
            "sid": sid,
            "url": url,
            "reviewer": client,
            "csrf": csrf,
            "log": root / "logs" / "web-app.log",
        }
    log = (root / "logs" / "web-app.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


def encodable(text: str) -> str:
    """What a browser can send: HTTP carries UTF-8, which has no lone surrogates."""
    return text.encode("utf-8", "replace").decode("utf-8")


@FUZZ
@given(value=HOSTILE)
def test_progress_api_answers_any_id_without_a_500(web, value):
    reply = requests.get(
        f"{web['base']}/api/progress/{quote(encodable(value)[:400] or 'x', safe='')}", timeout=10
    )
    assert reply.status_code in (200, 400, 404), reply.status_code


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(["name", "password", "csrf_token", "next", "other"]),
        HOSTILE.map(encodable),
        max_size=4,
    )
)
def test_sign_in_form_takes_any_fields_without_a_500(web, fields):
    reply = requests.post(
        f"{web['base']}/review/login", data=fields, timeout=10, allow_redirects=False
    )
    assert reply.status_code in (200, 302, 400, 403, 429), reply.status_code
    assert "concordia_review=" not in reply.headers.get("Set-Cookie", "")  # never signed in


def header_safe(text: str) -> str:
    """What can travel in a Cookie header: UTF-8 without line breaks or NUL."""
    return encodable(text).translate({ord(c): None for c in "\r\n\x00"})


def test_a_non_ascii_csrf_token_with_a_real_login_cookie_is_refused_not_a_500(web):
    client = requests.Session()
    client.get(f"{web['base']}/review/login", timeout=10)
    assert client.cookies.get("concordia_login")
    reply = client.post(
        f"{web['base']}/review/login",
        data={"name": "trainer", "password": PASSWORD, "csrf_token": "é" * 64},
        timeout=10,
        allow_redirects=False,
    )
    assert reply.status_code in (400, 403), reply.status_code


@FUZZ
@given(
    cookies=st.dictionaries(
        st.sampled_from(["concordia_login", "concordia_review"]),
        HOSTILE.map(header_safe),
        min_size=1,
        max_size=2,
    ),
    token=HOSTILE.map(encodable),
)
def test_any_cookie_and_token_are_refused_without_a_500(web, cookies, token):
    header = "; ".join(f"{k}={v[:2000]}" for k, v in cookies.items()).encode("utf-8")
    for method, path in (("get", "/review/login"), ("post", "/review/login"), ("get", "/review")):
        reply = requests.request(
            method,
            f"{web['base']}{path}",
            headers={"Cookie": header},
            data={"name": "trainer", "password": PASSWORD, "csrf_token": token},
            timeout=10,
            allow_redirects=False,
        )
        assert reply.status_code in (200, 302, 400, 403, 429), (path, reply.status_code)
        assert "concordia_review=" not in reply.headers.get("Set-Cookie", "")


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["mode", "status", "scenario", "step", "q", "tag", "page", "since"]),
        HOSTILE.map(encodable),
        max_size=4,
    )
)
def test_review_filters_take_any_query_without_a_500(web, params):
    for path in ("/review", "/review/api/sessions", "/review/export/csv"):
        reply = web["reviewer"].get(f"{web['base']}{path}", params=params, timeout=20)
        # 413/414: a query longer than the server reads is refused before any code runs.
        assert reply.status_code in (200, 400, 413, 414), (path, reply.status_code)


@FUZZ
@given(text=HOSTILE.map(encodable))
def test_reviewer_notes_are_stored_exactly_as_typed(web, text):
    before = Annotations(web["url"]).notes(web["sid"])
    reply = web["reviewer"].post(
        f"{web['base']}/review/sessions/{web['sid']}/notes",
        data={"text": text, "csrf_token": web["csrf"]},
        timeout=10,
        allow_redirects=False,
    )
    assert reply.status_code in (302, 303, 400), reply.status_code
    after = Annotations(web["url"]).notes(web["sid"])
    if len(after) > len(before):
        assert after[-1]["text"] == text
