"""Calls to the action server over kept-alive connections.

Rasa 3.6 builds a new aiohttp session for every request to an endpoint
(`EndpointConfig.request`), so every action call, two or three a message, opened a
new TCP connection and closed it, on both servers. Here each endpoint keeps one
session per event loop, and its connections stay open between calls.

A connection idle for `KEEPALIVE_SECONDS` is closed by this side first: the action
server (Sanic, `KEEP_ALIVE_TIMEOUT` 5 s) closes idle connections later, so a request
does not go out on a connection the server is closing (an action server configured
to close sooner than 2 s would bring that race back).
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

import aiohttp
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

KEEPALIVE_SECONDS = 2.0


class _Kept:
    """`async with` hands out the endpoint's session and leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        return None


def kept_session(self: EndpointConfig) -> Any:
    """This endpoint's session in the running event loop, made on first use."""
    loop = asyncio.get_running_loop()
    kept: tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession] | None = getattr(
        self, "_kept_session", None
    )
    if kept is None or kept[0] is not loop or kept[1].closed:
        auth = (
            aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
            if self.basic_auth
            else None
        )
        session = aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
        )
        kept = (loop, session)
        self._kept_session = kept  # type: ignore[attr-defined]
    return _Kept(kept[1])


def install() -> None:
    """Keep endpoint connections in this process (idempotent)."""
    EndpointConfig.session = kept_session  # type: ignore[method-assign,assignment]
