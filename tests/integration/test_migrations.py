"""The schema is made by Alembic alone, and it matches what the code queries."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from heed.adapters.db.tables import Base
from heed.bootstrap import Heed


def test_the_migrated_schema_matches_the_tables_heed_queries(heed: Heed) -> None:
    with heed.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
