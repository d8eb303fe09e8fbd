"""What a failed database call means, in one line an operator can act on.

The same few failures reach every process (the Rasa server's tracker store, the
action server's record, the CLI): the server is unreachable, the SQLite file is
read-only, the disk is full, or another writer holds the lock. Each gets a message
naming the database (never its password) and the fix, instead of a driver's
traceback.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

# Substrings of driver messages (sqlite3, psycopg2), lower-cased, and what they mean.
_KINDS = (
    ("readonly", ("readonly database", "read-only", "read only")),
    ("full", ("disk is full", "no space left", "disk full")),
    ("locked", ("database is locked",)),
    (
        "unreachable",
        (
            "could not connect",
            "connection refused",
            "server closed the connection",
            "connection to server",
            "terminating connection",
            "unable to open database",
            "timeout expired",
            "connection already closed",
            "ssl syscall error",
            "eof detected",
            "the database system is",
        ),
    ),
)
_FIXES = {
    "readonly": "the database file is read-only: give the server's user write access to {db} "
    "and its folder (SQLite writes a -wal file beside it)",
    "full": "the disk holding {db} is full: free some space; nothing already stored is lost",
    "locked": "another process held {db} locked for longer than the busy timeout: check for "
    "a stuck process or move to PostgreSQL for this load",
    "unreachable": "cannot reach the database at {db}: check that it is running and that "
    "DATABASE_URL points at it; work waits in memory and is written once it answers",
}


def safe_url(url: str) -> str:
    """The database URL without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(the configured DATABASE_URL)"


def failure_kind(exc: BaseException) -> str | None:
    """'readonly', 'full', 'locked' or 'unreachable' for a database failure, else None
    (a bug, a constraint violation: not something waiting or retrying would fix)."""
    if not isinstance(exc, (OperationalError, DBAPIError)):
        return None
    message = str(getattr(exc, "orig", None) or exc).lower()
    for kind, needles in _KINDS:
        if any(needle in message for needle in needles):
            return kind
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return "unreachable"
    return "unreachable" if isinstance(exc, OperationalError) else None


# A database that answers but has no Concordia tables yet: not an outage.
_NO_SCHEMA = ("no such table", "undefinedtable")


def describe(exc: BaseException, url: str) -> str:
    """One line: what went wrong with the database and what to do about it."""
    kind = failure_kind(exc)
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    detail = reason[0] if reason else type(exc).__name__
    lowered = f"{type(getattr(exc, 'orig', None)).__name__} {detail}".lower()
    if any(needle in lowered for needle in _NO_SCHEMA):
        return (
            f"the database at {safe_url(url)} has no Concordia tables yet: run "
            f"`concordia db upgrade` (`make run` does it on start) ({detail})"
        )
    if kind is None:
        return f"database error at {safe_url(url)}: {detail}"
    return f"{_FIXES[kind].format(db=safe_url(url))} ({detail})"
