"""Alembic environment: our metadata only; Rasa's `events` table is never touched."""

from alembic import context

from bot.store.db import get_engine
from bot.store.models import Base

RASA_OWNED_TABLES = {"events"}


def include_object(obj, name, type_, reflected, compare_to):
    return not (
        type_ == "table" and (name in RASA_OWNED_TABLES or (reflected and compare_to is None))
    )


def run_migrations_online() -> None:
    engine = get_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
