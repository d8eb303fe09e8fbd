"""Reviewer accounts: argon2 password hashes and a sign-in rate limit.

Attempts are counted in the database, not in memory, so the limit holds when
several web processes serve the reviewer UI.
"""

from __future__ import annotations

import re
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.store.db import session_scope
from bot.store.models import Reviewer, SignInAttempt, utcnow

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,79}$")
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
_HASHER = PasswordHasher()
# Verifying against a fixed hash when the name is unknown keeps the timing alike.
_DUMMY_HASH = _HASHER.hash("not a real password")


class AccountError(ValueError):
    """A reviewer account cannot be created as asked; the message says why."""


class Accounts:
    def __init__(self, database_url: str) -> None:
        self.url = database_url

    def add(self, name: str, password: str) -> None:
        if not NAME_PATTERN.match(name or ""):
            raise AccountError(
                f"reviewer name {name!r} is not allowed: use 2-80 letters, digits, '.', '_', "
                "'@' or '-', starting with a letter or digit"
            )
        if not password or not password.strip():
            raise AccountError("the password is empty; give a password of at least 8 characters")
        if len(password) < 8:
            raise AccountError("the password is shorter than 8 characters; choose a longer one")
        try:
            with session_scope(self.url) as db:
                db.add(Reviewer(name=name, password_hash=_HASHER.hash(password)))
        except IntegrityError:
            raise AccountError(f"a reviewer called {name!r} already exists") from None

    def verify(self, name: str, password: str) -> bool:
        with session_scope(self.url) as db:
            stored = db.execute(
                select(Reviewer.password_hash).where(Reviewer.name == name)
            ).scalar_one_or_none()
        try:
            return _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def names(self) -> list[str]:
        with session_scope(self.url) as db:
            return list(db.execute(select(Reviewer.name).order_by(Reviewer.name)).scalars())

    def blocked(self, address: str) -> bool:
        """Too many failed sign-ins from this address in the last 15 minutes."""
        since = utcnow() - FAILURE_WINDOW
        with session_scope(self.url) as db:
            failures = db.execute(
                select(func.count(SignInAttempt.id)).where(
                    SignInAttempt.address == address,
                    SignInAttempt.succeeded.is_(False),
                    SignInAttempt.created_at >= since,
                )
            ).scalar_one()
        return failures >= MAX_FAILURES

    def record_attempt(self, name: str, address: str, succeeded: bool) -> None:
        with session_scope(self.url) as db:
            db.add(SignInAttempt(name=name[:80], address=address[:64], succeeded=succeeded))
