"""The web app's client for the joint analysis (bot/web/joint_client.py) against a real
HTTP server on loopback: answers are kept per released set, a failure is shown as
unavailable and not retried by every view at once, and what the action server would
refuse is not sent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from bot.rooms.joint import MAX_ITEMS
from bot.rooms.ledger import ItemKind, LedgerItem, Share
from bot.web import joint_client
from bot.web.joint_client import JointAnalysisClient

ANALYSIS = {"common_ground": [], "measures": [{"id": "m", "title": "Talks", "reason": "r"}]}


@asynccontextmanager
async def action_server(status: int = 200, delay: float = 0.0) -> AsyncIterator[tuple[str, list]]:
    bodies: list = []

    async def analyse(request: web.Request) -> web.Response:
        bodies.append(await request.json())
        await asyncio.sleep(delay)
        return web.json_response(ANALYSIS if status == 200 else {"error": "x"}, status=status)

    app = web.Application()
    app.router.add_post("/rooms/analysis", analyse)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/rooms/analysis", bodies
    finally:
        await runner.cleanup()


def items(*states: Share) -> list[LedgerItem]:
    return [
        LedgerItem(n, "Riverland", ItemKind.INTEREST, f"We need water {n} — ünïcode", state)
        for n, state in enumerate(states, start=1)
    ]


def test_answers_are_kept_per_released_set_and_carry_released_items_only():
    async def scenario() -> None:
        async with action_server() as (url, bodies):
            client = JointAnalysisClient(url)
            room = items(Share.RELEASED, Share.PRIVATE, Share.SHAREABLE)
            assert await client.view(items(Share.PRIVATE), ["Riverland"]) == {
                "common_ground": [],
                "measures": [],
            }
            assert not bodies  # nothing released: nothing asked
            assert await client.view(room, ["Riverland"]) == ANALYSIS
            assert await client.view(room, ["Riverland"]) == ANALYSIS
            assert len(bodies) == 1  # the second view was answered from what was kept
            assert [i["text"] for i in bodies[0]["items"]] == ["We need water 1 — ünïcode"]
            await client.view(items(Share.RELEASED, Share.RELEASED), ["Riverland"])
            assert len(bodies) == 2  # another released set: asked again
            await client.close()

    asyncio.run(scenario())


def test_views_asking_for_the_same_new_set_at_once_share_one_request():
    async def scenario() -> None:
        async with action_server(delay=0.3) as (url, bodies):
            client = JointAnalysisClient(url)
            room = items(Share.RELEASED, Share.RELEASED)
            views = [asyncio.ensure_future(client.view(room, ["Riverland"])) for _ in range(5)]
            await asyncio.sleep(0.05)
            views[0].cancel()  # one view goes away: the others still get their answer
            answers = await asyncio.gather(*views[1:])
            assert answers == [ANALYSIS] * 4 and len(bodies) == 1
            assert await client.view(room, ["Riverland"]) == ANALYSIS  # kept
            other = items(Share.RELEASED)
            assert await asyncio.gather(
                client.view(other, ["Riverland"]), client.view(room, ["Riverland"])
            ) == [ANALYSIS, ANALYSIS]
            assert len(bodies) == 2  # only the new set was asked for
            await client.close()

    asyncio.run(scenario())


def test_closing_stops_the_requests_under_way():
    async def scenario() -> None:
        async with action_server(delay=5.0) as (url, bodies):
            client = JointAnalysisClient(url)
            view = asyncio.ensure_future(client.view(items(Share.RELEASED), ["Riverland"]))
            await asyncio.sleep(0.1)
            assert len(bodies) == 1  # asked, the answer not back yet
            await asyncio.wait_for(client.close(), timeout=1.0)
            assert not client._asking  # nothing left running after close
            try:
                await view
            except asyncio.CancelledError:
                pass
            else:
                raise AssertionError("the view was answered after the client closed")

    asyncio.run(scenario())


def test_a_failure_is_shown_as_unavailable_and_asked_again_only_later(monkeypatch):
    async def scenario() -> None:
        async with action_server(status=500) as (url, bodies):
            client = JointAnalysisClient(url)
            room = items(Share.RELEASED)
            for _ in range(3):
                view = await client.view(room, ["Riverland"])
                assert view["unavailable"] == joint_client.UNAVAILABLE
                assert view["common_ground"] == [] and view["measures"] == []
            assert len(bodies) == 1  # open views do not all ask again at once
            monkeypatch.setattr(joint_client, "RETRY_AFTER_SECONDS", 0.0)
            client._failed.clear()
            await client.view(room, ["Riverland"])
            assert len(bodies) == 2
            await client.close()
        unreachable = JointAnalysisClient(url, timeout=2)  # the server is gone
        view = await unreachable.view(room, ["Riverland"])
        assert view["unavailable"] == joint_client.UNAVAILABLE
        await unreachable.close()

    asyncio.run(scenario())


def test_a_room_beyond_the_limits_is_told_so_without_asking():
    async def scenario() -> None:
        async with action_server() as (url, bodies):
            client = JointAnalysisClient(url)
            view = await client.view(items(*[Share.RELEASED] * (MAX_ITEMS + 1)), ["Riverland"])
            assert view["unavailable"].startswith("The common ground and the measures are not")
            assert f"this room has {MAX_ITEMS + 1} and 1" in view["unavailable"]
            assert not bodies
            await client.close()

    asyncio.run(scenario())
