"""Reads and writes the structured record of mediation sessions.

Actions call these methods with plain values; every write is its own short
transaction, and writes keyed by a Rasa message id are idempotent, so an action
that Rasa retries does not record a statement twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from bot.mediation import steps
from bot.mediation.analysis import Analysis
from bot.mediation.common_ground import CommonGroundItem
from bot.mediation.ranking import RankedMeasure
from bot.store.db import session_scope
from bot.store.models import (
    CommonGround,
    MediationSession,
    Party,
    SessionMeasure,
    Statement,
    utcnow,
)

STATEMENT_KINDS = ("interest", "position", "option")
MEASURE_STATUSES = ("proposed", "accepted", "rejected")
SESSION_STATUSES = ("active", "completed", "abandoned")


class UnknownSession(LookupError):
    """No session has this id."""


@dataclass(frozen=True)
class StoredStatement:
    party: str | None
    kind: str
    text: str
    analysis: Analysis


def load_session(db: Session, session_id: str) -> MediationSession:
    """The session row, or UnknownSession naming the id."""
    record = db.get(MediationSession, session_id)
    if record is None:
        raise UnknownSession(f"no session with id {session_id!r}")
    return record


def new_session_id() -> str:
    """Unguessable, URL-safe, short enough to read out: 'cn-' + 16 hex digits."""
    return "cn-" + secrets.token_hex(8)


def analysis_columns(analysis: Analysis) -> dict:
    return {
        "topics": {k: list(v) for k, v in analysis.topics.items()},
        "lemmas": list(analysis.lemmas),
    }


class SessionRepository:
    def __init__(self, database_url: str) -> None:
        self.url = database_url

    # -- sessions ---------------------------------------------------------------
    def start_session(
        self, sender_id: str, mode: str = "mediation", boundary: float = 0.0, trigger: float = 0.0
    ) -> str:
        """Open a session whose transcript starts at the last restart (`boundary`),
        or at the triggering message (`trigger`) if an earlier session of the same
        conversation already covers that stretch."""
        session_id = new_session_id()
        with session_scope(self.url) as db:
            latest = db.execute(
                select(func.max(MediationSession.transcript_from)).where(
                    MediationSession.sender_id == sender_id
                )
            ).scalar()
            transcript_from = boundary if latest is None or latest < boundary else trigger
            db.add(
                MediationSession(
                    id=session_id,
                    sender_id=sender_id,
                    mode=mode,
                    status="active",
                    step="opening",
                    furthest_step="opening",
                    transcript_from=transcript_from,
                )
            )
        return session_id

    def get(self, session_id: str) -> MediationSession:
        with session_scope(self.url) as db:
            record = db.execute(
                select(MediationSession)
                .where(MediationSession.id == session_id)
                .options(
                    selectinload(MediationSession.parties),
                    selectinload(MediationSession.statements).selectinload(Statement.party),
                    selectinload(MediationSession.common_ground),
                    selectinload(MediationSession.measures),
                    selectinload(MediationSession.moves),
                    selectinload(MediationSession.scores),
                )
            ).scalar_one_or_none()
            if record is None:
                raise UnknownSession(f"no session with id {session_id!r}")
            return record

    def topic(self, session_id: str) -> str | None:
        """The session's topic alone (asked at every topic question; `get` would load
        the whole session with its statements, measures and moves)."""
        with session_scope(self.url) as db:
            row = db.execute(
                select(MediationSession.topic).where(MediationSession.id == session_id)
            ).one_or_none()
            if row is None:
                raise UnknownSession(f"no session with id {session_id!r}")
            return row.topic

    def is_active(self, session_id: str) -> bool:
        """Whether the session exists and is still under way (neither completed nor
        abandoned), without loading the rest of it."""
        with session_scope(self.url) as db:
            status = db.execute(
                select(MediationSession.status).where(MediationSession.id == session_id)
            ).scalar_one_or_none()
            return status == "active"

    def _load(self, db: Session, session_id: str) -> MediationSession:
        return load_session(db, session_id)

    def reach_step(self, session_id: str, step: str) -> None:
        steps.get_step(step)
        with session_scope(self.url) as db:
            record = self._load(db, session_id)
            record.step = step
            record.furthest_step = steps.further(record.furthest_step, step)

    def set_topic(self, session_id: str, topic: str) -> None:
        with session_scope(self.url) as db:
            self._load(db, session_id).topic = topic

    def set_parties(self, session_id: str, names: Sequence[str]) -> None:
        """Keep parties still named (and what was said about them); drop the others."""
        with session_scope(self.url) as db:
            record = self._load(db, session_id)
            by_key = {p.name.casefold(): p for p in record.parties}
            wanted = [n.casefold() for n in names]
            for key, party in by_key.items():
                if key not in wanted:
                    db.delete(party)
            db.flush()
            for position, name in enumerate(names):
                party = by_key.get(name.casefold())
                if party is None:
                    db.add(Party(session_id=session_id, name=name, position=position))
                else:
                    party.position = position

    def finish(self, session_id: str, status: str, summary: str | None = None) -> str:
        """End the session; returns the status it ends with."""
        if status not in ("completed", "abandoned"):
            raise ValueError(f"a session ends as completed or abandoned, not {status!r}")
        with session_scope(self.url) as db:
            record = self._load(db, session_id)
            if record.status == "completed" and status == "abandoned":
                return "completed"  # leaving after the summary does not undo a completed one
            record.status = status
            record.ended_at = utcnow()
            if summary is not None:
                record.summary = summary
            return status

    def reopen(self, session_id: str) -> None:
        with session_scope(self.url) as db:
            record = self._load(db, session_id)
            record.status, record.ended_at = "active", None

    # -- statements -------------------------------------------------------------
    def add_statement(
        self, session_id: str, message_id: str, party: str | None, kind: str, analysis: Analysis
    ) -> bool:
        """Record what was said; False if this message was already recorded."""
        if kind not in STATEMENT_KINDS:
            raise ValueError(f"statement kind must be one of {STATEMENT_KINDS}, not {kind!r}")
        try:
            with session_scope(self.url) as db:
                exists = db.execute(
                    select(Statement.id).where(
                        Statement.session_id == session_id, Statement.message_id == message_id
                    )
                ).first()
                if exists:
                    return False
                party_id = None
                if party is not None:
                    party_id = db.execute(
                        select(Party.id).where(Party.session_id == session_id, Party.name == party)
                    ).scalar_one_or_none()
                db.add(
                    Statement(
                        session_id=session_id,
                        message_id=message_id,
                        party_id=party_id,
                        kind=kind,
                        text=analysis.text,
                        **analysis_columns(analysis),
                    )
                )
        except IntegrityError:
            return False  # the same message recorded concurrently: already there
        return True

    def statements(
        self, session_id: str, kinds: Iterable[str] = STATEMENT_KINDS
    ) -> list[StoredStatement]:
        with session_scope(self.url) as db:
            rows = db.execute(
                select(Statement, Party.name)
                .outerjoin(Party, Statement.party_id == Party.id)
                .where(Statement.session_id == session_id, Statement.kind.in_(list(kinds)))
                .order_by(Statement.id)
            ).all()
            return [
                StoredStatement(
                    party=name,
                    kind=s.kind,
                    text=s.text,
                    analysis=Analysis(
                        text=s.text,
                        lemmas=tuple(s.lemmas),
                        topics={k: tuple(v) for k, v in (s.topics or {}).items()},
                    ),
                )
                for s, name in rows
            ]

    def count_statements(self, session_id: str, party: str, kind: str) -> int:
        with session_scope(self.url) as db:
            return db.execute(
                select(func.count(Statement.id))
                .join(Party, Statement.party_id == Party.id)
                .where(
                    Statement.session_id == session_id, Party.name == party, Statement.kind == kind
                )
            ).scalar_one()

    # -- common ground ----------------------------------------------------------
    def propose_common_ground(self, session_id: str, items: Sequence[CommonGroundItem]) -> None:
        """Replace the assistant's unconfirmed proposals with a fresh analysis."""
        with session_scope(self.url) as db:
            for old in db.execute(
                select(CommonGround).where(
                    CommonGround.session_id == session_id, CommonGround.source == "assistant"
                )
            ).scalars():
                db.delete(old)
            for item in items:
                db.add(
                    CommonGround(
                        session_id=session_id,
                        text=item.text,
                        source="assistant",
                        status="proposed",
                        kind=item.kind,
                        evidence=item.as_evidence(),
                    )
                )

    def add_common_ground(self, session_id: str, text: str, message_id: str) -> bool:
        try:
            with session_scope(self.url) as db:
                if db.execute(
                    select(CommonGround.id).where(
                        CommonGround.session_id == session_id, CommonGround.message_id == message_id
                    )
                ).first():
                    return False
                db.add(
                    CommonGround(
                        session_id=session_id,
                        text=text,
                        source="user",
                        status="confirmed",
                        message_id=message_id,
                        evidence={},
                    )
                )
        except IntegrityError:
            return False
        return True

    def common_ground(self, session_id: str, include_removed: bool = False) -> list[CommonGround]:
        with session_scope(self.url) as db:
            query = select(CommonGround).where(CommonGround.session_id == session_id)
            if not include_removed:
                query = query.where(CommonGround.status != "removed")
            return list(db.execute(query.order_by(CommonGround.id)).scalars())

    def set_common_ground_status(self, session_id: str, ids: Iterable[int], status: str) -> None:
        with session_scope(self.url) as db:
            for item in db.execute(
                select(CommonGround).where(
                    CommonGround.session_id == session_id, CommonGround.id.in_(list(ids))
                )
            ).scalars():
                item.status = status

    def confirm_common_ground(self, session_id: str) -> None:
        with session_scope(self.url) as db:
            for item in db.execute(
                select(CommonGround).where(
                    CommonGround.session_id == session_id, CommonGround.status == "proposed"
                )
            ).scalars():
                item.status = "confirmed"

    # -- measures ---------------------------------------------------------------
    @staticmethod
    def _next_rank(db: Session, session_id: str) -> int:
        last = db.execute(
            select(func.max(SessionMeasure.rank)).where(SessionMeasure.session_id == session_id)
        ).scalar()
        return (last or 0) + 1

    def propose_measures(self, session_id: str, ranked: Sequence[RankedMeasure]) -> None:
        with session_scope(self.url) as db:
            known = set(
                db.execute(
                    select(SessionMeasure.measure_id).where(SessionMeasure.session_id == session_id)
                ).scalars()
            )
            next_rank = self._next_rank(db, session_id)
            for entry in ranked:
                if entry.measure.id in known:
                    continue
                db.add(
                    SessionMeasure(
                        session_id=session_id,
                        measure_id=entry.measure.id,
                        title=entry.measure.title,
                        source="catalogue",
                        status="proposed",
                        rank=next_rank,
                        reason=entry.reason,
                        evidence=entry.as_evidence(),
                    )
                )
                next_rank += 1

    def add_user_measure(self, session_id: str, text: str, message_id: str) -> bool:
        measure_id = f"user-{message_id}"[:80]
        try:
            with session_scope(self.url) as db:
                if db.execute(
                    select(SessionMeasure.id).where(
                        SessionMeasure.session_id == session_id,
                        SessionMeasure.measure_id == measure_id,
                    )
                ).first():
                    return False
                rank = self._next_rank(db, session_id)
                db.add(
                    SessionMeasure(
                        session_id=session_id,
                        measure_id=measure_id,
                        title=text,
                        source="user",
                        status="accepted",
                        rank=rank,
                        reason="Proposed by the parties.",
                        evidence={},
                    )
                )
        except IntegrityError:
            return False
        return True

    def set_measure_status(self, session_id: str, measure_id: str, status: str) -> None:
        if status not in MEASURE_STATUSES:
            raise ValueError(f"measure status must be one of {MEASURE_STATUSES}, not {status!r}")
        with session_scope(self.url) as db:
            row = db.execute(
                select(SessionMeasure).where(
                    SessionMeasure.session_id == session_id, SessionMeasure.measure_id == measure_id
                )
            ).scalar_one_or_none()
            if row is None:
                raise UnknownSession(f"measure {measure_id!r} was not proposed in {session_id!r}")
            row.status = status

    def measures(self, session_id: str) -> list[SessionMeasure]:
        with session_scope(self.url) as db:
            return list(
                db.execute(
                    select(SessionMeasure)
                    .where(SessionMeasure.session_id == session_id)
                    .order_by(SessionMeasure.rank)
                ).scalars()
            )

    # -- listing ----------------------------------------------------------------
    def list_sessions(
        self, limit: int = 50, offset: int = 0, status: str | None = None, mode: str | None = None
    ) -> list[MediationSession]:
        with session_scope(self.url) as db:
            query = select(MediationSession).options(selectinload(MediationSession.parties))
            if status:
                query = query.where(MediationSession.status == status)
            if mode:
                query = query.where(MediationSession.mode == mode)
            query = query.order_by(MediationSession.started_at.desc(), MediationSession.id)
            return list(db.execute(query.limit(limit).offset(offset)).scalars())

    def latest_for_sender(self, sender_id: str) -> MediationSession | None:
        """The newest session of one conversation (a restart starts a new one)."""
        with session_scope(self.url) as db:
            return db.execute(
                select(MediationSession)
                .where(MediationSession.sender_id == sender_id)
                .order_by(
                    MediationSession.transcript_from.desc(), MediationSession.started_at.desc()
                )
                .limit(1)
            ).scalar_one_or_none()

    def session_ids(self) -> list[str]:
        with session_scope(self.url) as db:
            return list(
                db.execute(
                    select(MediationSession.id).order_by(
                        MediationSession.started_at, MediationSession.id
                    )
                ).scalars()
            )

    def next_transcript_start(self, record: MediationSession) -> float | None:
        """Where the sender's following session begins (end of this transcript)."""
        with session_scope(self.url) as db:
            return db.execute(
                select(func.min(MediationSession.transcript_from)).where(
                    MediationSession.sender_id == record.sender_id,
                    MediationSession.transcript_from > record.transcript_from,
                )
            ).scalar()
