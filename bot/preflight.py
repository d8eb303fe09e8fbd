"""Checks before serving: every configured service answers, or one line says which
variable is wrong and what failed (never a traceback, never a silent fallback)."""

from __future__ import annotations

from bot.settings import ConfigError, Settings

REDIS_TIMEOUT_SECONDS = 3.0


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


def check_services(settings: Settings) -> None:
    """Redis when REDIS_URL is set (the database is checked by the migration step)."""
    if settings.redis_url:
        check_redis(settings.redis_url)
