"""Engines for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

SQLITE_MMAP_BYTES = 1 << 31
"""How much of a SQLite file each connection reads through a memory map (SQLite caps it
at its build's maximum, 2 GiB here). A read of a page the operating system holds is a
memory access instead of a read() call and a copy into the connection's own page cache,
and the mapped pages are shared by every connection and process. Writes still go
through the write-ahead log. bench/RESULTS.md, "Batch decisions at 1 M"."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", False)
    return create_engine(url, **kwargs)


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    if url in ("sqlite://", "sqlite:///:memory:"):
        raise ValueError("heed needs a SQLite file: an in-memory database is one per connection")
    kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
    if kwargs.pop("nullpool", False):
        kwargs["poolclass"] = NullPool
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN is ours to write.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before it returns, so an acknowledged STOP or
        # unsubscribe survives a power cut (NORMAL, in WAL mode, may lose the last
        # commits). Costs one fsync per write transaction; reads are unaffected.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get("heed_single_statement", False):
            # statement_connection: SQLite runs the one statement in its own implicit
            # read transaction, and the driver's rollback at check-in has nothing to do.
            return
        # A writer takes the write lock up front: two writers never both read,
        # then both try to upgrade and fail (SQLite's "database is locked").
        write = options.get("heed_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def statement_connection(engine: Engine) -> Connection:
    """A pooled connection for one read-only statement that needs no transaction.

    On PostgreSQL it runs in autocommit: one SELECT is atomic and sees one snapshot
    on its own, so a BEGIN and a ROLLBACK would only add two round trips. It also
    lets prepared statements work: psycopg drops every prepared statement of a
    connection at each ROLLBACK, and the pool rolls back every connection it gets
    back, so inside a transaction a statement is parsed and planned afresh on each
    request; outside one, psycopg prepares it after five runs on a connection and
    PostgreSQL reuses a generic plan (the decision statement: 0.30 ms against
    1.06 ms, bench/profiles/postgresql-decision-statement-autocommit.txt). On
    SQLite no BEGIN is sent: the statement runs in SQLite's own implicit read
    transaction, one snapshot for the whole statement.
    """
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection.execution_options(isolation_level="AUTOCOMMIT")
    else:
        connection.execution_options(heed_single_statement=True)
    return connection


def answers(engine: Engine) -> bool:
    """Whether the database answers a read of heed's own schema now (readiness)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1 FROM accounts LIMIT 1")).all()
    except SQLAlchemyError:
        return False
    return True
