"""Exporting a session: the structured record joined with its transcript."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.store.models import MediationSession
from bot.store.repository import SessionRepository
from bot.store.transcript import read_transcript


def _iso(moment: datetime | None) -> str | None:
    return moment.replace(tzinfo=timezone.utc).isoformat() if moment else None


def session_to_dict(record: MediationSession, transcript: list[dict]) -> dict:
    parties = []
    for party in record.parties:
        said = [s for s in record.statements if s.party_id == party.id]
        parties.append(
            {
                "name": party.name,
                "interests": [s.text for s in said if s.kind == "interest"],
                "positions": [s.text for s in said if s.kind == "position"],
                "options": [s.text for s in said if s.kind == "option"],
            }
        )
    return {
        "id": record.id,
        "sender_id": record.sender_id,
        "mode": record.mode,
        "status": record.status,
        "topic": record.topic,
        "step": record.step,
        "furthest_step": record.furthest_step,
        "started_at": _iso(record.started_at),
        "ended_at": _iso(record.ended_at),
        "parties": parties,
        "common_ground": [
            {
                "text": c.text,
                "kind": c.kind,
                "source": c.source,
                "status": c.status,
                "evidence": c.evidence,
            }
            for c in record.common_ground
            if c.status != "removed"
        ],
        "measures": [
            {
                "id": m.measure_id,
                "title": m.title,
                "status": m.status,
                "source": m.source,
                "rank": m.rank,
                "reason": m.reason,
            }
            for m in record.measures
        ],
        "summary": record.summary,
        "training": _training(record),
        "transcript": transcript,
    }


def _training(record: MediationSession) -> dict | None:
    """Training sessions: the trainee, each question and how it was judged, the debrief."""
    if record.mode != "training":
        return None
    return {
        "scenario": record.scenario,
        "trainee": record.trainee,
        "score": record.score,
        "debrief_path": f"/debrief/{record.debrief_token}" if record.debrief_token else None,
        "questions": [
            {
                "kind": m.kind,
                "party": m.party,
                "quality": m.quality,
                "revealed": m.revealed,
                "text": m.text,
                "answer": m.answer,
            }
            for m in record.moves
        ],
        "skills": [{**s.detail, "score": s.score} for s in record.scores],
    }


def export_session(repository: SessionRepository, session_id: str) -> dict:
    """One session as the JSON-ready dict the CLI and the web app share."""
    record = repository.get(session_id)
    end = repository.next_transcript_start(record)
    lines = read_transcript(repository.url, record.sender_id, record.transcript_from, end)
    return session_to_dict(record, [line.as_dict() for line in lines])
