"""The REST channel, keeping each message exactly as the user typed it.

Rasa strips surrounding whitespace before it stores a message; the verbatim text
is added to the message metadata (stored with the event in the tracker store),
so transcripts and the structured record keep what was actually typed. A client's
own message id, when given, is kept too: it makes a re-sent message idempotent. Bad
request bodies get a 400 naming the problem instead of a server error.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage as BadRequest
from sanic.request import Request

from bot.store.transcript import CLIENT_ID_KEY, VERBATIM_KEY

logger = logging.getLogger(__name__)
NOT_PROCESSED = (
    "your message may not have been processed ({reason}). Send it again, with the same "
    "message_id if you gave one: what it records is then recorded once."
)

# A client may name its message ({"message_id": "..."}); sending it again after a
# timeout or a failed server then records nothing twice (see actions/session.py).
MAX_CLIENT_ID_LENGTH = 64


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
        client_id = body.get("message_id")
        if client_id is not None:
            if not isinstance(client_id, str) or not 0 < len(client_id) <= MAX_CLIENT_ID_LENGTH:
                raise BadRequest(
                    f"'message_id' must be a string of 1 to {MAX_CLIENT_ID_LENGTH} characters "
                    "(the client's own id for this message), or left out"
                )
            metadata[CLIENT_ID_KEY] = client_id
        return metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        """Rasa's REST routes, except that a message whose handling failed or timed out
        gets a 503 saying so. (Rasa's own handler answers 200 with no replies, so the
        client cannot tell that its message was dropped.)"""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request):
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            input_channel = self._extract_input_channel(request)
            metadata = self.get_metadata(request)
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender_id, input_channel, metadata),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            message = UserMessage(
                text, collector, sender_id, input_channel=input_channel, metadata=metadata
            )
            try:
                await on_new_message(message)
            except CancelledError:
                logger.error("REST message from %s timed out; answered 503", sender_id)
                return response.json(
                    {"error": NOT_PROCESSED.format(reason="it timed out")}, status=503
                )
            except Exception:
                logger.exception("REST message from %s failed; answered 503", sender_id)
                return response.json(
                    {"error": NOT_PROCESSED.format(reason="the assistant hit an error")},
                    status=503,
                )
            return response.json(collector.messages)

        return webhook
