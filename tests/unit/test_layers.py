"""The unit layer's rule, enforced by `no_process_no_server` in tests/unit/conftest.py:
a test here that starts a process or listens on a port fails, naming where it belongs."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest


def test_a_unit_test_cannot_start_a_process():
    with pytest.raises(AssertionError, match="started a process: move it to tests/integration"):
        subprocess.run([sys.executable, "-c", "pass"], check=True)


def test_a_unit_test_cannot_listen_on_a_port():
    with (
        socket.socket() as sock,
        pytest.raises(AssertionError, match="opened a listening port"),
    ):
        sock.bind(("127.0.0.1", 0))
        sock.listen()


def test_a_closed_port_refuses_connections_at_once(closed_port):
    with socket.socket() as client, pytest.raises(ConnectionRefusedError):
        client.settimeout(2)
        client.connect(("127.0.0.1", closed_port))
