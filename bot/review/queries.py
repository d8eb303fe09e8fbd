"""Filtered, paginated session listings for reviewers (CLI now, web UI later).

A page is one query for the ids and a few batched queries for what the rows
show, so listing 10,000 sessions never loads their events. Every value a user
gives is a bound parameter; LIKE wildcards in search text are escaped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, func, inspect, or_, select, true

from bot.mediation import steps
from bot.store.db import get_engine, session_scope
from bot.store.models import (
    MediationSession,
    Party,
    SessionMeasure,
    SessionTag,
    Statement,
)
from bot.store.repository import SESSION_STATUSES
from bot.store.transcript import events

MODES = ("mediation", "training")
MAX_PER_PAGE = 200


class FilterError(ValueError):
    """A filter value is malformed; the message names the filter and what is allowed."""


# The filters people set (the web UI's query parameters, the CLI's options).
FILTER_FIELDS = (
    "mode",
    "status",
    "scenario",
    "trainee",
    "step",
    "date_from",
    "date_to",
    "tag",
    "text",
)


@dataclass(frozen=True)
class SessionFilter:
    mode: str | None = None
    status: str | None = None
    scenario: str | None = None
    step: str | None = None  # furthest step reached
    date_from: date | None = None
    date_to: date | None = None
    tag: str | None = None
    text: str | None = None
    trainee: str | None = None
    session_id: str | None = None

    @classmethod
    def parse(cls, params: Mapping[str, str | None]) -> SessionFilter:
        """Build a filter from query or command-line values (blank means "any")."""
        values = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in params.items()}
        unknown = set(values) - {f for f in cls.__dataclass_fields__}
        if unknown:
            raise FilterError(f"unknown filter(s): {', '.join(sorted(unknown))}")
        _check_choice("mode", values.get("mode"), MODES)
        _check_choice("status", values.get("status"), SESSION_STATUSES)
        _check_choice("step", values.get("step"), steps.STEP_IDS)
        date_from = _parse_date("date_from", values.get("date_from"))
        date_to = _parse_date("date_to", values.get("date_to"))
        if date_from and date_to and date_from > date_to:
            raise FilterError("date_from is after date_to; swap them")
        for name, limit in (("scenario", 80), ("tag", 40), ("text", 200), ("trainee", 80)):
            value = values.get(name)
            if value and len(value) > limit:
                raise FilterError(f"{name} is longer than {limit} characters")
        return cls(
            mode=values.get("mode"),
            status=values.get("status"),
            scenario=values.get("scenario"),
            step=values.get("step"),
            date_from=date_from,
            date_to=date_to,
            tag=values.get("tag"),
            text=values.get("text"),
            trainee=values.get("trainee"),
            session_id=values.get("session_id"),
        )


def _check_choice(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise FilterError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")


def _parse_date(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"{name} must be a date like 2026-11-28, not {value!r}") from None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class SessionRow:
    id: str
    sender_id: str
    mode: str
    status: str
    scenario: str | None
    topic: str | None
    furthest_step: str
    started_at: datetime
    ended_at: datetime | None
    reviewed_at: datetime | None
    parties: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    interests: int = 0
    positions: int = 0
    accepted_measures: int = 0
    trainee: str | None = None
    score: float | None = None  # training: the debrief's overall score


@dataclass(frozen=True)
class Page:
    rows: list[SessionRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _conditions(url: str, flt: SessionFilter) -> list:
    s = MediationSession
    conditions = []
    for column, value in (
        (s.mode, flt.mode),
        (s.status, flt.status),
        (s.scenario, flt.scenario),
        (s.furthest_step, flt.step),
        (s.trainee, flt.trainee),
    ):
        if value is not None:
            conditions.append(column == value)
    if flt.date_from:
        conditions.append(s.started_at >= datetime.combine(flt.date_from, datetime.min.time()))
    if flt.date_to:
        end = datetime.combine(flt.date_to + timedelta(days=1), datetime.min.time())
        conditions.append(s.started_at < end)
    if flt.tag:
        conditions.append(exists().where(SessionTag.session_id == s.id, SessionTag.tag == flt.tag))
    if flt.text:
        # One pass over each table (IN subqueries), not a correlated search per session.
        pattern = _like(flt.text)
        said = [
            s.topic.ilike(pattern, escape="\\"),
            s.id.in_(
                select(Statement.session_id).where(Statement.text.ilike(pattern, escape="\\"))
            ),
        ]
        if inspect(get_engine(url)).has_table("events"):
            # Rasa stores events as ASCII JSON: search for the text escaped the same way.
            needle = _like(json.dumps(flt.text)[1:-1])
            said.append(
                s.sender_id.in_(
                    select(events.c.sender_id).where(
                        events.c.type_name.in_(["user", "bot"]),
                        events.c.data.ilike(needle, escape="\\"),
                    )
                )
            )
        conditions.append(or_(*said))
    return conditions


def list_sessions(url: str, flt: SessionFilter, page: int = 1, per_page: int = 50) -> Page:
    """One page of sessions, newest first, with the total count for the filter."""
    if page < 1:
        raise FilterError("page must be 1 or more")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise FilterError(f"per_page must be between 1 and {MAX_PER_PAGE}")
    where = and_(true(), *_conditions(url, flt))
    with session_scope(url) as db:
        total = db.execute(select(func.count(MediationSession.id)).where(where)).scalar_one()
        records = list(
            db.execute(
                select(MediationSession)
                .where(where)
                .order_by(MediationSession.started_at.desc(), MediationSession.id.desc())
                .limit(per_page)
                .offset((page - 1) * per_page)
            ).scalars()
        )
        ids = [r.id for r in records]
        parties: dict[str, list[str]] = {i: [] for i in ids}
        for sid, name in db.execute(
            select(Party.session_id, Party.name)
            .where(Party.session_id.in_(ids))
            .order_by(Party.session_id, Party.position)
        ):
            parties[sid].append(name)
        tags: dict[str, list[str]] = {i: [] for i in ids}
        for sid, tag in db.execute(
            select(SessionTag.session_id, SessionTag.tag)
            .where(SessionTag.session_id.in_(ids))
            .order_by(SessionTag.tag)
        ):
            tags[sid].append(tag)
        counts = {
            (sid, kind): n
            for sid, kind, n in db.execute(
                select(Statement.session_id, Statement.kind, func.count(Statement.id))
                .where(Statement.session_id.in_(ids))
                .group_by(Statement.session_id, Statement.kind)
            )
        }
        accepted = dict(
            db.execute(
                select(SessionMeasure.session_id, func.count(SessionMeasure.id))
                .where(SessionMeasure.session_id.in_(ids), SessionMeasure.status == "accepted")
                .group_by(SessionMeasure.session_id)
            ).all()
        )
    rows = [
        SessionRow(
            id=r.id,
            sender_id=r.sender_id,
            mode=r.mode,
            status=r.status,
            scenario=r.scenario,
            topic=r.topic,
            furthest_step=r.furthest_step,
            started_at=r.started_at,
            ended_at=r.ended_at,
            reviewed_at=r.reviewed_at,
            parties=parties[r.id],
            tags=tags[r.id],
            interests=counts.get((r.id, "interest"), 0),
            positions=counts.get((r.id, "position"), 0),
            accepted_measures=accepted.get(r.id, 0),
            trainee=r.trainee,
            score=r.score,
        )
        for r in records
    ]
    return Page(rows=rows, total=total, page=page, per_page=per_page)


def iter_sessions(url: str, flt: SessionFilter, batch: int = MAX_PER_PAGE) -> Iterator[SessionRow]:
    """Every matching session, a page at a time (for exports of a filtered list)."""
    page = 1
    while True:
        result = list_sessions(url, flt, page=page, per_page=batch)
        yield from result.rows
        if page >= result.pages:
            return
        page += 1
