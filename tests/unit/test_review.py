"""Reviewing: accounts, filtered listings, annotations and exports, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, update

from bot.review.accounts import FAILURE_WINDOW, MAX_FAILURES, AccountError, Accounts
from bot.review.annotations import AnnotationError, Annotations
from bot.review.export import export_session
from bot.review.exporters import session_to_markdown, sessions_to_csv
from bot.review.queries import FilterError, SessionFilter, iter_sessions, list_sessions
from bot.store.db import get_engine, session_scope
from bot.store.models import MediationSession, ReviewerSession, SignInLimit, utcnow
from bot.store.repository import SessionRepository, UnknownSession
from bot.store.transcript import events, rasa_metadata


def test_accounts(database_url):
    accounts = Accounts(database_url)
    accounts.add("trainer1", "correct horse battery")
    assert accounts.verify("trainer1", "correct horse battery")
    assert not accounts.verify("trainer1", "wrong password")
    assert not accounts.verify("nobody", "correct horse battery")
    for name, password, reason in [
        ("trainer2", "", "empty"),
        ("trainer2", "   ", "empty"),
        ("trainer2", "short", "shorter than 8"),
        ("trainer1", "another password", "already exists"),
        ("bad name", "another password", "not allowed"),
    ]:
        with pytest.raises(AccountError, match=reason):
            accounts.add(name, password)
    assert accounts.names() == ["trainer1"]


def test_sign_in_rate_limit_counts_failures_per_address(database_url):
    accounts = Accounts(database_url)
    for _ in range(MAX_FAILURES - 1):
        assert accounts.claim_attempt("10.0.0.1")
        accounts.record_attempt("trainer1", "10.0.0.1", succeeded=False)
    assert accounts.claim_attempt("10.0.0.1")
    accounts.record_attempt("trainer1", "10.0.0.1", succeeded=True)  # gives its claim back
    assert not accounts.blocked("10.0.0.1")
    assert accounts.claim_attempt("10.0.0.1")  # the fifth failure
    assert accounts.blocked("10.0.0.1") and not accounts.claim_attempt("10.0.0.1")
    assert not accounts.blocked("10.0.0.2") and accounts.claim_attempt("10.0.0.2")
    # A window over 15 minutes old starts afresh.
    with session_scope(database_url) as db:
        db.execute(
            update(SignInLimit)
            .where(SignInLimit.address == "10.0.0.1")
            .values(window_start=utcnow() - FAILURE_WINDOW - timedelta(seconds=1))
        )
    assert not accounts.blocked("10.0.0.1") and accounts.claim_attempt("10.0.0.1")


def test_parallel_attempts_cannot_all_pass_the_limit(database_url):
    """The limit was check-then-record: parallel attempts could all read "4 failures".
    20 threads with their own connections claim at once; exactly 5 may try."""
    accounts = Accounts(database_url)
    barrier = threading.Barrier(20)

    def attempt(_: int) -> bool:
        barrier.wait()
        return Accounts(database_url).claim_attempt("10.9.9.9")

    with ThreadPoolExecutor(max_workers=20) as pool:
        claimed = list(pool.map(attempt, range(20)))
    assert claimed.count(True) == MAX_FAILURES
    assert accounts.blocked("10.9.9.9")


def test_sessions_are_ended_by_logout_password_disable_and_remove(database_url):
    accounts = Accounts(database_url)
    accounts.add("trainer1", "correct horse battery")
    first, second = accounts.start_session("trainer1"), accounts.start_session("trainer1")
    assert first != second and len(first) >= 40  # 256 random bits, URL-safe
    assert accounts.session_reviewer(first) == "trainer1"
    assert accounts.session_reviewer(first + "x") is None
    assert accounts.session_reviewer(None) is None and accounts.session_reviewer("") is None
    accounts.end_session(first)  # logout: that session only
    assert accounts.session_reviewer(first) is None
    assert accounts.session_reviewer(second) == "trainer1"

    assert accounts.set_password("trainer1", "a brand new password") == 1
    assert accounts.session_reviewer(second) is None
    assert not accounts.verify("trainer1", "correct horse battery")
    assert accounts.verify("trainer1", "a brand new password")

    third = accounts.start_session("trainer1")
    assert accounts.disable("trainer1") == 1
    assert accounts.session_reviewer(third) is None
    assert not accounts.verify("trainer1", "a brand new password")
    assert accounts.listing() == [("trainer1", True, 0)]
    accounts.enable("trainer1")
    assert accounts.verify("trainer1", "a brand new password")

    fourth = accounts.start_session("trainer1")
    assert accounts.listing() == [("trainer1", False, 1)]
    assert accounts.remove("trainer1") == 1
    assert accounts.session_reviewer(fourth) is None and accounts.names() == []
    for action in (accounts.disable, accounts.remove, accounts.end_sessions):
        with pytest.raises(AccountError, match="no reviewer called 'trainer1'"):
            action("trainer1")
    with pytest.raises(AccountError, match="shorter than 8"):
        accounts.set_password("nobody", "short")


def test_an_expired_session_is_refused(database_url):
    accounts = Accounts(database_url)
    accounts.add("trainer1", "correct horse battery")
    token = accounts.start_session("trainer1")
    with session_scope(database_url) as db:
        db.execute(update(ReviewerSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert accounts.session_reviewer(token) is None


@pytest.mark.parametrize(
    "params, message",
    [
        ({"status": "finished"}, "status must be one of"),
        ({"step": "step9"}, "step must be one of"),
        ({"date_from": "28/11/2026"}, "date like 2026-11-28"),
        ({"date_from": "2026-11-28", "date_to": "2026-11-01"}, "after date_to"),
        ({"colour": "red"}, "unknown filter"),
        ({"text": "x" * 201}, "longer than 200"),
    ],
)
def test_malformed_filters_are_explained(params, message):
    with pytest.raises(FilterError, match=message):
        SessionFilter.parse(params)


@pytest.fixture
def seeded(database_url, analyser):
    """Three sessions with different modes, steps, dates, tags and words."""
    repo = SessionRepository(database_url)
    notes = Annotations(database_url)
    water = repo.start_session("sender-water", "mediation")
    repo.set_topic(water, "A dam on the Kora river")
    repo.set_parties(water, ["Riverland", "Dryland"])
    repo.add_statement(water, "w1", "Riverland", "interest", analyser.analyse("farmers need water"))
    repo.reach_step(water, "measures")
    repo.finish(water, "completed", "summary")
    notes.add_tag(water, "good-reframe")
    border = repo.start_session("sender-border", "training")
    repo.set_topic(border, "Border incidents 50% up")
    repo.reach_step(border, "interests")
    old = repo.start_session("sender-old", "mediation")
    with session_scope(database_url) as db:
        db.get(MediationSession, old).started_at = datetime(2026, 1, 15, 12, 0)
        db.get(MediationSession, border).scenario = "border-incidents"
    rasa_metadata.create_all(get_engine(database_url))  # Rasa's own table, as Rasa makes it
    with get_engine(database_url).begin() as connection:
        connection.execute(
            insert(events),
            [
                {
                    "sender_id": "sender-old",
                    "type_name": "user",
                    "timestamp": 1.0,
                    "intent_name": "state_interest",
                    "data": json.dumps({"text": "Наши рыбаки зависят от залива"}),
                }
            ],
        )
    return {"water": water, "border": border, "old": old}


def _ids(url, **params) -> list[str]:
    return [row.id for row in list_sessions(url, SessionFilter.parse(params)).rows]


def test_filters_and_search(database_url, seeded):
    url = database_url
    assert _ids(url) == [seeded["border"], seeded["water"], seeded["old"]]  # newest first
    assert _ids(url, mode="training") == [seeded["border"]]
    assert _ids(url, status="completed") == [seeded["water"]]
    assert _ids(url, step="interests") == [seeded["border"]]
    assert _ids(url, scenario="border-incidents") == [seeded["border"]]
    assert _ids(url, tag="good-reframe") == [seeded["water"]]
    assert _ids(url, date_to="2026-06-30") == [seeded["old"]]
    assert seeded["old"] not in _ids(url, date_from="2026-06-30")
    assert _ids(url, text="FARMERS") == [seeded["water"]]  # what was said, any case
    assert _ids(url, text="kora") == [seeded["water"]]
    assert _ids(url, text="рыбаки") == [seeded["old"]]  # from Rasa's event log
    assert _ids(url, text="50%") == [seeded["border"]]  # wildcards are literal
    assert _ids(url, text="%") == [seeded["border"]]
    assert _ids(url, text="'; DROP TABLE mediation_sessions; --") == []
    row = list_sessions(url, SessionFilter.parse({"tag": "good-reframe"})).rows[0]
    assert row.parties == ["Riverland", "Dryland"] and row.interests == 1


def test_pagination_counts(database_url, seeded):
    page = list_sessions(database_url, SessionFilter(), page=2, per_page=2)
    assert page.total == 3 and page.pages == 2 and len(page.rows) == 1
    assert len(list(iter_sessions(database_url, SessionFilter(), batch=1))) == 3
    with pytest.raises(FilterError):
        list_sessions(database_url, SessionFilter(), page=0)


def test_annotations(database_url, seeded):
    notes = Annotations(database_url)
    sid = seeded["border"]
    notes.add_note(sid, "trainer1", "Good open question about the villages.")
    with pytest.raises(AnnotationError, match="empty"):
        notes.add_note(sid, "trainer1", "   ")
    notes.add_tag(sid, "Needs-Work")
    notes.add_tag(sid, "needs-work")  # twice is once
    with pytest.raises(AnnotationError, match="no spaces"):
        notes.add_tag(sid, "two words")
    assert notes.tags(sid) == ["needs-work"]
    notes.remove_tag(sid, "needs-work")
    assert notes.tags(sid) == []
    notes.mark_reviewed(sid, "trainer1")
    assert SessionRepository(database_url).get(sid).reviewed_by == "trainer1"
    with pytest.raises(UnknownSession):
        notes.add_tag("cn-missing", "x")


def test_csv_and_markdown_exports(database_url, seeded):
    rows = list(iter_sessions(database_url, SessionFilter()))
    table = list(csv.DictReader(io.StringIO(sessions_to_csv(rows))))
    assert len(table) == 3
    water = next(r for r in table if r["id"] == seeded["water"])
    assert water["parties"] == "Riverland; Dryland" and water["tags"] == "good-reframe"
    repo = SessionRepository(database_url)
    repo.set_topic(seeded["border"], '=HYPERLINK("http://x")')
    rows = list(iter_sessions(database_url, SessionFilter.parse({"mode": "training"})))
    assert "'=HYPERLINK" in sessions_to_csv(rows)  # not a formula in a spreadsheet

    Annotations(database_url).add_note(seeded["water"], "trainer1", "Well reframed.")
    exported = export_session(repo, seeded["water"])
    exported["transcript"] = [
        {
            "speaker": "user",
            "text": "<script>alert(1)</script>",
            "intent": "inform",
            "confidence": 0.5,
            "timestamp": "2026-11-28T10:00:00+00:00",
        }
    ]
    notes = Annotations(database_url).notes(seeded["water"])
    text = session_to_markdown(exported, notes)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>" not in text
    assert "2026-11-28T10:00:00+00:00" in text and "inform (0.50)" in text
    assert "Well reframed." in text
    assert "Well reframed." not in session_to_markdown(exported, None)


@pytest.fixture
def cli(concordia):
    """`concordia ARGS` on the database at `url`, in this process."""

    def run_on(url: str, *args: str, stdin: str = ""):
        return concordia(*args, stdin=stdin, DATABASE_URL=url)

    return run_on


def test_cli_users_and_filters(sqlite_url, seeded_sqlite, cli):

    created = cli(
        sqlite_url, "users", "add", "trainer9", "--password-stdin", stdin="a long enough password\n"
    )
    assert created.returncode == 0, created.stderr
    assert Accounts(sqlite_url).verify("trainer9", "a long enough password")
    empty = cli(sqlite_url, "users", "add", "trainer10", "--password-stdin", stdin="\n")
    assert empty.returncode == 2 and "password is empty" in empty.stderr
    bad = cli(sqlite_url, "sessions", "list", "--from", "yesterday")
    assert bad.returncode == 2 and "date like 2026-11-28" in bad.stderr
    listed = json.loads(
        cli(sqlite_url, "sessions", "list", "--mode", "training", "--format", "json").stdout
    )
    assert listed["total"] == 1 and listed["sessions"][0]["mode"] == "training"
    exported = cli(
        sqlite_url, "sessions", "export", "--all", "--format", "csv", "--status", "completed"
    )
    assert exported.returncode == 0 and len(exported.stdout.strip().splitlines()) == 2
    markdown = cli(sqlite_url, "sessions", "export", seeded_sqlite["water"], "--format", "markdown")
    assert markdown.stdout.startswith(f"# Session {seeded_sqlite['water']}")


def test_cli_passwd_disable_enable_remove_and_list(sqlite_url, cli):
    from bot.store.migrate import upgrade

    upgrade(sqlite_url)
    accounts = Accounts(sqlite_url)
    accounts.add("trainer9", "a long enough password")
    session = accounts.start_session("trainer9")
    changed = cli(
        sqlite_url, "users", "passwd", "trainer9", "--password-stdin", stdin="new pw 12345\n"
    )
    assert changed.returncode == 0 and "1 open session(s) ended" in changed.stdout
    assert (
        accounts.verify("trainer9", "new pw 12345") and accounts.session_reviewer(session) is None
    )
    accounts.start_session("trainer9")
    assert "trainer9\tactive\t1 open session(s)" in cli(sqlite_url, "users", "list").stdout
    disabled = cli(sqlite_url, "users", "disable", "trainer9")
    assert disabled.returncode == 0 and "disabled; 1 open session(s) ended" in disabled.stdout
    assert "trainer9\tdisabled\t0 open session(s)" in cli(sqlite_url, "users", "list").stdout
    assert cli(sqlite_url, "users", "enable", "trainer9").returncode == 0
    assert accounts.verify("trainer9", "new pw 12345")
    assert cli(sqlite_url, "users", "remove", "trainer9").returncode == 0
    missing = cli(sqlite_url, "users", "disable", "trainer9")
    assert missing.returncode == 2 and "there is no reviewer called 'trainer9'" in missing.stderr
    assert "No reviewers yet" in cli(sqlite_url, "users", "list").stdout


@pytest.fixture
def seeded_sqlite(sqlite_url, analyser):
    from bot.store.migrate import upgrade

    upgrade(sqlite_url)
    repo = SessionRepository(sqlite_url)
    water = repo.start_session("cli-water")
    repo.finish(water, "completed", "done")
    training = repo.start_session("cli-training", "training")
    return {"water": water, "training": training}
