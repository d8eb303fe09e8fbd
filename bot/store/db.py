"""Engines and sessions for the one database URL the whole product shares."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

SQLITE_BUSY_TIMEOUT_MS = 10_000


class DatabaseConfigError(RuntimeError):
    """DATABASE_URL cannot be used; the message says why and how to fix it."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the Rasa server read while the action server writes; the busy timeout
    # makes a second writer wait instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _replace_when_the_file_changes(engine: Engine, path: Path) -> None:
    """A pooled connection keeps the file it opened: if that file was deleted or
    replaced, writes would go to a file nobody reads. Each checkout compares the file
    now at `path` with the connection's, and has the pool open a fresh one if they
    differ (which then fails, or finds the new file, as an unpooled one would)."""

    @event.listens_for(engine, "connect")
    def remember(dbapi_connection, record) -> None:
        record.info["file"] = _file_identity(path)

    @event.listens_for(engine, "checkout")
    def check(dbapi_connection, record, proxy) -> None:
        if record.info.get("file") != _file_identity(path):
            raise DisconnectionError(f"{path} was deleted or replaced")


def sqlite_file(database: str | None) -> Path | None:
    """The file behind an SQLite URL's database part (plain path or `file:` URI form)."""
    if not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        database = database[len("file:") :].split("?", 1)[0]
    return Path(database)


@functools.lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One pooled engine per URL and process."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DatabaseConfigError(
            f"DATABASE_URL={url!r} is not a database URL ({exc}); "
            "use e.g. sqlite:///var/concordia.db or postgresql://user@host/db"
        ) from None
    try:
        if parsed.get_backend_name() == "sqlite":
            path = sqlite_file(parsed.database)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            # SQLAlchemy 1.4 opens a new SQLite connection per session (NullPool) and
            # runs the pragmas each time: 10% of the action server's CPU under load.
            # A pool keeps a few open. (A database in memory keeps SQLAlchemy's one
            # connection per thread.)
            pooled = (
                {"poolclass": QueuePool, "pool_size": 5, "max_overflow": 10}
                if path is not None
                else {}
            )
            engine = create_engine(
                url, future=True, connect_args={"check_same_thread": False}, **pooled
            )
            event.listen(engine, "connect", _sqlite_pragmas)
            if path is not None:
                _replace_when_the_file_changes(engine, path)
            return engine
        return create_engine(url, future=True, pool_pre_ping=True, pool_size=5, max_overflow=10)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise DatabaseConfigError(
            f"DATABASE_URL: no usable driver for {parsed.drivername!r} ({exc}); "
            "use sqlite:///... or postgresql://..."
        ) from None


@functools.lru_cache(maxsize=8)
def _session_factory(url: str) -> sessionmaker:
    return sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A unit of work: committed on success, rolled back (and re-raised) on error."""
    session = _session_factory(url)()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
