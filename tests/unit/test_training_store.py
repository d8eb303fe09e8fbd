"""Training storage on real SQLite and PostgreSQL: questions, the debrief, progress."""

from __future__ import annotations

import pytest

from bot.review.export import export_session
from bot.review.queries import SessionFilter, list_sessions
from bot.store.repository import SessionRepository, UnknownSession
from bot.store.training import TrainingRepository
from bot.store.training_record import training_record
from bot.training.matching import AnswerKey, catalogue_items
from bot.training.scoring import Debrief, SkillScore, score_session


def _debrief(*scores: float) -> Debrief:
    return Debrief(
        "shared-river-dam",
        tuple(
            SkillScore(skill, skill.title(), score, f"{skill} figures", ("a",), ("b",), "tip")
            for skill, score in zip(
                ("interests", "positions", "questions", "common_ground", "measures", "tone"),
                scores,
                strict=True,
            )
        ),
    )


def _training_session(url: str, trainee: str | None = "Ana") -> tuple[str, SessionRepository]:
    repo = SessionRepository(url)
    sid = repo.start_session("trainee-1", "training")
    training = TrainingRepository(url)
    if trainee:
        training.set_trainee(sid, trainee)
    training.set_scenario(sid, "shared-river-dam")
    repo.set_parties(sid, ["Riverland", "Highvale"])
    return sid, repo


def test_questions_are_recorded_once_per_message(database_url):
    sid, _ = _training_session(database_url)
    training = TrainingRepository(database_url)
    assert training.add_move(
        sid, "m1", "question", "open", "What do farmers need?", "Riverland", "summer-irrigation"
    )
    assert not training.add_move(sid, "m1", "question", "open", "retried", "Riverland")
    training.add_move(sid, "m2", "question", "leading", "Don't you agree?", "Highvale")
    training.add_move(sid, "m3", "remark", "hostile", "you liars")
    assert [m.text for m in training.moves(sid)] == [
        "What do farmers need?",
        "Don't you agree?",
        "you liars",
    ]
    assert training.revealed(sid) == {"summer-irrigation"}
    with pytest.raises(ValueError, match="question"):
        training.add_move(sid, "m4", "chat", "open", "x")


def test_the_debrief_is_stored_replaced_and_found_by_its_token(database_url):
    sid, _ = _training_session(database_url)
    training = TrainingRepository(database_url)
    token = training.save_debrief(sid, _debrief(1, 1, 0.5, 0.5, 0, 0))
    assert len(token) >= 40
    stored = training.debrief_by_token(token)
    assert stored.session_id == sid and stored.trainee == "Ana"
    assert stored.overall == 0.5
    assert [s.skill for s in stored.skills][:2] == ["interests", "positions"]
    assert stored.skills[2].found == ("a",) and stored.skills[2].missed == ("b",)
    # Summarising again (after "go back") replaces the scores and keeps the link.
    assert training.save_debrief(sid, _debrief(1, 1, 1, 1, 1, 1)) == token
    again = training.debrief(sid)
    assert again.overall == 1.0 and len(again.skills) == 6
    for bad in ("", "x" * 65, token[:-1], "not-a-token"):
        assert training.debrief_by_token(bad) is None


def test_a_trainees_progress_across_sessions(database_url):
    training = TrainingRepository(database_url)
    first, _ = _training_session(database_url)
    training.save_debrief(first, _debrief(0, 0, 0, 0, 0, 0.6))
    second, _ = _training_session(database_url)
    training.save_debrief(second, _debrief(1, 1, 1, 1, 0.4, 0.2))
    _training_session(database_url, trainee="Ben")  # not debriefed
    _training_session(database_url, trainee=None)  # anonymous: not listed
    summaries = {t.trainee: t for t in training.trainees()}
    assert set(summaries) == {"Ana", "Ben"}
    assert summaries["Ana"].sessions == 2 and summaries["Ana"].scored == 2
    assert summaries["Ana"].mean == pytest.approx((0.1 + 0.767) / 2, abs=0.001)
    assert summaries["Ana"].latest == pytest.approx(0.767, abs=0.001)
    assert summaries["Ben"].mean is None
    sessions = training.trainee_sessions("Ana")
    assert [s.session_id for s in sessions] == [first, second]
    assert sessions[1].skills["measures"] == 0.4
    rows = list_sessions(database_url, SessionFilter.parse({"trainee": "Ana"})).rows
    assert {r.id for r in rows} == {first, second}
    assert {r.score for r in rows} == {0.1, 0.767}
    with pytest.raises(UnknownSession):
        training.set_trainee("cn-missing", "x")


def test_scoring_a_stored_session_end_to_end(database_url, knowledge, analyser):
    """From the stored record (statements, questions, common ground, measures) to the
    stored debrief and the export."""
    sid, repo = _training_session(database_url)
    training = TrainingRepository(database_url)
    repo.add_statement(
        sid, "m1", "Riverland", "interest", analyser.analyse("farmers need summer irrigation")
    )
    repo.add_statement(
        sid, "m2", "Highvale", "position", analyser.analyse("They must never inspect the dam")
    )
    training.add_move(
        sid, "m0", "question", "open", "What about farms?", "Riverland", "summer-irrigation"
    )
    repo.add_common_ground(sid, "both want shared data on rainfall and river flow", "m3")
    repo.add_user_measure(sid, "a joint river basin commission", "m4")
    record = training_record(repo.get(sid), training.moves(sid), analyser)
    assert len(record.statements) == 2 and record.questions[0].revealed == "summer-irrigation"
    key = AnswerKey.build(knowledge.scenarios["shared-river-dam"], analyser)
    debrief = score_session(
        key,
        record,
        knowledge.skills,
        catalogue_items(knowledge.measures.values(), analyser),
        knowledge.measures,
    )
    token = training.save_debrief(sid, debrief)
    exported = export_session(repo, sid)
    assert exported["training"]["trainee"] == "Ana"
    assert exported["training"]["debrief_path"] == f"/debrief/{token}"
    assert exported["training"]["questions"][0]["revealed"] == "summer-irrigation"
    skills = {s["skill"]: s for s in exported["training"]["skills"]}
    assert skills["interests"]["score"] == debrief.skills[0].score > 0
    assert skills["positions"]["score"] == 0.5
    assert skills["common_ground"]["score"] > 0 and skills["measures"]["score"] > 0
    assert export_session(repo, repo.start_session("someone"))["training"] is None
