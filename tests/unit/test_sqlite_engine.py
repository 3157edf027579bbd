"""The settings every SQLite connection of heed's engine starts with."""

from __future__ import annotations

from pathlib import Path

from heed.adapters.db.engine import make_engine


def _pragma(url: str, name: str) -> object:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(f"PRAGMA {name}").scalar_one()
    finally:
        engine.dispose()


def test_a_sqlite_connection_reads_its_file_through_a_memory_map(tmp_path: Path) -> None:
    mapped = _pragma(f"sqlite:///{tmp_path / 'heed.sqlite3'}", "mmap_size")
    assert isinstance(mapped, int)
    assert mapped >= 1 << 30


def test_a_sqlite_connection_writes_ahead_and_syncs_every_commit(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'heed.sqlite3'}"
    assert _pragma(url, "journal_mode") == "wal"
    assert _pragma(url, "synchronous") == 2  # FULL
    assert _pragma(url, "foreign_keys") == 1
