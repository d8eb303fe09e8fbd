"""Faults with real processes: the action server killed, the Rasa server killed, the
database unreachable. Each time the user gets a clear answer, nothing said is lost,
and the conversation carries on at the step it was at."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.ops.runner import action_server_spec
from bot.store.repository import SessionRepository
from bot.store.transcript import read_transcript
from components.action_unavailable import FALLBACK_TEXT
from components.tracker_store import KEPT_REPLY

UNAVAILABLE = "A part of the assistant is unavailable right now"
OPENING = ("/start_mediation", "/affirm", "Grazing rights in the hills", "Ost and West")


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def user_lines(url: str, sender: str) -> list[str]:
    return [line.text for line in read_transcript(url, sender) if line.speaker == "user"]


def test_action_server_down_gets_a_clear_reply_and_the_step_carries_on(stack):
    sender = "fault-actions-1"
    for message in OPENING:
        stack.say(sender, message)
    interest = "Ost needs winter pasture for its herds"
    stack.processes.kill("action server")
    try:
        reply = texts(stack.say(sender, interest))
        assert UNAVAILABLE in reply and "session is saved" in reply
        assert UNAVAILABLE[:20] in FALLBACK_TEXT  # the domain's text and the last resort agree
        again = texts(stack.say(sender, "Ost also needs safe roads"))
        assert UNAVAILABLE in again  # every message gets the answer, not silence
    finally:
        stack.processes.start(action_server_spec(stack.settings))
        stack.processes.wait_healthy(timeout=120)

    reply = texts(stack.say(sender, interest))
    assert "Noted as an interest of Ost" in reply  # the same step, as if nothing happened
    assert "Step 3 of 6" in texts(stack.say(sender, "where are we?"))

    repository = SessionRepository(stack.settings.database_url)
    record = repository.latest_for_sender(sender)
    assert [s.text for s in repository.statements(record.id)] == [interest]
    said = user_lines(stack.settings.database_url, sender)
    assert said.count(interest) == 2 and "Ost also needs safe roads" in said  # all three kept


def test_rasa_server_killed_mid_conversation_resumes_from_the_tracker_store(stack):
    sender = "fault-rasa-1"
    for message in OPENING:
        stack.say(sender, message)
    assert "Noted as an interest of Ost" in texts(stack.say(sender, "Ost needs safe water"))
    stack.processes.kill("Rasa server")
    stack.start_rasa()

    assert "What matters to West" in texts(stack.say(sender, "/done"))
    assert "Noted as an interest of West" in texts(stack.say(sender, "West needs its markets"))
    repository = SessionRepository(stack.settings.database_url)
    record = repository.latest_for_sender(sender)
    assert [s.text for s in repository.statements(record.id)] == [
        "Ost needs safe water",
        "West needs its markets",
    ]
    said = user_lines(stack.settings.database_url, sender)
    assert said[: len(OPENING)] == list(OPENING)


def test_an_action_that_keeps_failing_is_called_broken_and_offers_a_way_out(stack):
    """A bug answering 500 on every message: after a few tries the user is told plainly
    that the step is broken and offered to start again or end, not asked for ever to
    send the message again; the error log names the action."""
    sender = "fault-broken-step"
    for message in OPENING:
        stack.say(sender, message)
    repository = SessionRepository(stack.settings.database_url)
    session_id = repository.latest_for_sender(sender).id
    # A fault in the database, for this conversation only: recording its statement
    # fails with an error (integer overflow), so its form validation answers 500.
    engine = create_engine(stack.settings.database_url, future=True)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TRIGGER broken_step BEFORE INSERT ON statements "
                f"WHEN NEW.session_id = '{session_id}' "
                "BEGIN SELECT abs(-9223372036854775807 - 1); END"
            )
        )
    tries = ["Ost needs winter pasture", "Ost needs safe roads", "Ost needs its wells"]
    try:
        replies = [stack.say(sender, message) for message in tries]
        bystander = texts(stack.say("fault-broken-bystander", "hello"))
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TRIGGER broken_step"))
        engine.dispose()
    assert UNAVAILABLE in texts(replies[0]) and UNAVAILABLE in texts(replies[1])
    broken = replies[2]
    assert "Something is broken in this step" in texts(broken)
    assert UNAVAILABLE not in texts(broken)
    buttons = [b["payload"] for r in broken for b in r.get("buttons") or []]
    assert buttons == ["/restart", "/goodbye"]
    log = (stack.processes.log_dir / "rasa-server.log").read_text(errors="replace")
    assert "'validate_interests_form' failed 3 times in a row for fault-broken-step" in log
    assert bystander and UNAVAILABLE not in bystander  # other conversations carry on
    # Every message is kept, and once the fault is gone the step carries on.
    assert user_lines(stack.settings.database_url, sender)[-3:] == tries
    assert "Noted as an interest of Ost" in texts(stack.say(sender, tries[0]))


# -- the database unreachable ---------------------------------------------------------
def wait_for_log(path: Path, needle: str, timeout: float, after: int = 0) -> str:
    """The log (from character `after` on) once it holds `needle`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = path.read_text(errors="replace")[after:] if path.exists() else ""
        if needle in content:
            return content
        time.sleep(0.5)
    raise AssertionError(f"{needle!r} not in {path} after {timeout:.0f}s")


def test_database_outage_keeps_every_message_and_writes_it_back(pg_stack):
    sender, newcomer = "outage-1", "outage-2"
    for message in OPENING:
        pg_stack.say(sender, message)
    during = ["Ost needs winter pasture", "  and safe roads to market 🐑  "]

    pg_stack.proxy.cut()
    try:
        for message in during:
            reply = texts(pg_stack.say(sender, message))
            assert KEPT_REPLY in reply  # a clear answer, not a new conversation, not a 500
        assert KEPT_REPLY in texts(pg_stack.say(newcomer, "hello"))
        wait_for_log(pg_stack.rasa_log, "Database outage began", 10)
    finally:
        pg_stack.proxy.restore()
    log = wait_for_log(pg_stack.rasa_log, "Database reachable again after", 60)
    assert "2 unprocessed message(s)" in log or "3 unprocessed message(s)" in log
    assert "cannot reach the database at postgresql://postgres@127.0.0.1" in log

    for message in during:  # written back verbatim, in order, after what came before
        assert message in user_lines(pg_stack.direct_url, sender)
    said = user_lines(pg_stack.direct_url, sender)
    assert said[: len(OPENING)] == list(OPENING) and said[len(OPENING) :] == during
    assert user_lines(pg_stack.direct_url, newcomer) == ["hello"]

    # The conversation is where it was: the interest step, nothing recorded twice.
    assert "Noted as an interest of Ost" in texts(pg_stack.say(sender, during[0]))
    repository = SessionRepository(pg_stack.direct_url)
    record = repository.latest_for_sender(sender)
    assert record.step == "interests"
    assert [s.text for s in repository.statements(record.id)] == [during[0]]
    assert "Start a mediation" in str(pg_stack.say(newcomer, "hello"))

    engine = create_engine(pg_stack.direct_url, future=True)
    with engine.connect() as connection:
        kept = connection.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :s AND data LIKE :t"),
            {"s": sender, "t": "%records right now%"},
        ).scalar()
    engine.dispose()
    assert kept == 2  # the replies the user got are in the transcript too


def test_two_rasa_servers_keep_one_conversation_through_a_read_only_spell(pg_stack):
    """The database turns read-only (a failover, say): reads work, writes fail. One
    conversation's turns reach two Rasa servers, so each keeps its own copy in
    memory. When writes work again, both write back. Rasa's count-based save made the
    second writer skip as many of its events as the first had written; here every
    message of both is in the transcript, once."""
    import dataclasses
    import os

    from bot.ops.rasa_model import ensure_model
    from bot.ops.runner import Stack, free_port, rasa_server_spec
    from bot.settings import Settings
    from tests.integration.conftest import ARTIFACTS

    second = Settings.from_env(
        {**os.environ, **pg_stack.settings.child_env(), "RASA_PORT": str(free_port())}
    )
    model = ensure_model(second.root, second.models_dir, env=second.child_env())
    processes = Stack(second, log_dir=ARTIFACTS / "logs" / "postgres-second-rasa")
    processes.start(rasa_server_spec(second, model, name="second Rasa server"))
    engine = create_engine(pg_stack.direct_url, future=True)
    try:
        processes.wait_healthy(timeout=300)
        other = dataclasses.replace(pg_stack, settings=second)
        sender = "two-servers-1"
        for message in OPENING:
            pg_stack.say(sender, message)
        second_log = processes.log_dir / "second-rasa-server.log"
        seen = {
            log: len(log.read_text(errors="replace")) for log in (pg_stack.rasa_log, second_log)
        }
        with engine.begin() as connection:
            connection.execute(
                text(
                    "CREATE FUNCTION refuse_writes() RETURNS trigger AS $$ BEGIN "
                    "RAISE EXCEPTION 'cannot execute INSERT in a read-only transaction' "
                    "USING ERRCODE = '25006'; END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER read_only BEFORE INSERT ON events "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_writes()"
                )
            )
        turns = [
            (pg_stack, "Ost needs winter pasture"),
            (other, "Ost needs safe roads to market"),
            (pg_stack, "Ost fears losing its wells"),
            (other, "Ost wants its herders left in peace"),
        ]
        try:
            for server, message in turns:
                assert "Noted" in texts(server.say(sender, message))
            for log in (pg_stack.rasa_log, second_log):
                wait_for_log(log, "Kept conversation two-servers-1 in memory", 10, seen[log])
        finally:
            with engine.begin() as connection:
                connection.execute(text("DROP TRIGGER read_only ON events"))
                connection.execute(text("DROP FUNCTION refuse_writes()"))
        for log in (pg_stack.rasa_log, second_log):
            wait_for_log(log, "Database reachable again after", 60, seen[log])
        said = user_lines(pg_stack.direct_url, sender)
        for _, message in turns:
            assert said.count(message) == 1, said
        assert said[: len(OPENING)] == list(OPENING)
    finally:
        engine.dispose()
        processes.stop()
