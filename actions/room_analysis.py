"""The joint view's analysis, served to the web app by the action server.

The action server already holds the sentence encoder and spaCy for the mediation's
own analysis; a web app computing the joint view itself loaded a second copy, about
190 MB (docs/architecture.md §8). The web app sends the released items alone, within
the limits of `bot.rooms.joint` (the analysis runs on this server's event loop, as the
actions do).
"""

from __future__ import annotations

import json
import logging

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.session import ANALYSER, KNOWLEDGE, SEMANTICS
from bot.rooms.joint import (
    MAX_REQUEST_BYTES,
    AnalysisRequestError,
    JointAnalyst,
    read_analysis_request,
)

logger = logging.getLogger(__name__)
ANALYST = JointAnalyst(SEMANTICS, ANALYSER, KNOWLEDGE)
PATH = "/rooms/analysis"


def room_analysis_blueprint() -> Blueprint:
    bp = Blueprint("room_analysis")

    @bp.post(PATH)
    async def analysis(request: Request) -> HTTPResponse:
        if len(request.body or b"") > MAX_REQUEST_BYTES:
            return _refused(f"the request is over {MAX_REQUEST_BYTES:,} bytes")
        try:
            items, parties = read_analysis_request(json.loads(request.body or b"null"))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            reason = str(exc) if isinstance(exc, AnalysisRequestError) else "send JSON"
            return _refused(reason)
        try:
            return response.json(ANALYST.analyse(items, parties).as_view())
        except Exception:  # the encoder or spaCy failed: the room shows it unavailable
            logger.exception("The joint analysis failed")
            return response.json({"error": "The analysis failed; try again later."}, status=503)

    return bp


def _refused(reason: str) -> HTTPResponse:
    return response.json({"error": f"Cannot analyse this room: {reason}."}, status=400)
