"""Configuration, read from environment variables in this one place.

Every process (CLI, action server, web app, tests) builds its `Settings` here, so a
variable means the same thing everywhere and the defaults are safe for one machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The labelled statements the statement-kind classifier learns from, and where its
# weights are cached (keyed by a hash of those statements).
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
CACHE_DIR = PROJECT_ROOT / "var" / "cache"


# Largest HTTP request body the Rasa server reads (Sanic's default is 100 MB).
REQUEST_MAX_BYTES = 1_000_000
# ... and the action server: an action call, or the largest rooms' analysis request
# (bot/rooms/joint.py MAX_REQUEST_BYTES, about 10 MB); the cluster's nginx takes it
# too (bot/ops/cluster.py). Set for it whatever SANIC_REQUEST_MAX_SIZE says, so
# a smaller limit meant for the web app never makes a room's analysis unavailable.
ACTION_REQUEST_MAX_BYTES = 16 * 1024 * 1024


class ConfigError(ValueError):
    """A configuration value is wrong; the message names the variable and the fix."""


def _port(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(
            f"{name}={raw!r} is not a port number; set it to e.g. {default}"
        ) from None
    if not 0 < value < 65536:
        raise ConfigError(f"{name}={value} is out of range; use a port between 1 and 65535")
    return value


def _http_url(env: dict[str, str], name: str, example: str) -> str:
    """An optional http(s) URL from the environment ("" when unset)."""
    value = env.get(name, "").strip()
    if value and not value.startswith(("http://", "https://")):
        raise ConfigError(f"{name}={value!r} must start with http:// or https://, e.g. {example}")
    return value


def _redis_url(raw: str) -> str | None:
    value = raw.strip()
    if not value:
        return None
    if not value.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(
            f"REDIS_URL={value!r} is not a Redis URL; use e.g. redis://127.0.0.1:6379/0 "
            "(or leave it unset for one Rasa server)"
        )
    return value


MIN_SECRET_BYTES = 32


def _secret_key(env: dict[str, str]) -> str | None:
    """CONCORDIA_SECRET_KEY, at least 32 bytes (a short key can be guessed offline from
    one signed cookie); unset means a random key kept in var/secret_key."""
    value = env.get("CONCORDIA_SECRET_KEY") or None
    if value is not None and len(value.encode("utf-8", "surrogatepass")) < MIN_SECRET_BYTES:
        raise ConfigError(
            f"CONCORDIA_SECRET_KEY is {len(value.encode('utf-8', 'surrogatepass'))} bytes; "
            f"use at least {MIN_SECRET_BYTES} random bytes (for example the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`), or unset it to "
            "use a random key kept in var/secret_key"
        )
    return value


def _positive_int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name}={raw!r} must be a whole number above 0, e.g. {default}")
    return int(raw)


# The policies look back five turns (config.yml); a window needs those and the current one.
MIN_TRACKER_TURNS = 6


def _tracker_turns(env: dict[str, str], default: int = 10) -> int:
    name = "CONCORDIA_TRACKER_TURNS"
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or 0 < int(raw) < MIN_TRACKER_TURNS:
        raise ConfigError(
            f"{name}={raw!r} must be 0 (the whole session) or a whole number of at least "
            f"{MIN_TRACKER_TURNS} (the policies look back five turns), e.g. {default}"
        )
    return int(raw)


def default_database_url(root: Path = PROJECT_ROOT) -> str:
    """The embedded default: an SQLite file in the git-ignored `var/` folder."""
    return f"sqlite:///{root / 'var' / 'concordia.db'}"


@dataclass(frozen=True)
class Settings:
    """Runtime settings; see the README's configuration table."""

    database_url: str
    host: str
    rasa_port: int
    action_port: int
    web_port: int
    models_dir: Path
    knowledge_dir: Path
    root: Path
    log_level: str
    cors_origins: tuple[str, ...]
    secret_key: str | None = None
    secure_cookies: bool = False
    public_url: str = ""
    redis_url: str | None = None
    # Longest message the channels accept; longer ones get a reply asking to split them.
    max_message_chars: int = 8000
    # Rasa's HTTP API (trackers, models) is only enabled when this token is set.
    rasa_auth_token: str | None = None
    # Events a Rasa server keeps in memory through a database outage; beyond this it
    # parks further conversations on disk (parked_dir) and writes them back from there.
    max_kept_events: int = 20000
    # Conversations the database refused (or memory could not hold), one file each.
    parked_dir: Path | None = None
    # User turns of a conversation the Rasa server works on (the state before them is
    # carried as slots: components/tracker_window.py); 0 = the whole session, as in
    # stock Rasa, whose cost per message grows with the conversation.
    tracker_turns: int = 10
    # How long a room's link opens the room (days); the facilitator can issue a new one.
    room_link_days: int = 14
    # Where the web app asks for a room's analysis, when the action server is not on
    # this host at ACTION_PORT (another machine, a Kubernetes service); "" = there.
    room_analysis_at: str = ""

    @property
    def web_url(self) -> str:
        """Where people reach the web app (debrief links point here)."""
        return (self.public_url or f"http://{self.host}:{self.web_port}").rstrip("/")

    @property
    def action_endpoint_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"

    @property
    def room_analysis_url(self) -> str:
        """The action server's analysis of a room's released items (the web app asks)."""
        return self.room_analysis_at or f"http://{self.host}:{self.action_port}/rooms/analysis"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        root = Path(env.get("CONCORDIA_ROOT") or PROJECT_ROOT)
        web_port = _port(env, "WEB_PORT", 8000)
        origins = env.get("CONCORDIA_CORS_ORIGINS", "").strip()
        cors = (
            tuple(o.strip() for o in origins.split(",") if o.strip())
            if origins
            else (f"http://127.0.0.1:{web_port}", f"http://localhost:{web_port}")
        )
        return cls(
            database_url=env.get("DATABASE_URL", "").strip() or default_database_url(root),
            host=env.get("CONCORDIA_HOST", "").strip() or "127.0.0.1",
            rasa_port=_port(env, "RASA_PORT", 5005),
            action_port=_port(env, "ACTION_PORT", 5055),
            web_port=web_port,
            models_dir=Path(env.get("CONCORDIA_MODELS_DIR") or root / "models"),
            knowledge_dir=Path(env.get("CONCORDIA_KNOWLEDGE_DIR") or root / "data" / "knowledge"),
            root=root,
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            cors_origins=cors,
            secret_key=_secret_key(env),
            secure_cookies=env.get("CONCORDIA_SECURE_COOKIES", "").lower() in ("1", "true", "yes"),
            public_url=_http_url(env, "CONCORDIA_PUBLIC_URL", "https://concordia.example.org"),
            redis_url=_redis_url(env.get("REDIS_URL", "")),
            max_message_chars=_positive_int(env, "CONCORDIA_MAX_MESSAGE_CHARS", 8000),
            rasa_auth_token=env.get("RASA_AUTH_TOKEN", "").strip() or None,
            max_kept_events=_positive_int(env, "CONCORDIA_MAX_KEPT_EVENTS", 20000),
            parked_dir=Path(env.get("CONCORDIA_PARKED_DIR") or root / "var" / "parked"),
            tracker_turns=_tracker_turns(env),
            room_link_days=_positive_int(env, "CONCORDIA_ROOM_LINK_DAYS", 14),
            room_analysis_at=_http_url(
                env, "CONCORDIA_ROOM_ANALYSIS_URL", "http://actions.internal:5055/rooms/analysis"
            ),
        )

    def child_env(self) -> dict[str, str]:
        """Environment for the Rasa, action and web processes (endpoints.yml reads it)."""
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url,
            ACTION_ENDPOINT_URL=self.action_endpoint_url,
            RASA_PORT=str(self.rasa_port),
            ACTION_PORT=str(self.action_port),
            WEB_PORT=str(self.web_port),
            CONCORDIA_ROOT=str(self.root),
            CONCORDIA_KNOWLEDGE_DIR=str(self.knowledge_dir),
            CONCORDIA_CORS_ORIGINS=",".join(self.cors_origins),
            CONCORDIA_PUBLIC_URL=self.web_url,
            REDIS_URL=self.redis_url or "",
            CONCORDIA_MAX_MESSAGE_CHARS=str(self.max_message_chars),
            CONCORDIA_TRACKER_TURNS=str(self.tracker_turns),
            CONCORDIA_ROOM_LINK_DAYS=str(self.room_link_days),
            CONCORDIA_ROOM_ANALYSIS_URL=self.room_analysis_at,
            # rasa_sdk's action server binds to SANIC_HOST (it has no --interface flag).
            SANIC_HOST=self.host,
            # Quiet TensorFlow's start-up banner; two cores do not need more threads.
            TF_CPP_MIN_LOG_LEVEL=os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            # One OpenBLAS thread: numpy's (and scipy's) OpenBLAS keeps a thread per core
            # that spins after every small product the servers compute; at 20 users it
            # burned 6.5 ms of CPU a message in the action server, more than its actions
            # (docs/performance.md). Set it to override.
            OPENBLAS_NUM_THREADS=os.environ.get("OPENBLAS_NUM_THREADS", "").strip() or "1",
        )
        if self.secret_key:
            env["CONCORDIA_SECRET_KEY"] = self.secret_key
        return env

    def action_server_env(self) -> dict[str, str]:
        """`child_env` with the action server's own request limit."""
        return {**self.child_env(), "SANIC_REQUEST_MAX_SIZE": str(ACTION_REQUEST_MAX_BYTES)}

    def rasa_server_env(self) -> dict[str, str]:
        """`child_env` plus one TensorFlow thread per operation for a serving Rasa server.

        Serving runs many small predictions: on two cores, one thread each measured 13%
        more messages per second at 20 conversations and a lower p50 (RESULTS.md).
        Training keeps TensorFlow's defaults. Set either variable to override.
        """
        env = self.child_env()
        for name in ("TF_INTRA_OP_PARALLELISM_THREADS", "TF_INTER_OP_PARALLELISM_THREADS"):
            env[name] = os.environ.get(name, "").strip() or "1"
        # Sanic refuses larger request bodies with a 413 before Rasa parses them; the
        # channels cap the message text itself (max_message_chars) with a friendly reply.
        env["SANIC_REQUEST_MAX_SIZE"] = os.environ.get("SANIC_REQUEST_MAX_SIZE", "") or str(
            REQUEST_MAX_BYTES
        )
        return env
