"""Signed session cookies and CSRF tokens for the reviewer UI, and the signed ids of
the widget's conversations (HMAC-SHA256, stdlib only).

The cookie holds `session|name|issued|nonce` and its signature; it is HttpOnly and
SameSite=Strict. The CSRF token is derived from the cookie, so a form posted
from another site (which cannot read the cookie) cannot carry a valid token.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from bot.settings import Settings

COOKIE = "concordia_review"
LOGIN_COOKIE = "concordia_login"
SESSION_SECONDS = 8 * 3600


def _utf8(text: str) -> bytes:
    """Any str as bytes, lone surrogates included: cookies and form fields come from
    outside, and `hmac.compare_digest` refuses non-ASCII str (it answered 500)."""
    return text.encode("utf-8", "surrogatepass")


def same(a: str, b: str) -> bool:
    """Constant-time equality of two strings from anywhere."""
    return hmac.compare_digest(_utf8(a), _utf8(b))


def load_secret(value: str | None, path: Path) -> bytes:
    """CONCORDIA_SECRET_KEY, or a random key kept in a file all processes share.

    The Rasa server and the web app start together and both need the same key, so the
    file is written whole under a temporary name and linked into place: whichever
    process links first wins, and the other reads that key.
    """
    if value:
        return _utf8(value)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip().encode()


def secret_for(settings: Settings) -> bytes:
    """The one key every process of this deployment signs with."""
    return load_secret(settings.secret_key, settings.root / "var" / "secret_key")


@dataclass(frozen=True)
class Signer:
    secret: bytes

    def _mac(self, payload: str) -> str:
        return hmac.new(self.secret, _utf8(payload), hashlib.sha256).hexdigest()

    def sign(self, payload: str) -> str:
        return f"{payload}|{self._mac(payload)}"

    def unsign(self, token: str | None) -> str | None:
        if not token or "|" not in token:
            return None
        payload, _, mac = token.rpartition("|")
        return payload if same(mac, self._mac(payload)) else None

    # -- conversation ids (the widget's socket sessions) ----------------------------------
    # 128 random bits and a MAC: unguessable, and a browser can only resume a
    # conversation whose id this deployment issued (not pick "alice" or a REST sender).
    def conversation_id(self) -> str:
        nonce = secrets.token_hex(16)
        return f"{nonce}.{self._mac(f'conversation|{nonce}')[:32]}"

    def is_conversation_id(self, value: object) -> bool:
        if not isinstance(value, str) or len(value) != 65 or value[32] != ".":
            return False
        nonce, mac = value[:32], value[33:]
        return same(mac, self._mac(f"conversation|{nonce}")[:32])

    # -- reviewer sessions ----------------------------------------------------------------
    # Each token names its purpose, so the pre-sign-in token handed to anyone who opens
    # the sign-in page can never pass for a reviewer's session. The session itself is
    # kept server-side (bot/review/accounts.py): the cookie only carries its random
    # token, signed, and ending the session in the database ends the cookie.
    def session_cookie(self, token: str) -> str:
        return self.sign(f"session|{token}")

    def session_token(self, cookie: str | None) -> str | None:
        payload = self.unsign(cookie)
        if payload is None or not payload.startswith("session|"):
            return None
        return payload.removeprefix("session|") or None

    def login_token(self) -> str:
        return self.sign(f"login|{int(time.time())}|{secrets.token_hex(8)}")

    def is_login_token(self, token: str | None) -> bool:
        payload = self.unsign(token)
        return payload is not None and payload.startswith("login|")

    def csrf_token(self, cookie: str | None) -> str:
        return self._mac(f"csrf|{cookie or ''}")

    def csrf_ok(self, cookie: str | None, token: str | None) -> bool:
        return bool(cookie) and bool(token) and same(self.csrf_token(cookie), token or "")
