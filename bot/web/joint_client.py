"""The joint view's analysis, asked of the action server (`actions/room_analysis.py`).

The action server holds the sentence encoder and spaCy already; the web app sends it
a room's released items and keeps the answer per set of released items, since every
open view asks again at each change and the released set changes seldom. When the
action server cannot answer, the room goes on without the analysis and says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import aiohttp

from bot.rooms.joint import EMPTY, analysis_request
from bot.rooms.ledger import LedgerItem

logger = logging.getLogger(__name__)
UNAVAILABLE = (
    "The common ground and the measures cannot be worked out right now; what the parties "
    "shared is all here."
)
TIMEOUT_SECONDS = 20.0
KEPT = 256


class JointAnalysisClient:
    def __init__(self, url: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self.url = url
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._kept: OrderedDict[str, dict[str, Any]] = OrderedDict()

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def view(self, items: Sequence[LedgerItem], parties: Sequence[str]) -> dict[str, Any]:
        """The analysis as the joint view shows it: empty when nothing is released,
        with `unavailable` when the action server did not answer."""
        request = analysis_request(items, parties)
        if not request["items"]:
            return EMPTY.as_view()
        key = repr(sorted(request.items()))
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]
        try:
            assert self._session is not None, "start() the client first"
            async with self._session.post(self.url, json=request) as reply:
                reply.raise_for_status()
                found = await reply.json()
            if not (isinstance(found, dict) and {"common_ground", "measures"} <= found.keys()):
                raise ValueError(f"not an analysis: {str(found)[:200]}")
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            logger.warning("The joint view's analysis failed (%s): %s", self.url, exc)
            return {**EMPTY.as_view(), "unavailable": UNAVAILABLE}
        self._kept[key] = found
        while len(self._kept) > KEPT:
            self._kept.popitem(last=False)
        return found
