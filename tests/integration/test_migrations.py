"""The schema is made by Alembic alone, and it matches what the code queries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from integration_support import postgres_only
from sqlalchemy import create_engine, text
from tamper_support import private_database

from heed.adapters.db.tables import Base
from heed.bootstrap import Heed


def test_the_migrated_schema_matches_the_tables_heed_queries(heed: Heed) -> None:
    with heed.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
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
