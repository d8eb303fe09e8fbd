"""Who may read what: every web route is either public by design or needs a signed-in
reviewer; conversation ids and debrief links cannot be guessed or forged; passwords
never reach a log."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys

import pytest
import requests

from bot.ops.runner import Stack, web_app_spec
from bot.review.accounts import Accounts
from bot.settings import Settings
from bot.store.migrate import upgrade
from bot.store.repository import SessionRepository
from bot.store.training import new_debrief_token
from bot.web.app import create_app
from bot.web.auth import Signer, load_secret
from bot.web.debrief import TOKEN as DEBRIEF_TOKEN
from tests.conftest import free_port

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
    settings = Settings.from_env(
        {
            "DATABASE_URL": url,
            "WEB_PORT": str(free_port()),
            "CONCORDIA_SECRET_KEY": "k-access-" + "x" * 32,
        }
    )
    stack = Stack(settings, log_dir=root / "logs")
    stack.start(web_app_spec(settings))
    try:
        stack.wait_healthy(60)
        yield {
            "base": f"http://127.0.0.1:{settings.web_port}",
            "sid": sid,
            "settings": settings,
            "log": root / "logs" / "web-app.log",
        }
    finally:
        stack.stop()


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
        if path in PUBLIC:
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


def test_conversation_ids_are_unguessable_and_unforgeable(tmp_path):
    signer = Signer(load_secret(None, tmp_path / "secret_key"))
    ids = {signer.conversation_id() for _ in range(500)}
    assert len(ids) == 500
    assert all(signer.is_conversation_id(i) for i in ids)
    sample = next(iter(ids))
    nonce, mac = sample.split(".")
    assert len(nonce) == 32 and int(nonce, 16) >= 0  # 128 random bits
    flipped = nonce[:-1] + ("0" if nonce[-1] != "0" else "1")
    for forged in (f"{flipped}.{mac}", "alice", "integration-1", "", None, 42, sample + "x"):
        assert not signer.is_conversation_id(forged), forged
    other = Signer(b"another deployment's key")
    assert not other.is_conversation_id(sample)


@pytest.mark.parametrize(
    "value",
    ["é" * 32 + "." + "é" * 32, "\udcff" * 32 + "." + "0" * 32, "x|é", "\udcff|abc", "é|é"],
)
def test_non_ascii_and_surrogates_are_refused_not_raised(tmp_path, value):
    # hmac.compare_digest raises TypeError on non-ASCII str: the sign-in form answered 500.
    signer = Signer(load_secret(None, tmp_path / "secret_key"))
    assert not signer.is_conversation_id(value)
    assert signer.unsign(value) is None
    assert signer.session_token(value) is None
    assert not signer.is_login_token(value)
    token = signer.login_token()
    assert not signer.csrf_ok(token, value)
    assert not signer.csrf_ok(value, signer.csrf_token(token))
    assert signer.csrf_ok(token, signer.csrf_token(token))


def test_a_short_signing_key_is_refused_at_start():
    from bot.settings import ConfigError

    with pytest.raises(ConfigError, match=r"CONCORDIA_SECRET_KEY is 9 bytes.*at least 32"):
        Settings.from_env({"CONCORDIA_SECRET_KEY": "too-short"})
    assert Settings.from_env({"CONCORDIA_SECRET_KEY": "k" * 32}).secret_key == "k" * 32
    assert Settings.from_env({}).secret_key is None  # a random key in var/secret_key


def test_every_process_of_a_deployment_gets_the_same_key(tmp_path):
    path = tmp_path / "var" / "secret_key"
    keys = {load_secret(None, path) for _ in range(3)}
    assert len(keys) == 1 and len(next(iter(keys))) == 64
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".secret_key.")]
    assert load_secret("from-the-environment", path) == b"from-the-environment"


def test_debrief_links_carry_256_random_bits():
    tokens = {new_debrief_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(DEBRIEF_TOKEN.match(t) and len(t) >= 43 for t in tokens)  # 32 bytes, base64
