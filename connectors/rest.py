"""The REST channel, keeping each message exactly as the user typed it.

Rasa strips surrounding whitespace before it stores a message; the verbatim text
is added to the message metadata (stored with the event in the tracker store),
so transcripts and the structured record keep what was actually typed. Bad
request bodies get a 400 naming the problem instead of a server error.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage as BadRequest
from sanic.request import Request

VERBATIM_KEY = "verbatim_text"


class VerbatimRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @staticmethod
    def _body(req: Request) -> dict[str, Any]:
        try:
            body = req.json
        except Exception:
            body = None
        if not isinstance(body, dict):
            raise BadRequest('send a JSON object like {"sender": "id", "message": "text"}')
        return body

    def _extract_message(self, req: Request) -> str:
        message = self._body(req).get("message")
        if not isinstance(message, str):
            raise BadRequest("'message' must be a string (the text the user typed)")
        return message

    async def _extract_sender(self, req: Request) -> str:
        sender = self._body(req).get("sender", "default")
        if not isinstance(sender, str) or not sender.strip() or len(sender) > 255:
            raise BadRequest("'sender' must be a non-empty string of at most 255 characters")
        return sender

    def get_metadata(self, request: Request) -> dict[str, Any]:
        body = self._body(request)
        metadata = body.get("metadata")
        metadata = dict(metadata) if isinstance(metadata, dict) else {}
        metadata[VERBATIM_KEY] = body.get("message")
        return metadata
