"""Rooms' live updates through Redis pub/sub (docs/architecture.md §8).

Every process that changes a room (the web app, the action server recording a
caucus item) publishes the room's id on one channel once the change is committed;
each web app subscribes and wakes the open views of that room at once. The database
stays the source of truth: a view then reads the room's revision and sends what
changed. Without Redis, or when a signal is lost, the views poll the revision.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import redis
import redis.asyncio as aioredis

logger = logging.getLogger(__name__)

CHANNEL = "concordia:rooms"
RECONNECT_SECONDS = 1.0


class Publisher:
    """`on_change` for a RoomRepository: tells every web app which room changed."""

    def __init__(self, url: str) -> None:
        # Short: a publish runs inside the change's request, so a Redis that does not
        # answer must cost it little (the views poll meanwhile).
        self._client = redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)

    def __call__(self, room_id: str) -> None:
        try:
            self._client.publish(CHANNEL, room_id)
        except redis.RedisError as exc:
            logger.warning(
                "Room %s changed, but Redis did not take the signal (%s); its open views "
                "see the change at their next poll",
                room_id,
                exc,
            )


def publisher(redis_url: str | None) -> Publisher | None:
    return Publisher(redis_url) if redis_url else None


class Signals:
    """A web app's subscription: one asyncio.Event per open view, set when its room
    changes anywhere."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._waiting: dict[str, set[asyncio.Event]] = {}
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._listen())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def watch(self, room_id: str) -> asyncio.Event:
        event = asyncio.Event()
        self._waiting.setdefault(room_id, set()).add(event)
        return event

    def forget(self, room_id: str, event: asyncio.Event) -> None:
        waiting = self._waiting.get(room_id)
        if waiting is not None:
            waiting.discard(event)
            if not waiting:
                del self._waiting[room_id]

    def wake(self, room_id: str) -> None:
        for event in self._waiting.get(room_id, ()):
            event.set()

    async def _listen(self) -> None:
        while True:
            client = aioredis.Redis.from_url(self.url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            data = message.get("data")
                            if isinstance(data, bytes):
                                data = data.decode("utf-8", errors="replace")
                            self.wake(str(data))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # whatever happens, reconnect: never a dead listener
                logger.warning(
                    "Room signals from Redis interrupted (%s); open views poll meanwhile", exc
                )
                await asyncio.sleep(RECONNECT_SECONDS)
            finally:
                with contextlib.suppress(Exception):
                    await client.close()
