"""Starting and stopping the three processes: Rasa server, action server, web app.

Each child runs in its own process group so that Ctrl-C (or SIGTERM) stops all of
them, children of children included, and a child that dies takes the others down
with a message naming it, instead of leaving half a product running.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.ops.rasa_model import rasa_executable
from bot.settings import Settings

STOP_GRACE_SECONDS = 10.0
# Debian's Chromium, as browser tests and the widget benchmark drive it (Playwright).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    command: Sequence[str]
    health_url: str
    # The child's environment; empty means the stack's settings (`Settings.child_env`).
    env: Mapping[str, str] = field(default_factory=dict)


def action_server_spec(settings: Settings, name: str = "action server") -> ProcessSpec:
    return ProcessSpec(
        name,
        [
            sys.executable,
            "-m",
            "actions.server",  # rasa_sdk's server plus the room analysis route
            "--port",
            str(settings.action_port),
        ],
        f"http://{settings.host}:{settings.action_port}/health",
        settings.action_server_env(),
    )


def rasa_server_spec(settings: Settings, model: Path, name: str = "Rasa server") -> ProcessSpec:
    # Rasa's HTTP API reads and rewrites any conversation: off unless a token guards it.
    api = (
        ["--enable-api", "--auth-token", settings.rasa_auth_token]
        if settings.rasa_auth_token
        else []
    )
    return ProcessSpec(
        name,
        [
            rasa_executable(),
            "run",
            "--model",
            str(model),
            "--interface",
            settings.host,
            "--port",
            str(settings.rasa_port),
            "--credentials",
            str(settings.root / "credentials.yml"),
            "--endpoints",
            str(settings.root / "endpoints.yml"),
            # No --cors: the socket.io channel checks origins itself (connectors/socketio.py);
            # Sanic-CORS on top would send the Access-Control header twice.
            *api,
        ],
        f"http://{settings.host}:{settings.rasa_port}/webhooks/rest/",
        settings.rasa_server_env(),
    )


def web_app_spec(settings: Settings) -> ProcessSpec:
    return ProcessSpec(
        "web app",
        [
            sys.executable,
            "-m",
            "bot.web",
            "--host",
            settings.host,
            "--port",
            str(settings.web_port),
        ],
        f"http://{settings.host}:{settings.web_port}/healthz",
        # Its own settings' environment: in a cluster RASA_PORT is nginx's, which the
        # widget and the rooms' caucus chat must reach (bot/ops/cluster.py).
        settings.child_env(),
    )


def is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Stack:
    """A set of child processes started together and stopped together."""

    def __init__(self, settings: Settings, log_dir: Path | None = None) -> None:
        self.settings = settings
        self.log_dir = log_dir
        self.children: list[tuple[ProcessSpec, subprocess.Popen]] = []

    def start(self, spec: ProcessSpec) -> subprocess.Popen:
        output = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            slug = spec.name.lower().replace(" ", "-")
            output = open(self.log_dir / f"{slug}.log", "ab")  # noqa: SIM115 (child owns it)
        process = subprocess.Popen(
            list(spec.command),
            cwd=self.settings.root,
            env=dict(spec.env) or self.settings.child_env(),
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
        )
        self.children.append((spec, process))
        return process

    def wait_healthy(self, timeout: float) -> None:
        """Block until every child answers its health URL; raise if one dies or times out."""
        deadline = time.monotonic() + timeout
        pending = list(self.children)
        while pending:
            for spec, process in list(pending):
                if process.poll() is not None:
                    raise RuntimeError(
                        f"the {spec.name} exited with code {process.returncode} "
                        "while starting; see its output above"
                    )
                if is_healthy(spec.health_url):
                    pending.remove((spec, process))
            if pending and time.monotonic() > deadline:
                names = ", ".join(spec.name for spec, _ in pending)
                raise TimeoutError(f"not ready after {timeout:.0f}s: {names}")
            if pending:
                time.sleep(0.5)

    def first_exited(self) -> tuple[ProcessSpec, int] | None:
        for spec, process in self.children:
            if process.poll() is not None:
                return spec, process.returncode
        return None

    def kill(self, name: str) -> None:
        """SIGKILL one child and its children at once, as a crash would (fault tests)."""
        for spec, process in list(self.children):
            if spec.name == name and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                self.children.remove((spec, process))

    def stop(self, name: str | None = None) -> None:
        """Stop every child, or only the one called `name` (the others keep running)."""
        chosen = [(s, p) for s, p in self.children if name is None or s.name == name]
        for _, process in chosen:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for _, process in chosen:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.children = [child for child in self.children if child not in chosen]


def run_banner(settings: Settings) -> str:
    """Where to go once everything answers; the database password is never printed."""
    return (
        "\nConcordia is running.\n"
        f"  Web app:      http://{settings.host}:{settings.web_port}/\n"
        f"  Chat (REST):  POST {settings.rasa_url}/webhooks/rest/webhook "
        '{"sender": "me", "message": "hello"}\n'
        f"  Actions:      http://{settings.host}:{settings.action_port}/health\n"
        f"  Database:     {make_url(settings.database_url).render_as_string(hide_password=True)}\n"
        "Press Ctrl-C to stop all three.\n"
    )


def run_stack(settings: Settings, model: Path, startup_timeout: float = 300.0) -> int:
    """Start all three processes, print where to go, and stop them all on Ctrl-C."""
    banner = run_banner(settings)
    specs = [
        action_server_spec(settings),
        rasa_server_spec(settings, model),
        web_app_spec(settings),
    ]
    return serve(settings, specs, banner, startup_timeout)


def serve(
    settings: Settings, specs: Sequence[ProcessSpec], banner: str, startup_timeout: float = 300.0
) -> int:
    """Start `specs`, print `banner` once all are healthy, stop them all on Ctrl-C or
    when one of them stops."""
    stack = Stack(settings)

    def _terminate(signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        for spec in specs:
            stack.start(spec)
        print(
            f"Starting {', '.join(s.name for s in specs)} "
            "(a Rasa server takes about a minute to load the model)...",
            flush=True,
        )
        stack.wait_healthy(startup_timeout)
        print(banner, flush=True)
        while True:
            exited = stack.first_exited()
            if exited:
                spec, code = exited
                print(
                    f"The {spec.name} stopped (exit code {code}); stopping the others.",
                    file=sys.stderr,
                )
                return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(f"Could not start Concordia: {exc}", file=sys.stderr)
        return 1
    finally:
        # A second Ctrl-C (make forwards one too) must not interrupt the clean-up.
        previous_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
        stack.stop()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
        print("All processes stopped.", flush=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class ScratchStack:
    """A throwaway stack: its settings, its processes (to stop or restart one) and the
    model its Rasa server serves (None when only the web app runs)."""

    settings: Settings
    processes: Stack
    model: Path | None

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"


@contextlib.contextmanager
def scratch_stack(
    workdir: Path,
    log_dir: Path | None = None,
    *,
    assistant: bool = True,
    web: bool = False,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
    model: Path | None = None,
) -> Iterator[ScratchStack]:
    """The one throwaway stack for tests and benchmarks alike: free loopback ports, a
    migrated database (SQLite in `workdir` unless `env` names another), the Rasa and
    action servers with `model` or else the current model (trained if needed) unless
    `assistant` is False, the web app if `web`; everything stopped on exit."""
    from bot.ops.rasa_model import ensure_model
    from bot.store.migrate import upgrade

    settings = Settings.from_env(
        {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir / 'concordia.db'}",
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "WEB_PORT": str(free_port()),
            "RASA_TELEMETRY_ENABLED": "false",
            **(env or {}),
        }
    )
    upgrade(settings.database_url)
    if assistant and model is None:
        model = ensure_model(settings.root, settings.models_dir, env=settings.child_env())
    elif not assistant:
        model = None
    stack = Stack(settings, log_dir=log_dir)
    specs = []
    if model is not None:
        specs += [action_server_spec(settings), rasa_server_spec(settings, model)]
    if web:
        specs.append(web_app_spec(settings))
    try:
        for spec in specs:
            stack.start(spec)
        stack.wait_healthy(timeout=timeout)
        yield ScratchStack(settings, stack, model)
    finally:
        stack.stop()


# PostgreSQL with trust auth on loopback (started by .ci/run if it is down).
POSTGRES_ADMIN_URL = os.environ.get(
    "CONCORDIA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@contextlib.contextmanager
def temporary_postgres(admin_url: str = POSTGRES_ADMIN_URL) -> Iterator[str]:
    """A fresh PostgreSQL database for a test or a benchmark, dropped afterwards."""
    from bot.store.db import get_engine

    name = f"concordia_test_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
