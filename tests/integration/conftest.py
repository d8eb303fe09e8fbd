"""One real stack per test run (Rasa server, action server and web app on free ports),
a second on PostgreSQL behind a proxy, and Chromium: all through `scratch_stack`, the
throwaway-stack helper the benchmarks use too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.ops.runner import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Stack,
    rasa_server_spec,
    scratch_stack,
    temporary_postgres,
)
from bot.settings import Settings
from bot.store.migrate import upgrade
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
    with scratch_stack(tmp_path_factory.mktemp("stack"), ARTIFACTS / "logs", web=True) as scratch:
        assert scratch.model is not None
        settings = scratch.settings
        yield RunningStack(settings, settings.child_env(), scratch.processes, scratch.model)


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
def pg_stack(tmp_path_factory) -> Iterator[ProxiedStack]:
    """Rasa and action servers on PostgreSQL reached through a proxy the test can cut."""
    log_dir = ARTIFACTS / "logs" / "postgres-stack"
    for old in log_dir.glob("*.log"):
        old.unlink()
    with temporary_postgres() as direct_url:
        upgrade(direct_url)
        host, port = direct_url.split("@", 1)[1].split("/", 1)[0].rsplit(":", 1)
        database = direct_url.rsplit("/", 1)[1]
        with (
            TcpProxy((host, int(port))) as proxy,
            scratch_stack(
                tmp_path_factory.mktemp("pg-stack"),
                log_dir,
                env={
                    "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{proxy.port}/{database}"
                    "?connect_timeout=3",
                    "RASA_AUTH_TOKEN": API_TOKEN,
                },
            ) as scratch,
        ):
            yield ProxiedStack(scratch.settings, proxy, direct_url, log_dir / "rasa-server.log")


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
