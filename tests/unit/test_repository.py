"""The structured record, on real SQLite and real PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect

from bot.mediation.common_ground import CommonGroundItem
from bot.mediation.ranking import CaseProfile, rank_measures
from bot.review.export import export_session
from bot.store.db import get_engine
from bot.store.migrate import current_tables
from bot.store.repository import SessionRepository, UnknownSession

ODD_TEXTS = [
    "   leading and trailing spaces   ",
    "💧 water is life 🌾",
    "水は命です — وطن",
    "<script>alert(1)</script>",
    "'; DROP TABLE statements; --",
    "y" * 5000,
]


def test_migration_creates_our_tables_only(database_url):
    tables = current_tables(database_url)
    assert {
        "mediation_sessions",
        "parties",
        "statements",
        "common_ground",
        "session_measures",
        "alembic_version",
    } <= tables
    assert "events" not in tables  # Rasa creates and owns it


def test_session_lifecycle(database_url, analyser, knowledge):
    repo = SessionRepository(database_url)
    sid = repo.start_session("user-1", "mediation", boundary=0.0, trigger=10.0)
    assert sid.startswith("cn-") and len(sid) == 19
    assert repo.topic(sid) is None
    repo.set_topic(sid, "A dam on the Kora river")
    assert repo.topic(sid) == "A dam on the Kora river"
    repo.set_parties(sid, ["Riverland", "Dryland"])
    repo.reach_step(sid, "interests")
    assert repo.add_statement(
        sid, "m1", "Riverland", "interest", analyser.analyse("our farmers need the river")
    )
    assert not repo.add_statement(
        sid, "m1", "Riverland", "interest", analyser.analyse("our farmers need the river")
    )
    repo.add_statement(sid, "m2", "Dryland", "position", analyser.analyse("the dam stays"))
    assert repo.count_statements(sid, "Riverland", "interest") == 1
    assert repo.count_statements(sid, "Dryland", "interest") == 0
    repo.reach_step(sid, "context")  # going back keeps the furthest step
    record = repo.get(sid)
    assert record.step == "context" and record.furthest_step == "interests"
    stored = repo.statements(sid)
    assert [s.kind for s in stored] == ["interest", "position"]
    assert stored[0].analysis.topics["water"] == ("river",)

    repo.propose_common_ground(
        sid,
        [
            CommonGroundItem(
                "shared_need", "Both want water", ("Riverland", "Dryland"), topics=("water",)
            ),
            CommonGroundItem(
                "contested", "Both claim the dam", ("Riverland", "Dryland"), object="the dam"
            ),
        ],
    )
    repo.add_common_ground(sid, "Both want peace", "m3")
    repo.confirm_common_ground(sid)
    stored_ground = repo.common_ground(sid)
    assert [c.status for c in stored_ground] == ["confirmed"] * 3
    assert [c.kind for c in stored_ground] == ["shared_need", "contested", "shared_need"]
    assert stored_ground[1].evidence["object"] == "the dam"

    case = CaseProfile.from_analyses([s.analysis for s in stored], {"water"})
    ranked = rank_measures(knowledge.measures.values(), case, knowledge.topics)[:3]
    repo.propose_measures(sid, ranked)
    repo.propose_measures(sid, ranked)  # proposing again adds nothing
    assert len(repo.measures(sid)) == 3
    repo.set_measure_status(sid, ranked[0].measure.id, "accepted")
    repo.set_measure_status(sid, ranked[1].measure.id, "rejected")
    repo.add_user_measure(sid, "weekly meetings of the water boards", "m4")
    with pytest.raises(ValueError):
        repo.set_measure_status(sid, ranked[2].measure.id, "maybe")
    repo.finish(sid, "completed", "summary text")
    repo.finish(sid, "abandoned")  # leaving after the summary keeps it completed
    record = repo.get(sid)
    assert record.status == "completed" and record.ended_at is not None

    exported = export_session(repo, sid)
    assert exported["status"] == "completed"
    assert exported["parties"][0] == {
        "name": "Riverland",
        "interests": ["our farmers need the river"],
        "positions": [],
        "options": [],
    }
    assert exported["parties"][1]["positions"] == ["the dam stays"]
    assert [m["status"] for m in exported["measures"]] == [
        "accepted",
        "rejected",
        "proposed",
        "accepted",
    ]
    assert exported["transcript"] == []  # no Rasa events in this database
    json.dumps(exported)


def test_text_is_stored_exactly(database_url, analyser):
    repo = SessionRepository(database_url)
    sid = repo.start_session("user-2")
    repo.set_parties(sid, ["A", "B"])
    for index, text in enumerate(ODD_TEXTS):
        repo.add_statement(sid, f"odd-{index}", "A", "interest", analyser.analyse(text))
    assert [s.text for s in repo.statements(sid)] == ODD_TEXTS


def test_changing_parties_keeps_statements_of_those_who_stay(database_url, analyser):
    repo = SessionRepository(database_url)
    sid = repo.start_session("user-3")
    repo.set_parties(sid, ["A", "B"])
    repo.add_statement(sid, "a1", "A", "interest", analyser.analyse("safety"))
    repo.add_statement(sid, "b1", "B", "interest", analyser.analyse("trade"))
    repo.set_parties(sid, ["A", "C"])
    assert [p.name for p in repo.get(sid).parties] == ["A", "C"]
    assert [s.text for s in repo.statements(sid)] == ["safety"]


def test_listing_and_unknown_ids(database_url):
    repo = SessionRepository(database_url)
    first = repo.start_session("s", boundary=0, trigger=1)
    second = repo.start_session("s", boundary=0, trigger=5)
    repo.finish(first, "abandoned")
    assert repo.get(second).transcript_from == 5  # the first session covers 0..5
    assert repo.next_transcript_start(repo.get(first)) == 5
    assert repo.next_transcript_start(repo.get(second)) is None
    assert [r.id for r in repo.list_sessions(status="abandoned")] == [first]
    assert len(repo.list_sessions(limit=1)) == 1
    with pytest.raises(UnknownSession):
        repo.get("cn-missing")
    with pytest.raises(UnknownSession):
        repo.topic("cn-missing")


def test_sqlite_uses_wal_and_busy_timeout(sqlite_url):
    from bot.store.migrate import upgrade

    upgrade(sqlite_url)
    with get_engine(sqlite_url).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    assert "mediation_sessions" in inspect(get_engine(sqlite_url)).get_table_names()


def test_the_same_message_written_concurrently_is_recorded_once(database_url, analyser):
    """Two servers (or a retried action) writing one message's statement at once."""
    from concurrent.futures import ThreadPoolExecutor

    repo = SessionRepository(database_url)
    sid = repo.start_session("racer")
    repo.set_parties(sid, ["Riverland", "Dryland"])
    analysis = analyser.analyse("our farmers need water")

    def write(n: int) -> bool:
        message = f"m{n % 3}"  # three messages, each written by four writers at once
        return repo.add_statement(sid, message, "Riverland", "interest", analysis)

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(write, range(12)))
    assert sum(results) == 3
    assert len(repo.statements(sid)) == 3


def test_the_migrations_build_exactly_the_models(database_url):
    """Alembic's autogenerate finds nothing to do after `upgrade`: the migrations and
    bot/store/models.py describe the same schema, on both databases."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bot.store.db import get_engine
    from bot.store.models import Base

    with get_engine(database_url).connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []


def test_a_pooled_sqlite_connection_never_writes_to_a_deleted_file(tmp_path):
    """The pool keeps connections open; one whose file was deleted must not take writes
    nobody will read: it fails as a fresh connection would (no tables: run upgrade)."""
    from sqlalchemy.exc import OperationalError

    from bot.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'gone.db'}"
    upgrade(url)
    repository = SessionRepository(url)
    repository.start_session("before")
    (tmp_path / "gone.db").unlink()
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"gone.db{suffix}").unlink(missing_ok=True)
    with pytest.raises(OperationalError, match="no such table"):
        repository.start_session("after")
    get_engine(url).dispose()
