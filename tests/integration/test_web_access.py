"""Who may read what, against the web app started for real: every route is either
public by design or needs a signed-in reviewer; passwords never reach a log."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys

import pytest
import requests

from bot.ops.runner import scratch_stack
from bot.review.accounts import Accounts
from bot.store.migrate import upgrade
from bot.store.repository import SessionRepository
from bot.web.app import create_app

PASSWORD = "correct horse battery staple 42"
WRONG = "not-the-password-but-close-7"
# Routes anyone may open, and why.
PUBLIC = {
    "": "the chat page",
    "healthz": "health check for the load balancer",
    "static/<__file_uri__:path>": "the page's scripts and styles",
    "review/login": "the sign-in form itself",
    "debrief/<token:str>": "a trainee's debrief, behind its 256-bit link",
    "api/progress/<sender_id:str>": "the step number of a conversation whose id one holds",
}
# A room's routes open with its participants' links (256-bit tokens), each role's
# rights checked route by route in tests/integration/test_rooms_web.py.
ROOM_ROUTES = "rooms/<token:str>"
PARAMS = {
    "session_id": None,  # filled with a real session
    "action": "notes",
    "fmt": "json",
    "name": "trainer",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("access")
    url = f"sqlite:///{root / 'access.db'}"
    upgrade(url)
    sid = SessionRepository(url).start_session("access-sender")
    Accounts(url).add("trainer", PASSWORD)
    env = {"DATABASE_URL": url, "CONCORDIA_SECRET_KEY": "k-access-" + "x" * 32}
    with scratch_stack(root, root / "logs", assistant=False, web=True, env=env) as web:
        yield {
            "base": web.web_url,
            "sid": sid,
            "settings": web.settings,
            "log": root / "logs" / "web-app.log",
        }


def concrete(path: str, sid: str) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1)
        return sid if name == "session_id" else PARAMS.get(name, "x")

    return "/" + re.sub(r"<(\w+):\w+>", fill, path)


def test_every_route_is_public_by_design_or_needs_a_reviewer(served):
    app = create_app(served["settings"], name=f"access-{secrets.token_hex(3)}")
    routes = [(r.path, sorted(r.methods)) for r in app.router.routes]
    assert len(routes) >= 15  # the enumeration found the reviewer UI
    checked = []
    for path, methods in routes:
        if path in PUBLIC or path.startswith(ROOM_ROUTES):
            continue
        for method in methods:
            if method == "HEAD":
                continue
            url = served["base"] + concrete(path, served["sid"])
            reply = requests.request(method, url, timeout=10, allow_redirects=False)
            if path.startswith("review/api/"):
                assert reply.status_code == 401, (method, path)
            else:
                assert reply.status_code == 302, (method, path, reply.status_code)
                assert reply.headers["Location"].startswith("/review/login"), (method, path)
            assert "access-sender" not in reply.text
            checked.append(path)
    assert {"review", "review/sessions/<session_id:str>/export/<fmt:str>"} <= set(checked)
    unknown = set(PUBLIC) - {path for path, _ in routes}
    assert not unknown, f"public routes that no longer exist: {unknown}"


def test_passwords_never_reach_a_log(served, tmp_path):
    base = served["base"]
    for password in (WRONG, PASSWORD):
        client = requests.Session()
        form = client.get(f"{base}/review/login", timeout=10).text
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form).group(1)
        client.post(
            f"{base}/review/login",
            data={"name": "trainer", "password": password, "csrf_token": token},
            timeout=10,
            allow_redirects=False,
        )
    created = subprocess.run(
        [sys.executable, "-m", "bot.cli", "users", "add", "second", "--password-stdin"],
        input=PASSWORD + "\n",
        env=served["settings"].child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    log = served["log"].read_text(errors="replace")
    for secret in (PASSWORD, WRONG):
        assert secret not in log
        assert secret not in created.stdout + created.stderr
    stored = Accounts(served["settings"].database_url)
    assert stored.verify("second", PASSWORD)
