"""Rasa's socket.io channel (used by the web widget), keeping messages verbatim.

Like the REST channel, it stores the exact text in the message metadata (Rasa strips
it), ignores malformed events instead of failing, only accepts browser connections
from the origins in CONCORDIA_CORS_ORIGINS (by default the web app's), and joins
each browser to its conversation's room properly (see `session_request`).
"""

from __future__ import annotations

import inspect
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.settings import Settings
from connectors.rest import VERBATIM_KEY

logger = logging.getLogger(__name__)


def _metadata(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return dict(raw) if isinstance(raw, dict) else {}


class VerbatimSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        self.sio.eio.cors_allowed_origins = list(Settings.from_env().cors_origins)
        namespace = self.namespace or "/"
        rasa_handler = self.sio.handlers[namespace][self.user_message_evt]

        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
                logger.warning("Ignored a malformed %s event from %s", self.user_message_evt, sid)
                return
            metadata = _metadata(data.get(self.metadata_key))
            metadata[VERBATIM_KEY] = data.get("message", "")
            await rasa_handler(sid, {**data, self.metadata_key: metadata})

        async def session_request(sid: str, data: Any) -> None:
            # Rasa 3.6 calls `enter_room` without awaiting it, which python-socketio 5.10+
            # made a coroutine: the browser never joined its room and got no replies.
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not isinstance(session_id, str) or not session_id:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                joined = self.sio.enter_room(sid, session_id, namespace=namespace)
                if inspect.isawaitable(joined):
                    await joined
            await self.sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        self.sio.on(self.user_message_evt, handle_message, namespace=namespace)
        self.sio.on("session_request", session_request, namespace=namespace)
        return blueprint
