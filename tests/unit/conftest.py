"""Fixtures for unit tests: a real SQLite database behind the actions' services, and the
`concordia` command run in this process (a unit test starts no process)."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from actions import mediation, session
from bot.cli import main
from bot.store.migrate import upgrade
from tests.unit.rasa_helpers import make_tracker, run, slot_events


@pytest.fixture(autouse=True)
def no_process_no_server(monkeypatch) -> None:
    """What makes tests/unit a unit layer: a test here that starts a process or a
    server fails at once, naming the rule (such tests belong in tests/integration)."""

    def refuse(what: str) -> Callable[..., None]:
        def refused(*args: object, **kwargs: object) -> None:
            raise AssertionError(f"a unit test {what}: move it to tests/integration")

        return refused

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse("started a process"))
    monkeypatch.setattr(socket.socket, "listen", refuse("opened a listening port"))


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port held bound but never listening: a connection to it is refused
    at once, and nothing else can take it while the test runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def repo(sqlite_url, monkeypatch):
    upgrade(sqlite_url)
    monkeypatch.setattr(session.REPOSITORY, "url", sqlite_url)
    monkeypatch.setattr(session.TRAINING, "url", sqlite_url)
    monkeypatch.setattr(session.ROOMS, "url", sqlite_url)
    return session.REPOSITORY


@pytest.fixture
def started(repo):
    events, messages = run(mediation.StartMediation(), make_tracker("start", "start_mediation"))
    assert messages == []  # the opening form asks for consent next
    return slot_events(events)["session_id"]


@dataclass(frozen=True)
class Ran:
    """What a `concordia` command left: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def concordia(monkeypatch, capsys) -> Callable[..., Ran]:
    """Run `concordia ARGS` in this process with extra environment variables and
    standard input, as a user would in a shell, and return its exit code and output."""

    def run_command(*args: str, stdin: str = "", **env: str) -> Ran:
        with monkeypatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            capsys.readouterr()
            try:
                code = main(list(args))
            except SystemExit as exit_:  # argparse's usage errors
                code = exit_.code if isinstance(exit_.code, int) else 2
            out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return run_command
