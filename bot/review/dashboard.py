"""Figures for the reviewers' dashboard, computed in the database where it can."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, inspect, select

from bot.mediation import steps
from bot.store.db import get_engine, session_scope
from bot.store.models import MediationSession, SessionMeasure
from bot.store.transcript import events

CONFIDENCE_BINS = 10
MAX_EVENTS_SCANNED = 50_000


@dataclass(frozen=True)
class Dashboard:
    funnel: list[tuple[str, int]]  # step label, sessions that reached it
    completion_by_week: list[tuple[str, int, int]]  # ISO week, completed, total
    accepted: list[tuple[str, int]]
    rejected: list[tuple[str, int]]
    user_messages: int
    fallbacks: int
    confidence_histogram: list[int]  # counts in 0.0-0.1, ..., 0.9-1.0

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.user_messages if self.user_messages else 0.0


def _top(db, status: str, limit: int = 5) -> list[tuple[str, int]]:
    return [
        (title, n)
        for title, n in db.execute(
            select(SessionMeasure.title, func.count(SessionMeasure.id))
            .where(SessionMeasure.status == status, SessionMeasure.source == "catalogue")
            .group_by(SessionMeasure.title)
            .order_by(func.count(SessionMeasure.id).desc(), SessionMeasure.title)
            .limit(limit)
        )
    ]


def build_dashboard(url: str) -> Dashboard:
    with session_scope(url) as db:
        reached = dict(
            db.execute(
                select(MediationSession.furthest_step, func.count(MediationSession.id)).group_by(
                    MediationSession.furthest_step
                )
            ).all()
        )
        weeks: dict[str, list[int]] = {}
        for started, status in db.execute(
            select(MediationSession.started_at, MediationSession.status)
        ):
            year, week, _ = started.isocalendar()
            entry = weeks.setdefault(f"{year}-W{week:02d}", [0, 0])
            entry[0] += status == "completed"
            entry[1] += 1
        accepted, rejected = _top(db, "accepted"), _top(db, "rejected")
    funnel = []
    for index, step in enumerate(steps.STEPS):
        later = steps.STEP_IDS[index:]
        funnel.append((step.label, sum(reached.get(s, 0) for s in later)))

    histogram = [0] * CONFIDENCE_BINS
    user_messages = fallbacks = 0
    engine = get_engine(url)
    if inspect(engine).has_table("events"):
        with engine.connect() as connection:
            rows = connection.execute(
                select(events.c.intent_name, events.c.data)
                .where(events.c.type_name == "user")
                .order_by(events.c.id.desc())
                .limit(MAX_EVENTS_SCANNED)
            )
            for intent_name, raw in rows:
                user_messages += 1
                fallbacks += intent_name == "nlu_fallback"
                intent = (json.loads(raw or "{}").get("parse_data") or {}).get("intent") or {}
                confidence = intent.get("confidence")
                if isinstance(confidence, (int, float)):
                    histogram[min(int(confidence * CONFIDENCE_BINS), CONFIDENCE_BINS - 1)] += 1
    return Dashboard(
        funnel=funnel,
        completion_by_week=[(w, c, t) for w, (c, t) in sorted(weeks.items())][-12:],
        accepted=accepted,
        rejected=rejected,
        user_messages=user_messages,
        fallbacks=fallbacks,
        confidence_histogram=histogram,
    )
