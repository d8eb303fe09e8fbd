"""Rasa's socket.io channel (used by the web widget), keeping messages verbatim and
each browser to its own conversation.

Like the REST channel, it stores the exact text in the message metadata (Rasa strips
it), refuses over-long messages with a friendly reply, ignores malformed events
instead of failing, and only accepts browser connections from the origins in
CONCORDIA_CORS_ORIGINS (by default the web app's).

Conversation ids are issued by the server, unguessable and signed (`Signer`), and
bound to the socket that asked for them. Rasa's own channel trusts whatever
`session_id` a browser sends, with each message too, so anyone could join or write
into another person's conversation by naming its id; here an id the server did not
issue gets a fresh one, and messages always go to the socket's bound conversation.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.settings import Settings
from bot.web.auth import Signer, secret_for
from connectors.rest import VERBATIM_KEY, client_metadata, not_unicode, too_long

logger = logging.getLogger(__name__)
BOUND_KEY = "conversation"


def _metadata(raw: Any) -> dict[str, Any]:
    """The client's metadata (a dict, or JSON text of one), defined keys only."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return client_metadata(raw)


class VerbatimSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        settings = Settings.from_env()
        signer = Signer(secret_for(settings))
        self.sio.eio.cors_allowed_origins = list(settings.cors_origins)
        namespace = self.namespace or "/"
        rasa_handler = self.sio.handlers[namespace][self.user_message_evt]

        async def bound_conversation(sid: str) -> str | None:
            try:
                session = await self.sio.get_session(sid, namespace=namespace)
            except KeyError:  # the socket has gone
                return None
            return session.get(BOUND_KEY)

        async def reply(sid: str, text: str) -> None:
            await self.sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=namespace)

        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
                logger.warning("Ignored a malformed %s event from %s", self.user_message_evt, sid)
                return
            text = data.get("message", "")
            payload = dict(data)
            if self.session_persistence:
                conversation = await bound_conversation(sid)
                if conversation is None or data.get("session_id") not in (None, conversation):
                    # Before `session_request`, or naming a conversation that is not this
                    # socket's: never let it reach (or read) someone else's conversation.
                    logger.warning("Ignored a message from %s for a conversation not its own", sid)
                    return
                payload["session_id"] = conversation
            problem = not_unicode(text)
            if problem:
                logger.warning("Refused a socket message from %s: it %s", sid, problem)
                await reply(sid, f"I could not read that message: it {problem}.")
                return
            refusal = too_long(text, settings.max_message_chars)
            if refusal:
                logger.warning(
                    "Refused a %d-character socket message from %s (limit %d)",
                    len(text),
                    sid,
                    settings.max_message_chars,
                )
                await reply(sid, refusal)
                return
            metadata = _metadata(data.get(self.metadata_key))
            metadata[VERBATIM_KEY] = text
            await rasa_handler(sid, {**payload, self.metadata_key: metadata})

        async def session_request(sid: str, data: Any) -> None:
            # A stored id is resumed only if this deployment issued it; anything else
            # (missing, made up, someone else's guess) starts a new conversation.
            data = data if isinstance(data, dict) else {}
            requested = data.get("session_id")
            conversation = requested if signer.is_conversation_id(requested) else None
            if requested and conversation is None:
                logger.info("Socket %s named an id this server never issued: new one", sid)
            conversation = conversation or signer.conversation_id()
            previous = await bound_conversation(sid)
            await self.sio.save_session(sid, {BOUND_KEY: conversation}, namespace=namespace)
            if self.session_persistence:
                if previous and previous != conversation:
                    await self.sio.leave_room(sid, previous, namespace=namespace)
                joined = self.sio.enter_room(sid, conversation, namespace=namespace)
                # Rasa 3.6 calls `enter_room` without awaiting it, which python-socketio
                # 5.10+ made a coroutine: the browser never joined its room.
                if inspect.isawaitable(joined):
                    await joined
            await self.sio.emit("session_confirm", conversation, room=sid, namespace=namespace)

        self.sio.on(self.user_message_evt, handle_message, namespace=namespace)
        self.sio.on("session_request", session_request, namespace=namespace)
        return blueprint
