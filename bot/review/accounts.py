"""Reviewer accounts: argon2 password hashes, server-side sessions, a sign-in limit.

- **Sessions** live in the database (`reviewer_sessions`, keyed by the SHA-256 of the
  cookie's random token), so a session ends at once when the reviewer signs out, is
  given a new password, or is disabled or removed; a copied cookie dies with it.
- **The sign-in limit** (5 failures per address per 15 minutes) is claimed before the
  password is checked, with one conditional UPDATE (`failures < 5`): parallel
  attempts on several web processes or servers cannot all pass, as they could when
  the count was read and the attempt recorded afterwards. A successful sign-in gives
  its claim back. Every attempt is also logged in `sign_in_attempts`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.db import session_scope
from bot.store.models import Reviewer, ReviewerSession, SignInAttempt, SignInLimit, utcnow

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,79}$")
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=8)
_HASHER = PasswordHasher()
# Verifying against a fixed hash when the name is unknown keeps the timing alike.
_DUMMY_HASH = _HASHER.hash("not a real password")


class AccountError(ValueError):
    """A reviewer account cannot be created as asked; the message says why."""


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _check_password(password: str) -> None:
    if not password or not password.strip():
        raise AccountError("the password is empty; give a password of at least 8 characters")
    if len(password) < 8:
        raise AccountError("the password is shorter than 8 characters; choose a longer one")


class Accounts:
    def __init__(self, database_url: str) -> None:
        self.url = database_url

    # -- accounts -----------------------------------------------------------------------
    def add(self, name: str, password: str) -> None:
        if not NAME_PATTERN.match(name or ""):
            raise AccountError(
                f"reviewer name {name!r} is not allowed: use 2-80 letters, digits, '.', '_', "
                "'@' or '-', starting with a letter or digit"
            )
        _check_password(password)
        try:
            with session_scope(self.url) as db:
                db.add(Reviewer(name=name, password_hash=_HASHER.hash(password)))
        except IntegrityError:
            raise AccountError(f"a reviewer called {name!r} already exists") from None

    @staticmethod
    def _reviewer(db: Session, name: str) -> Reviewer:
        reviewer = db.execute(select(Reviewer).where(Reviewer.name == name)).scalar_one_or_none()
        if reviewer is None:
            raise AccountError(
                f"there is no reviewer called {name!r}; `concordia users list` shows them"
            )
        return reviewer

    def set_password(self, name: str, password: str) -> int:
        """A new password; every session of the reviewer ends. Returns how many did."""
        _check_password(password)
        with session_scope(self.url) as db:
            reviewer = self._reviewer(db, name)
            reviewer.password_hash = _HASHER.hash(password)
            return self._end_all(db, reviewer.id)

    def disable(self, name: str) -> int:
        """No more sign-ins, and every session ends now. Returns how many did."""
        with session_scope(self.url) as db:
            reviewer = self._reviewer(db, name)
            reviewer.disabled_at = reviewer.disabled_at or utcnow()
            return self._end_all(db, reviewer.id)

    def enable(self, name: str) -> None:
        with session_scope(self.url) as db:
            self._reviewer(db, name).disabled_at = None

    def remove(self, name: str) -> int:
        """The account and its sessions are deleted (notes keep the author's name)."""
        with session_scope(self.url) as db:
            reviewer = self._reviewer(db, name)
            ended = self._end_all(db, reviewer.id)
            db.delete(reviewer)
            return ended

    def _checked_hash(self, name: str, password: str) -> str | None:
        """The stored hash when `password` is right for an active reviewer, else None.
        A name no reviewer can have (NUL and the like, which PostgreSQL refuses) is
        never looked up, but is checked against a dummy hash all the same."""
        row = None
        if NAME_PATTERN.match(name or ""):
            with session_scope(self.url) as db:
                row = db.execute(
                    select(Reviewer.password_hash, Reviewer.disabled_at).where(
                        Reviewer.name == name
                    )
                ).one_or_none()
        stored, disabled = (row[0], row[1]) if row else (None, None)
        try:
            ok = _HASHER.verify(stored or _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return stored if ok and stored is not None and disabled is None else None

    def verify(self, name: str, password: str) -> bool:
        return self._checked_hash(name, password) is not None

    def sign_in(self, name: str, password: str) -> str | None:
        """A new session's token when the password is right, else None. The session is
        only opened if the password and the account are still those just checked (a
        `users passwd`, `disable` or `remove` in between wins)."""
        checked = self._checked_hash(name, password)
        if checked is None:
            return None
        token = secrets.token_urlsafe(32)
        now = utcnow()
        with session_scope(self.url) as db:
            reviewer = db.execute(
                select(Reviewer).where(
                    Reviewer.name == name,
                    Reviewer.password_hash == checked,
                    Reviewer.disabled_at.is_(None),
                )
            ).scalar_one_or_none()
            if reviewer is None:
                return None
            db.execute(
                delete(ReviewerSession).where(
                    ReviewerSession.reviewer_id == reviewer.id, ReviewerSession.expires_at <= now
                )
            )
            db.add(
                ReviewerSession(
                    id=_token_id(token),
                    reviewer_id=reviewer.id,
                    created_at=now,
                    expires_at=now + SESSION_LIFETIME,
                )
            )
        return token

    def names(self) -> list[str]:
        with session_scope(self.url) as db:
            return list(db.execute(select(Reviewer.name).order_by(Reviewer.name)).scalars())

    def listing(self) -> list[tuple[str, bool, int]]:
        """(name, disabled, open sessions) of every reviewer, by name."""
        now = utcnow()
        with session_scope(self.url) as db:
            reviewers = db.execute(select(Reviewer).order_by(Reviewer.name)).scalars().all()
            sessions = db.execute(
                select(ReviewerSession.reviewer_id).where(ReviewerSession.expires_at > now)
            ).scalars()
            counts: dict[int, int] = {}
            for reviewer_id in sessions:
                counts[reviewer_id] = counts.get(reviewer_id, 0) + 1
            return [(r.name, r.disabled_at is not None, counts.get(r.id, 0)) for r in reviewers]

    # -- sessions -----------------------------------------------------------------------
    def start_session(self, name: str) -> str:
        """A new session for an active reviewer, without a password (operators, tests);
        the web app signs in with `sign_in`."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        with session_scope(self.url) as db:
            reviewer = self._reviewer(db, name)
            if reviewer.disabled_at is not None:
                raise AccountError(f"reviewer {name!r} is disabled; `concordia users enable`")
            db.add(
                ReviewerSession(
                    id=_token_id(token),
                    reviewer_id=reviewer.id,
                    created_at=now,
                    expires_at=now + SESSION_LIFETIME,
                )
            )
        return token

    def session_reviewer(self, token: str | None) -> str | None:
        """The reviewer a session token belongs to, if it is open and they may sign in."""
        if not token:
            return None
        with session_scope(self.url) as db:
            return db.execute(
                select(Reviewer.name)
                .join(ReviewerSession, ReviewerSession.reviewer_id == Reviewer.id)
                .where(
                    ReviewerSession.id == _token_id(token),
                    ReviewerSession.expires_at > utcnow(),
                    Reviewer.disabled_at.is_(None),
                )
            ).scalar_one_or_none()

    def end_session(self, token: str | None) -> None:
        if token:
            with session_scope(self.url) as db:
                db.execute(delete(ReviewerSession).where(ReviewerSession.id == _token_id(token)))

    def end_sessions(self, name: str) -> int:
        with session_scope(self.url) as db:
            return self._end_all(db, self._reviewer(db, name).id)

    @staticmethod
    def _end_all(db: Session, reviewer_id: int) -> int:
        result = db.execute(
            delete(ReviewerSession).where(ReviewerSession.reviewer_id == reviewer_id)
        )
        return int(result.rowcount or 0)

    # -- the sign-in limit --------------------------------------------------------------
    def claim_attempt(self, address: str) -> bool:
        """Take one of the address's attempts in the current window, atomically; False
        when they are used up (answer 429 without checking the password)."""
        address = address[:64]
        now = utcnow()
        try:
            with session_scope(self.url) as db:
                if db.get(SignInLimit, address) is None:
                    db.add(SignInLimit(address=address, failures=0, window_start=now))
        except IntegrityError:
            pass  # another process created the row first
        with session_scope(self.url) as db:
            db.execute(
                update(SignInLimit)
                .where(
                    SignInLimit.address == address,
                    SignInLimit.window_start < now - FAILURE_WINDOW,
                )
                .values(failures=0, window_start=now)
            )
            claimed = db.execute(
                update(SignInLimit)
                .where(SignInLimit.address == address, SignInLimit.failures < MAX_FAILURES)
                .values(failures=SignInLimit.failures + 1)
            )
            return bool(claimed.rowcount)

    def blocked(self, address: str) -> bool:
        """Too many failed sign-ins from this address in the current 15 minutes."""
        with session_scope(self.url) as db:
            limit = db.get(SignInLimit, address[:64])
            return (
                limit is not None
                and limit.window_start >= utcnow() - FAILURE_WINDOW
                and limit.failures >= MAX_FAILURES
            )

    def record_attempt(self, name: str, address: str, succeeded: bool) -> None:
        """Log a claimed attempt's outcome; a success gives its claim back. The name tried
        is logged escaped (a NUL would be refused by PostgreSQL, and it is no name)."""
        logged = name.encode("utf-8", "backslashreplace").decode("utf-8")
        logged = logged.replace("\x00", "\\x00")[:80]
        with session_scope(self.url) as db:
            db.add(SignInAttempt(name=logged, address=address[:64], succeeded=succeeded))
            if succeeded:
                db.execute(
                    update(SignInLimit)
                    .where(SignInLimit.address == address[:64], SignInLimit.failures > 0)
                    .values(failures=SignInLimit.failures - 1)
                )
