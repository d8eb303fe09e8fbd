"""Applying the Alembic migrations programmatically (`concordia db upgrade`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from bot.store.db import DatabaseConfigError, get_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would choke on '%' in passwords.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the assistant's tables to `revision`; Rasa's `events` table is left alone."""
    engine = get_engine(database_url)
    try:
        with engine.connect():
            pass
    except Exception as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise DatabaseConfigError(
            f"DATABASE_URL: cannot connect to {engine.url!r}: {reason}"
        ) from None
    command.upgrade(alembic_config(database_url), revision)


def current_tables(database_url: str) -> set[str]:
    return set(inspect(get_engine(database_url)).get_table_names())


def schema_behind(database_url: str) -> str | None:
    """Why the database is not at the latest migration (None when it is): a process
    that serves from it must not start on an unmigrated one ("no such table" was a 500)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    engine = get_engine(database_url)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        return f"cannot read the database at {engine.url!r}: {reason}"
    if current == head:
        return None
    found = f"at revision {current}" if current else "not migrated"
    return f"the database at {engine.url!r} is {found}; the code needs revision {head}"
