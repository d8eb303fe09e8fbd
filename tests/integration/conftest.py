"""One real stack per test run: Rasa server, action server and web app on free ports."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.ops.rasa_model import ensure_model
from bot.ops.runner import Stack, action_server_spec, rasa_server_spec, web_app_spec
from bot.settings import Settings
from bot.store.migrate import upgrade
from tests.conftest import free_port, temporary_postgres
from tests.tcp_proxy import TcpProxy

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@dataclass
class RunningStack:
    settings: Settings
    env: dict[str, str]
    processes: Stack
    model: Path

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}/"

    def stop_rasa(self) -> None:
        self.processes.stop("Rasa server")

    def start_rasa(self) -> None:
        self.processes.start(rasa_server_spec(self.settings, self.model))
        self.processes.wait_healthy(timeout=300)

    @property
    def webhook(self) -> str:
        return f"{self.settings.rasa_url}/webhooks/rest/webhook"

    def say(self, sender: str, message, timeout: float = 60) -> list[dict]:
        response = requests.post(
            self.webhook, json={"sender": sender, "message": message}, timeout=timeout
        )
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[RunningStack]:
    workdir = tmp_path_factory.mktemp("stack")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'concordia.db'}",
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "WEB_PORT": str(free_port()),
        "RASA_TELEMETRY_ENABLED": "false",
    }
    settings = Settings.from_env(env)
    upgrade(settings.database_url)
    model = ensure_model(settings.root, settings.models_dir, env=settings.child_env())
    log_dir = ARTIFACTS / "logs"
    processes = Stack(settings, log_dir=log_dir)
    for spec in (
        action_server_spec(settings),
        rasa_server_spec(settings, model),
        web_app_spec(settings),
    ):
        processes.start(spec)
    try:
        processes.wait_healthy(timeout=300)
        yield RunningStack(settings, settings.child_env(), processes, model)
    finally:
        processes.stop()


# The second stack: PostgreSQL behind a proxy the tests cut (a database outage), and
# Rasa's HTTP API enabled with a token (the default stack has it off).
API_TOKEN = "test-api-token-4d1f"


@dataclass
class ProxiedStack:
    settings: Settings
    proxy: TcpProxy
    direct_url: str  # the same database, not through the proxy
    rasa_log: Path

    def say(self, sender: str, message: str) -> list[dict]:
        reply = requests.post(
            f"{self.settings.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        assert reply.status_code == 200, reply.text
        return reply.json()


@pytest.fixture(scope="session")
def pg_stack() -> Iterator[ProxiedStack]:
    """Rasa and action servers on PostgreSQL reached through a proxy the test can cut."""
    with temporary_postgres() as direct_url:
        upgrade(direct_url)
        host, port = direct_url.split("@", 1)[1].split("/", 1)[0].rsplit(":", 1)
        with TcpProxy((host, int(port))) as proxy:
            database = direct_url.rsplit("/", 1)[1]
            env = {
                **os.environ,
                "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{proxy.port}/{database}"
                "?connect_timeout=3",
                "RASA_PORT": str(free_port()),
                "ACTION_PORT": str(free_port()),
                "WEB_PORT": str(free_port()),
                "RASA_TELEMETRY_ENABLED": "false",
                "RASA_AUTH_TOKEN": API_TOKEN,
            }
            settings = Settings.from_env(env)
            model = ensure_model(settings.root, settings.models_dir, env=settings.child_env())
            log_dir = ARTIFACTS / "logs" / "postgres-stack"
            for old in log_dir.glob("*.log"):
                old.unlink()
            processes = Stack(settings, log_dir=log_dir)
            processes.start(action_server_spec(settings))
            processes.start(rasa_server_spec(settings, model))
            try:
                processes.wait_healthy(timeout=300)
                yield ProxiedStack(settings, proxy, direct_url, log_dir / "rasa-server.log")
            finally:
                processes.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser).

    Module-scoped: Playwright's sync API keeps an event loop running while it is
    open, which would break tests elsewhere that start their own loop."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
