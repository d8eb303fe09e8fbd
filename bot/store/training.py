"""Storage of training sessions: scenario and trainee, questions asked, the debrief.

Writes keyed by a Rasa message id are idempotent (a retried action records a
question once); the debrief is an upsert, so summarising again after "go back"
replaces the scores instead of adding a second set.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from bot.store.db import session_scope
from bot.store.models import MediationSession, TrainingMove, TrainingScore
from bot.store.repository import load_session
from bot.training.scoring import Debrief, SkillScore

MOVE_KINDS = ("question", "remark")
MAX_TRAINEE_LENGTH = 80


def new_debrief_token() -> str:
    """The secret part of a debrief link: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class StoredDebrief:
    session_id: str
    scenario: str | None
    trainee: str | None
    status: str
    started_at: datetime
    token: str
    skills: tuple[SkillScore, ...]
    overall: float


@dataclass(frozen=True)
class TraineeSession:
    session_id: str
    scenario: str | None
    started_at: datetime
    status: str
    overall: float | None
    skills: dict[str, float]


@dataclass(frozen=True)
class TraineeSummary:
    trainee: str
    sessions: int
    scored: int
    mean: float | None
    latest: float | None
    last_at: datetime


class TrainingRepository:
    def __init__(self, database_url: str) -> None:
        self.url = database_url

    def set_trainee(self, session_id: str, trainee: str) -> None:
        with session_scope(self.url) as db:
            load_session(db, session_id).trainee = trainee[:MAX_TRAINEE_LENGTH]

    def set_scenario(self, session_id: str, scenario_id: str) -> None:
        with session_scope(self.url) as db:
            load_session(db, session_id).scenario = scenario_id

    # -- questions and remarks ----------------------------------------------------
    def add_move(
        self,
        session_id: str,
        message_id: str,
        kind: str,
        quality: str,
        text: str,
        party: str | None = None,
        revealed: str | None = None,
        answer: str = "",
    ) -> bool:
        """Record a question or remark; False if this message was already recorded."""
        if kind not in MOVE_KINDS:
            raise ValueError(f"a training move is one of {MOVE_KINDS}, not {kind!r}")
        try:
            with session_scope(self.url) as db:
                if db.execute(
                    select(TrainingMove.id).where(
                        TrainingMove.session_id == session_id,
                        TrainingMove.message_id == message_id,
                    )
                ).first():
                    return False
                db.add(
                    TrainingMove(
                        session_id=session_id,
                        message_id=message_id,
                        kind=kind,
                        quality=quality,
                        text=text,
                        party=party,
                        revealed=revealed,
                        answer=answer,
                    )
                )
        except IntegrityError:
            return False
        return True

    def moves(self, session_id: str) -> list[TrainingMove]:
        with session_scope(self.url) as db:
            return list(
                db.execute(
                    select(TrainingMove)
                    .where(TrainingMove.session_id == session_id)
                    .order_by(TrainingMove.id)
                ).scalars()
            )

    def revealed(self, session_id: str) -> set[str]:
        with session_scope(self.url) as db:
            return set(
                db.execute(
                    select(TrainingMove.revealed).where(
                        TrainingMove.session_id == session_id, TrainingMove.revealed.isnot(None)
                    )
                ).scalars()
            )

    # -- the debrief -----------------------------------------------------------------
    def save_debrief(self, session_id: str, debrief: Debrief) -> str:
        """Store (or replace) the scores; return the debrief link's token."""
        with session_scope(self.url) as db:
            record = load_session(db, session_id)
            if not record.debrief_token:
                record.debrief_token = new_debrief_token()
            record.score = debrief.overall
            existing = {
                s.skill: s
                for s in db.execute(
                    select(TrainingScore).where(TrainingScore.session_id == session_id)
                ).scalars()
            }
            for position, skill in enumerate(debrief.skills):
                row = existing.pop(skill.skill, None) or TrainingScore(
                    session_id=session_id, skill=skill.skill
                )
                row.position, row.score, row.detail = position, skill.score, skill.as_dict()
                db.add(row)
            for stale in existing.values():
                db.delete(stale)
            return record.debrief_token

    def debrief(self, session_id: str) -> StoredDebrief | None:
        with session_scope(self.url) as db:
            return _stored(self._load_with_scores(db, MediationSession.id == session_id))

    def debrief_by_token(self, token: str) -> StoredDebrief | None:
        """The debrief a link points to; None for an unknown or malformed token."""
        if not token or len(token) > 64:
            return None
        with session_scope(self.url) as db:
            return _stored(self._load_with_scores(db, MediationSession.debrief_token == token))

    @staticmethod
    def _load_with_scores(db, condition) -> MediationSession | None:
        return db.execute(
            select(MediationSession).where(condition).options(selectinload(MediationSession.scores))
        ).scalar_one_or_none()

    # -- trainees' progress --------------------------------------------------------------
    def trainees(self) -> list[TraineeSummary]:
        """Everyone who has practised, most recently active first."""
        with session_scope(self.url) as db:
            rows = db.execute(
                select(
                    MediationSession.trainee,
                    func.count(MediationSession.id),
                    func.count(MediationSession.score),
                    func.avg(MediationSession.score),
                    func.max(MediationSession.started_at),
                )
                .where(MediationSession.mode == "training", MediationSession.trainee.isnot(None))
                .group_by(MediationSession.trainee)
                .order_by(func.max(MediationSession.started_at).desc())
            ).all()
            latest = {
                name: score
                for name, score in db.execute(
                    select(MediationSession.trainee, MediationSession.score)
                    .where(MediationSession.mode == "training", MediationSession.score.isnot(None))
                    .order_by(MediationSession.started_at)
                ).all()
            }
            return [
                TraineeSummary(
                    name,
                    total,
                    scored,
                    None if mean is None else round(mean, 3),
                    latest.get(name),
                    last,
                )
                for name, total, scored, mean, last in rows
            ]

    def trainee_sessions(self, trainee: str) -> list[TraineeSession]:
        """A trainee's sessions, oldest first, with each skill's score."""
        with session_scope(self.url) as db:
            records = db.execute(
                select(MediationSession)
                .where(MediationSession.mode == "training", MediationSession.trainee == trainee)
                .options(selectinload(MediationSession.scores))
                .order_by(MediationSession.started_at, MediationSession.id)
            ).scalars()
            return [
                TraineeSession(
                    r.id,
                    r.scenario,
                    r.started_at,
                    r.status,
                    r.score,
                    {s.skill: s.score for s in r.scores},
                )
                for r in records
            ]


def _stored(record: MediationSession | None) -> StoredDebrief | None:
    if record is None or not record.debrief_token:
        return None
    skills: Sequence[SkillScore] = [SkillScore.from_dict(s.detail) for s in record.scores]
    return StoredDebrief(
        session_id=record.id,
        scenario=record.scenario,
        trainee=record.trainee,
        status=record.status,
        started_at=record.started_at,
        token=record.debrief_token,
        skills=tuple(skills),
        overall=record.score or 0.0,
    )
