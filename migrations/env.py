"""Alembic's entry: runs heed's migrations against the configured database."""

from __future__ import annotations

from alembic import context

from heed.adapters.db.engine import make_engine
from heed.adapters.db.tables import Base

config = context.config
target_metadata = Base.metadata
# The advisory lock key that serialises migrations on PostgreSQL (any fixed number).
MIGRATION_LOCK = 0x68656564


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is required"
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Several heed processes may start together on one database: one
                # migrates while the others wait here, then find nothing left to do.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            context.run_migrations()
    engine.dispose()


run_migrations_online()
