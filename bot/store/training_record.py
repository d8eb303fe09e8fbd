"""Gathering what a trainee did in a stored session into the input of scoring: the
adapter from the record's rows to `bot.training.scoring` (so the training domain
never imports the store)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.mediation.analysis import Analyser
from bot.store.models import MediationSession, TrainingMove
from bot.training.scoring import AskedQuestion, NamedStatement, TrainingRecord


def training_record(
    record: MediationSession, moves: Iterable[TrainingMove], analyser: Analyser
) -> TrainingRecord:
    """The trainee's own words only: common ground the trainee named (not the removed
    points), measures accepted from the list and measures proposed in their words."""
    moves = list(moves)
    return TrainingRecord(
        statements=tuple(
            NamedStatement(s.party.name if s.party else None, s.kind, analyser.analyse(s.text))
            for s in record.statements
        ),
        questions=tuple(
            AskedQuestion(m.party, m.quality, m.revealed) for m in moves if m.kind == "question"
        ),
        common_ground=tuple(
            analyser.analyse(c.text)
            for c in record.common_ground
            if c.source == "user" and c.status != "removed"
        ),
        accepted_measures=tuple(
            m.measure_id
            for m in record.measures
            if m.source == "catalogue" and m.status == "accepted"
        ),
        own_measures=tuple(
            analyser.analyse(m.title)
            for m in record.measures
            if m.source == "user" and m.status == "accepted"
        ),
        hostile_remarks=sum(1 for m in moves if m.kind == "remark" and m.quality == "hostile"),
    )
