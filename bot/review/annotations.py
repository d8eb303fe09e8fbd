"""Reviewer notes, tags and the "reviewed" mark on a session."""

from __future__ import annotations

import re

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.store.db import session_scope
from bot.store.models import MediationSession, SessionNote, SessionTag, utcnow
from bot.store.repository import UnknownSession

TAG_PATTERN = re.compile(r"^[\w-]{1,40}$", re.UNICODE)
MAX_NOTE = 5000


class AnnotationError(ValueError):
    """A note or tag is not acceptable; the message says why."""


class Annotations:
    def __init__(self, database_url: str) -> None:
        self.url = database_url

    def _check(self, db, session_id: str) -> None:
        if db.get(MediationSession, session_id) is None:
            raise UnknownSession(f"no session with id {session_id!r}")

    def add_note(self, session_id: str, author: str, text: str) -> None:
        if not text.strip():
            raise AnnotationError("the note is empty; write something before saving")
        if len(text) > MAX_NOTE:
            raise AnnotationError(f"the note is longer than {MAX_NOTE} characters")
        with session_scope(self.url) as db:
            self._check(db, session_id)
            db.add(SessionNote(session_id=session_id, author=author, text=text))

    def notes(self, session_id: str) -> list[dict]:
        with session_scope(self.url) as db:
            return [
                {"author": n.author, "text": n.text, "created_at": n.created_at.isoformat() + "Z"}
                for n in db.execute(
                    select(SessionNote)
                    .where(SessionNote.session_id == session_id)
                    .order_by(SessionNote.id)
                ).scalars()
            ]

    def add_tag(self, session_id: str, tag: str) -> None:
        tag = tag.strip().lower()
        if not TAG_PATTERN.match(tag):
            raise AnnotationError(
                "a tag is 1-40 letters, digits, '_' or '-' (no spaces), e.g. good-reframe"
            )
        try:
            with session_scope(self.url) as db:
                self._check(db, session_id)
                db.add(SessionTag(session_id=session_id, tag=tag))
        except IntegrityError:
            pass  # already tagged: adding it again changes nothing

    def remove_tag(self, session_id: str, tag: str) -> None:
        with session_scope(self.url) as db:
            self._check(db, session_id)
            db.execute(
                delete(SessionTag).where(
                    SessionTag.session_id == session_id, SessionTag.tag == tag.strip().lower()
                )
            )

    def tags(self, session_id: str) -> list[str]:
        with session_scope(self.url) as db:
            return list(
                db.execute(
                    select(SessionTag.tag)
                    .where(SessionTag.session_id == session_id)
                    .order_by(SessionTag.tag)
                ).scalars()
            )

    def mark_reviewed(self, session_id: str, reviewer: str, reviewed: bool = True) -> None:
        with session_scope(self.url) as db:
            self._check(db, session_id)
            record = db.get(MediationSession, session_id)
            record.reviewed_at = utcnow() if reviewed else None
            record.reviewed_by = reviewer if reviewed else None
