"""`concordia run` starts all three processes and Ctrl-C stops all three."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from bot.ops.runner import free_port


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_run_starts_everything_and_ctrl_c_stops_it(tmp_path):
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "WEB_PORT": free_port()}
    env = {
        **os.environ,
        **{k: str(v) for k, v in ports.items()},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "RASA_TELEMETRY_ENABLED": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            output.append(line)
            if "Concordia is running" in line:
                break
        assert any("Concordia is running" in line for line in output), "".join(output[-40:])
        assert all(port_open(port) for port in ports.values())
        reply = requests.post(
            f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/rest/webhook",
            json={"sender": "run-test", "message": "hello"},
            timeout=60,
        )
        assert reply.status_code == 200 and reply.json()

        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
        assert process.returncode == 0
        assert "All processes stopped." in rest
        time.sleep(1)
        assert not any(port_open(port) for port in ports.values())
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("empty", "is not migrated; the code needs revision"),
        ("short-key", "CONCORDIA_SECRET_KEY is 5 bytes; use at least 32"),
    ],
)
def test_the_web_app_refuses_to_start_with_one_line_naming_the_fix(tmp_path, setup, expected):
    """Started on an unmigrated database it answered 500 ("no such table") on sign-in."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
        "WEB_PORT": str(free_port()),
    }
    if setup == "short-key":
        env["CONCORDIA_SECRET_KEY"] = "short"
    done = subprocess.run(
        [sys.executable, "-m", "bot.web"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], done.stderr[-2000:]
    if setup == "empty":
        assert "concordia db upgrade" in lines[0]
    assert "Traceback" not in done.stderr + done.stdout
