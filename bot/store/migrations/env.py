"""Alembic environment: our models, the database from bot.config."""

from __future__ import annotations

from alembic import context

from bot.store.db import engine
from bot.store.models import Base

# Rasa's tracker store owns the `events` table; never touch it from here.
OWN_TABLES = set(Base.metadata.tables)


def include_object(obj, name, type_, reflected, compare_to):  # noqa: ANN001, ANN201
    if type_ == "table":
        return name in OWN_TABLES
    return True


with engine().connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
