"""The schema is made by Alembic alone, and it matches what the code queries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from integration_support import postgres_only
from sqlalchemy import Column, String, TypeDecorator, create_engine, text
from sqlalchemy.types import TypeEngine
from tamper_support import private_database

from heed.adapters.db.tables import Base
from heed.bootstrap import Heed


def _type_differs(
    context: MigrationContext,
    inspected_column: Column[Any],
    metadata_column: Column[Any],
    inspected_type: TypeEngine[Any],
    metadata_type: TypeEngine[Any],
) -> bool | None:
    """Alembic's own type comparison (None), but SQLite's text columns are all one type.

    SQLite keeps every VARCHAR(n) and TEXT column as text and checks no length, so
    migrations 0005 (wider provider ids and name key) and 0008 (the sealed token as
    unbounded text) change only PostgreSQL's columns: SQLite's keep the length they
    were declared with. Whether a column is text at all is still compared there.
    """
    declared = metadata_type.impl_instance if isinstance(metadata_type, TypeDecorator) else None
    if (
        context.dialect.name == "sqlite"
        and isinstance(inspected_type, String)
        and isinstance(declared or metadata_type, String)
    ):
        return False
    return None


def test_the_migrated_schema_matches_the_tables_heed_queries(heed: Heed) -> None:
    with heed.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": _type_differs})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


HEED_CLI = "from heed.entrypoints.cli import main; main()"


@postgres_only
def test_servers_starting_together_on_an_empty_database_migrate_it_once(
    db_url: str, tmp_path: Path
) -> None:
    # Separate processes, as several `heed serve` are: Alembic's context is one per process.
    with private_database(db_url, tmp_path, "migrate_race") as url:
        environment = {**os.environ, "HEED_DATABASE_URL": url}
        upgrades = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "from heed.entrypoints.cli import main; main()",
                    "db",
                    "upgrade",
                ],
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for _ in range(4)
        ]
        outputs = [process.communicate(timeout=120)[0] for process in upgrades]
        assert [process.returncode for process in upgrades] == [0, 0, 0, 0], outputs
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                versions = connection.execute(text("SELECT version_num FROM alembic_version"))
                assert len(versions.all()) == 1
        finally:
            engine.dispose()
