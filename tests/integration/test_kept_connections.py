"""Action calls reuse their connections (components/kept_connections.py): against a
real HTTP server on loopback, several calls share one connection, a connection idle
past the keep-alive is replaced before the server would close it, and a server that
closes every connection is still answered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from components import kept_connections

kept_connections.install()  # as the Rasa server does, importing `components`


@asynccontextmanager
async def server(close_each: bool = False) -> AsyncIterator[tuple[str, list]]:
    """A JSON echo server; yields its URL and the client address of each request."""
    seen: list = []

    async def echo(request: web.Request) -> web.Response:
        seen.append(request.transport.get_extra_info("peername"))
        headers = {"Connection": "close"} if close_each else {}
        return web.json_response(await request.json(), headers=headers)

    app = web.Application()
    app.router.add_post("/webhook", echo)
    runner = web.AppRunner(app, keepalive_timeout=5.0)  # as Sanic's, the action server's
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/webhook", seen
    finally:
        await runner.cleanup()


def test_calls_share_one_connection_and_an_idle_one_is_replaced_in_time():
    async def scenario() -> None:
        async with server() as (url, seen):
            endpoint = EndpointConfig(url)
            for n in range(5):
                assert await endpoint.request(json={"n": n}) == {"n": n}
            assert len(set(seen)) == 1  # one connection, kept
            await asyncio.sleep(kept_connections.KEEPALIVE_SECONDS + 0.5)
            assert await endpoint.request(json={"n": 5}) == {"n": 5}
            assert len(set(seen)) == 2  # the idle one was closed by this side, first
            async with endpoint.session() as session:
                assert not session.closed  # `async with` leaves the kept session open
            async with endpoint.session() as again:
                assert again is session
            await session.close()

    asyncio.run(scenario())


def test_a_server_that_closes_each_connection_is_still_answered():
    async def scenario() -> None:
        async with server(close_each=True) as (url, seen):
            endpoint = EndpointConfig(url)
            for n in range(3):
                assert await endpoint.request(json={"n": n}) == {"n": n}
            assert len(set(seen)) == 3
            async with endpoint.session() as session:
                await session.close()

    asyncio.run(scenario())


def test_each_event_loop_gets_its_own_session():
    endpoint = EndpointConfig("http://127.0.0.1:9/webhook")

    async def session_of_this_loop():
        async with endpoint.session() as session:
            pass
        await session.close()
        return session

    first = asyncio.run(session_of_this_loop())
    second = asyncio.run(session_of_this_loop())
    assert first is not second
