"""The joint view's analysis, asked of the action server (`actions/room_analysis.py`).

The action server holds the sentence encoder and spaCy already; the web app sends it
a room's released items and keeps the answer per set of released items, since every
open view asks again at each change and the released set changes seldom. Views that
ask for the same new set at once share one request. When the action server cannot
answer, the room goes on without the analysis and says so; a failure is remembered
for a few seconds, so open views do not all ask again at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import aiohttp

from bot.rooms.joint import EMPTY, AnalysisRequestError, analysis_request, read_analysis_request
from bot.rooms.ledger import LedgerItem

logger = logging.getLogger(__name__)
UNAVAILABLE = (
    "The common ground and the measures cannot be worked out right now; what the parties "
    "shared is all here."
)
TIMEOUT_SECONDS = 20.0
KEPT = 256  # answers kept, by a digest of the released set
RETRY_AFTER_SECONDS = 10.0
# Idle connections are closed before the action server (Sanic, 5 s) would close them.
KEEPALIVE_SECONDS = 2.0


class JointAnalysisClient:
    def __init__(self, url: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self.url = url
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._kept: OrderedDict[bytes, dict[str, Any]] = OrderedDict()
        self._failed: dict[bytes, float] = {}  # digest -> when to ask again
        self._asking: dict[bytes, asyncio.Task[dict[str, Any]]] = {}  # digest -> request

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
            )
        return self._session

    async def close(self) -> None:
        """Stop the requests still under way, then close the connections."""
        asking = list(self._asking.values())
        for task in asking:
            task.cancel()
        await asyncio.gather(*asking, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def view(self, items: Sequence[LedgerItem], parties: Sequence[str]) -> dict[str, Any]:
        """The analysis as the joint view shows it: empty when nothing is released,
        with `unavailable` (what the page shows instead) when it cannot be had."""
        request = analysis_request(items, parties)
        if not request["items"]:
            return EMPTY.as_view()
        body = json.dumps(request, ensure_ascii=False, sort_keys=True).encode("utf-8")
        key = hashlib.sha256(body).digest()
        if key in self._kept:  # only answers within the limits are kept
            self._kept.move_to_end(key)
            return self._kept[key]
        try:
            read_analysis_request(request)  # the action server's limits, checked here
        except AnalysisRequestError as exc:
            shown = f"The common ground and the measures are not shown: {exc}."
            return {**EMPTY.as_view(), "unavailable": shown}
        if self._failed.get(key, 0.0) > time.monotonic():
            return {**EMPTY.as_view(), "unavailable": UNAVAILABLE}
        asking = self._asking.get(key)
        if asking is None:
            # its own task, so a view that goes away does not cancel the others' answer
            asking = asyncio.ensure_future(self._ask(key, body))
            self._asking[key] = asking
            asking.add_done_callback(lambda _: self._asking.pop(key, None))
        return await asyncio.shield(asking)

    async def _ask(self, key: bytes, body: bytes) -> dict[str, Any]:
        """The action server's answer for one released set, kept; or unavailable."""
        try:
            headers = {"Content-Type": "application/json"}
            async with self._client().post(self.url, data=body, headers=headers) as reply:
                reply.raise_for_status()
                found = await reply.json()
            if not (isinstance(found, dict) and {"common_ground", "measures"} <= found.keys()):
                raise ValueError(f"not an analysis: {str(found)[:200]}")
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            logger.warning("The joint view's analysis failed (%s): %s", self.url, exc)
            self._failed = {k: t for k, t in self._failed.items() if t > time.monotonic()}
            self._failed[key] = time.monotonic() + RETRY_AFTER_SECONDS
            return {**EMPTY.as_view(), "unavailable": UNAVAILABLE}
        self._kept[key] = found
        while len(self._kept) > KEPT:
            self._kept.popitem(last=False)
        return found
