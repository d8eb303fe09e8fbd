"""The REST channel, keeping each message exactly as the user typed it.

Rasa strips surrounding whitespace before it stores a message; the verbatim text
is added to the message metadata (stored with the event in the tracker store),
so transcripts and the structured record keep what was actually typed. A client's
own message id, when given, is kept too: it makes a re-sent message idempotent. Bad
request bodies get a 400 naming the problem instead of a server error; a message over
CONCORDIA_MAX_MESSAGE_CHARS gets a 413 with a friendly reply, and text that is not
text (unpaired surrogates) a 400: neither is stored, and nothing is silently altered.
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

from bot.settings import Settings
from bot.store.transcript import CLIENT_ID_KEY, VERBATIM_KEY

logger = logging.getLogger(__name__)
NOT_PROCESSED = (
    "your message may not have been processed ({reason}). Send it again, with the same "
    "message_id if you gave one: what it records is then recorded once."
)


# The metadata a client may set, with the values it may take (the widget's customData
# says which button started it). Anything else a client sends, the internal keys the
# channels set themselves (VERBATIM_KEY, CLIENT_ID_KEY) above all, is dropped.
CLIENT_METADATA = {"mode": ("mediation", "training")}


def client_metadata(raw: Any) -> dict[str, Any]:
    """The keys of a client's metadata this product defines, with allowed values only."""
    if not isinstance(raw, dict):
        return {}
    return {
        key: raw[key]
        for key, allowed in CLIENT_METADATA.items()
        if isinstance(raw.get(key), str) and raw[key] in allowed
    }


def too_long(text: str, limit: int) -> str | None:
    """The friendly reply to a message over the channel's limit, or None if it fits.

    Such a message is not processed or stored: the sender still has it, and is asked to
    send it in parts (a statement of interests rarely needs more than a few sentences).
    """
    if len(text) <= limit:
        return None
    return (
        f"That message is {len(text):,} characters long, and I can take at most {limit:,} "
        "at a time. Nothing was lost: please send it again in shorter parts, one point "
        "per message."
    )


def not_unicode(text: str) -> str | None:
    """Why `text` cannot be stored as text (a NUL, or an unpaired surrogate that JSON's
    \\uXXXX escapes can carry), or None. Such text is refused, never silently altered."""
    if "\x00" in text:
        return (
            f"contains a NUL character (U+0000) at position {text.index(chr(0))}, which is "
            "not text (and no database field can hold it); remove it and send again"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        return (
            f"contains an unpaired surrogate (U+{code:04X}) at position {exc.start}, which "
            "is not text; send the message as ordinary UTF-8"
        )
    return None


# A client may name its message ({"message_id": "..."}); sending it again after a
# timeout or a failed server then records nothing twice (see actions/session.py).
MAX_CLIENT_ID_LENGTH = 64


class VerbatimRestInput(RestInput):
    def __init__(self) -> None:
        super().__init__()
        self.max_message_chars = Settings.from_env().max_message_chars

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
        problem = not_unicode(message)
        if problem:
            raise BadRequest(f"'message' {problem}")
        return message

    async def _extract_sender(self, req: Request) -> str:
        sender = self._body(req).get("sender", "default")
        if not isinstance(sender, str) or not sender.strip() or len(sender) > 255:
            raise BadRequest("'sender' must be a non-empty string of at most 255 characters")
        problem = not_unicode(sender)
        if problem:
            raise BadRequest(f"'sender' {problem}")
        return sender

    def get_metadata(self, request: Request) -> dict[str, Any]:
        body = self._body(request)
        metadata = client_metadata(body.get("metadata"))
        metadata[VERBATIM_KEY] = body.get("message")
        client_id = body.get("message_id")
        if client_id is not None:
            if (
                not isinstance(client_id, str)
                or not 0 < len(client_id) <= MAX_CLIENT_ID_LENGTH
                or not_unicode(client_id)
            ):
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
            refusal = too_long(text, self.max_message_chars)
            if refusal:
                logger.warning(
                    "Refused a %d-character REST message from %s (limit %d)",
                    len(text),
                    sender_id,
                    self.max_message_chars,
                )
                return response.json({"error": refusal}, status=413)
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
