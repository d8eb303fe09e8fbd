"""Rasa's lock store, chosen by REDIS_URL.

With REDIS_URL set, conversation locks live in Redis, so several Rasa servers can
share conversations (Rasa's documented way to scale out); without it, Rasa's
in-memory lock store serves the single server. Rasa's own `type: redis` takes the
host, port and password as separate fields; a URL keeps them in one variable.
"""

from __future__ import annotations

import logging
import os

from rasa.core.lock_store import (
    DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX,
    InMemoryLockStore,
    LockStore,
    RedisLockStore,
)
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)
SOCKET_TIMEOUT_SECONDS = 5.0


class UrlRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store, connected from a `redis://` URL."""

    def __init__(self, url: str, socket_timeout: float = SOCKET_TIMEOUT_SECONDS) -> None:
        import redis

        self.red = redis.Redis.from_url(url, socket_timeout=socket_timeout)
        self.key_prefix = DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX
        LockStore.__init__(self)


class LockStoreConfigError(RuntimeError):
    """The lock store cannot keep conversations consistent with this configuration."""


class EnvironmentLockStore(LockStore):
    """The lock store `endpoints.yml` names (Rasa loads custom lock stores by class path):
    constructing it gives Redis when REDIS_URL is set, Rasa's in-memory store if not.

    Rasa refuses several Sanic workers only when the configured lock store *type* is
    in-memory; it cannot see that this one would be in-memory too, so it refuses here:
    two workers with separate in-memory locks would process one conversation twice at
    once and interleave its events.
    """

    def __new__(cls, endpoint_config: EndpointConfig | None = None) -> LockStore:  # type: ignore[misc]
        url = os.environ.get("REDIS_URL", "").strip()
        if not url:
            workers = os.environ.get("SANIC_WORKERS", "1").strip() or "1"
            if workers != "1":
                raise LockStoreConfigError(
                    f"SANIC_WORKERS={workers} needs conversation locks that the workers "
                    "share: set REDIS_URL (e.g. redis://127.0.0.1:6379/0) or unset "
                    "SANIC_WORKERS"
                )
            return InMemoryLockStore()
        logger.info("Conversation locks in Redis (REDIS_URL): Rasa servers can share them.")
        return UrlRedisLockStore(url)
