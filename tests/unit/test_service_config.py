"""A wrong DATABASE_URL or REDIS_URL stops start-up with one line naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ops.preflight import check_redis
from bot.ops.runner import action_server_spec, rasa_server_spec
from bot.settings import ConfigError, Settings
from components.lock_store import EnvironmentLockStore, LockStoreConfigError, UrlRedisLockStore


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://nobody@127.0.0.1:1/none", "DATABASE_URL: cannot connect to"),
        ("mysql+nosuchdriver://x/y", "DATABASE_URL"),
        ("not a url at all", "DATABASE_URL='not a url at all' is not a database URL"),
    ],
)
def test_a_bad_database_url_is_one_line_naming_it(url, expected, concordia):
    result = concordia("db", "upgrade", DATABASE_URL=url)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("localhost:6379", "REDIS_URL='localhost:6379' is not a Redis URL"),
        ("redis://127.0.0.1:1/0", "REDIS_URL: cannot reach Redis at redis://127.0.0.1:1/0"),
    ],
)
def test_a_bad_redis_url_stops_the_start_with_one_line(url, expected, sqlite_url, concordia):
    result = concordia("run", REDIS_URL=url, DATABASE_URL=sqlite_url)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr


def test_the_password_is_not_shown():
    with pytest.raises(ConfigError) as error:
        check_redis("redis://:s3cret@127.0.0.1:1/0")
    assert "s3cret" not in str(error.value) and "***@127.0.0.1:1/0" in str(error.value)


def test_redis_url_selects_the_lock_store(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert type(EnvironmentLockStore()).__name__ == "InMemoryLockStore"
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/14")
    store = EnvironmentLockStore()
    assert isinstance(store, UrlRedisLockStore)
    ticket = store.issue_ticket("conversation-x", lock_lifetime=5)
    assert store.get_lock("conversation-x").is_someone_waiting()
    store.finish_serving("conversation-x", ticket)
    store.delete_lock("conversation-x")
    assert store.get_lock("conversation-x") is None
    assert Settings.from_env({"REDIS_URL": " redis://h:1/2 "}).redis_url == "redis://h:1/2"
    assert Settings.from_env({}).child_env()["REDIS_URL"] == ""


def test_several_workers_without_shared_locks_are_refused(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("SANIC_WORKERS", "2")
    with pytest.raises(LockStoreConfigError, match=r"SANIC_WORKERS=2 needs .* set REDIS_URL"):
        EnvironmentLockStore()
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/14")
    assert isinstance(EnvironmentLockStore(), UrlRedisLockStore)
    monkeypatch.setenv("SANIC_WORKERS", "1")
    monkeypatch.delenv("REDIS_URL")
    assert type(EnvironmentLockStore()).__name__ == "InMemoryLockStore"


def test_the_message_cap_and_the_api_token_are_read_once(monkeypatch):
    settings = Settings.from_env({"CONCORDIA_MAX_MESSAGE_CHARS": "500", "RASA_AUTH_TOKEN": " t "})
    assert settings.max_message_chars == 500 and settings.rasa_auth_token == "t"
    assert settings.child_env()["CONCORDIA_MAX_MESSAGE_CHARS"] == "500"
    command = list(rasa_server_spec(settings, Path("m.tar.gz")).command)
    assert command[command.index("--auth-token") + 1] == "t" and "--enable-api" in command
    assert "--enable-api" not in rasa_server_spec(Settings.from_env({}), Path("m")).command
    with pytest.raises(ConfigError, match="CONCORDIA_MAX_MESSAGE_CHARS='0' must be"):
        Settings.from_env({"CONCORDIA_MAX_MESSAGE_CHARS": "0"})
    monkeypatch.delenv("SANIC_REQUEST_MAX_SIZE", raising=False)
    assert Settings.from_env({}).rasa_server_env()["SANIC_REQUEST_MAX_SIZE"] == "1000000"


def test_the_action_server_takes_the_largest_room_analysis_whatever_the_environment(
    monkeypatch,
):
    """A smaller SANIC_REQUEST_MAX_SIZE meant for the web app (SECURITY.md) must not
    reach the action server, or a room within the limits would get Sanic's 413."""
    from bot.rooms.joint import MAX_REQUEST_BYTES
    from bot.settings import ACTION_REQUEST_MAX_BYTES

    monkeypatch.setenv("SANIC_REQUEST_MAX_SIZE", "1000000")
    spec = action_server_spec(Settings.from_env({}))
    assert spec.env["SANIC_REQUEST_MAX_SIZE"] == str(ACTION_REQUEST_MAX_BYTES)
    assert MAX_REQUEST_BYTES < ACTION_REQUEST_MAX_BYTES


def test_the_room_analysis_is_asked_of_the_action_server_or_where_configured():
    here = Settings.from_env({"ACTION_PORT": "6055"})
    assert here.room_analysis_url == "http://127.0.0.1:6055/rooms/analysis"
    url = "http://actions.internal:5055/rooms/analysis"
    there = Settings.from_env({"CONCORDIA_ROOM_ANALYSIS_URL": f" {url} "})
    assert there.room_analysis_url == url
    assert there.child_env()["CONCORDIA_ROOM_ANALYSIS_URL"] == url
    with pytest.raises(ConfigError, match="CONCORDIA_ROOM_ANALYSIS_URL='actions:5055' must"):
        Settings.from_env({"CONCORDIA_ROOM_ANALYSIS_URL": "actions:5055"})


def test_every_process_gets_one_openblas_thread_unless_told(monkeypatch):
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    settings = Settings.from_env({})
    assert settings.child_env()["OPENBLAS_NUM_THREADS"] == "1"
    assert settings.rasa_server_env()["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    assert Settings.from_env({}).child_env()["OPENBLAS_NUM_THREADS"] == "2"


def test_a_serving_rasa_server_gets_one_tensorflow_thread_unless_told(monkeypatch):
    monkeypatch.delenv("TF_INTRA_OP_PARALLELISM_THREADS", raising=False)
    monkeypatch.setenv("TF_INTER_OP_PARALLELISM_THREADS", "2")
    settings = Settings.from_env({})
    env = settings.rasa_server_env()
    assert env["TF_INTRA_OP_PARALLELISM_THREADS"] == "1"
    assert env["TF_INTER_OP_PARALLELISM_THREADS"] == "2"  # the operator's choice wins
    assert "TF_INTRA_OP_PARALLELISM_THREADS" not in settings.child_env()  # training: defaults
    assert env["DATABASE_URL"] == settings.child_env()["DATABASE_URL"]


def test_the_run_banner_never_prints_the_database_password():
    from bot.ops.runner import run_banner

    settings = Settings.from_env({"DATABASE_URL": "postgresql://ann:s3cret@db.example/concordia"})
    banner = run_banner(settings)
    assert "s3cret" not in banner
    assert "postgresql://ann:***@db.example/concordia" in banner
    sqlite = run_banner(Settings.from_env({"DATABASE_URL": "sqlite:////tmp/x/concordia.db"}))
    assert "sqlite:////tmp/x/concordia.db" in sqlite
