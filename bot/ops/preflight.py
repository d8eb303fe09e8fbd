"""Checks before serving: every configured service answers, or one line says which
variable is wrong and what failed (never a traceback, never a silent fallback)."""

from __future__ import annotations

import shutil

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import ConfigError, Settings
from bot.store.db import get_engine, sqlite_file
from bot.store.faults import describe

REDIS_TIMEOUT_SECONDS = 3.0
# Below this, an SQLite deployment is refused at start-up rather than failing mid-session.
MIN_FREE_DISK_BYTES = 50 * 1024 * 1024


def check_redis(url: str) -> None:
    """Raise ConfigError naming REDIS_URL unless a Redis server answers PING there."""
    import redis

    try:
        client = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        client.ping()
    except ValueError as exc:
        raise ConfigError(f"REDIS_URL={url!r} is not usable: {exc}") from None
    except redis.RedisError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"REDIS_URL: cannot reach Redis at {_safe(url)}: {reason}") from None


def _safe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"


def check_sqlite_writable(url: str) -> None:
    """Raise ConfigError unless the SQLite file can be written and its disk has room.

    The migration step only reads a database that is already up to date, so a read-only
    file or a full disk would otherwise pass start-up and fail on the first message.
    """
    parsed = make_url(url)
    path = sqlite_file(parsed.database) if parsed.get_backend_name() == "sqlite" else None
    if path is None:
        return
    folder = path.resolve().parent
    free = shutil.disk_usage(folder).free
    if free < MIN_FREE_DISK_BYTES:
        raise ConfigError(
            f"DATABASE_URL: the disk holding {folder} has only {free // 2**20} MB free; "
            f"free at least {MIN_FREE_DISK_BYTES // 2**20} MB or move the database elsewhere"
        )
    try:
        with get_engine(url).connect() as connection:
            # A write that is rolled back: it needs the file writable, and leaves no trace.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            connection.exec_driver_sql("CREATE TABLE concordia_write_probe (x INTEGER)")
            connection.exec_driver_sql("ROLLBACK")
    except SQLAlchemyError as exc:
        raise ConfigError(f"DATABASE_URL: {describe(exc, url)}") from None


def check_services(settings: Settings) -> None:
    """Redis when REDIS_URL is set; an SQLite file must be writable (the database's schema
    is checked by the migration step)."""
    if settings.redis_url:
        check_redis(settings.redis_url)
    check_sqlite_writable(settings.database_url)
