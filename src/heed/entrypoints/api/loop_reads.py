"""The one database read that runs on the event loop: a stored contact's decision.

Every other read and write runs in the thread pool (app.py). ``POST /v1/decisions``
is the exception, by measurement (bench/RESULTS.md, "The event loop"): the hop to a
worker thread costs more than its one statement, and would put the route below the
one-SELECT reference.

On SQLite the read is a plain call on the loop, and still cannot make the loop wait:

- it runs on a connection of the loop thread's own, never a pooled one, so it never
  waits for a connection that a blocked writer holds;
- the database is in WAL mode (checked when the connection opens), where a reader
  never waits on a writer: it reads the last committed snapshot;
- the connection is ``query_only`` with a busy timeout of 0, so should SQLite ever
  need to wait (recovering after a crashed writer, another process holding the
  database in exclusive mode) the statement fails at once with "database is
  locked", and the request is decided in the thread pool instead.

On PostgreSQL every statement is a network round trip, so the read is awaited on
an async psycopg connection of the loop's own (``PostgresReads``): while one request
waits for PostgreSQL, the loop serves the others, and no worker thread is woken. The
connections are few (``PostgresReads.SIZE``), in autocommit (one SELECT is one
snapshot), and their statement is prepared once per connection. Should PostgreSQL
refuse or drop one, the request is decided in the thread pool instead.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from typing import Any

import psycopg
from sqlalchemy import Engine

from heed.adapters.db.decision_facts import (
    OneContact,
    one_contact_postgresql,
    one_contact_sqlite,
)
from heed.adapters.db.engine import SQLITE_MMAP_BYTES
from heed.services import decisions
from heed.services.common import Principal


class LoopReads:
    def __init__(self, engine: Engine) -> None:
        sqlite_file = engine.url.database if engine.dialect.name == "sqlite" else None
        self._sqlite = SqliteReads(sqlite_file) if sqlite_file else None
        self._postgres = PostgresReads(engine) if engine.dialect.name == "postgresql" else None

    async def decide(
        self, principal: Principal, request: decisions.DecisionRequest
    ) -> dict[str, Any] | None:
        """``decisions.decide_stored_contact`` with its read on the loop, or None when
        the thread pool must decide: the general path, or the read would have waited."""
        if self._sqlite is not None:
            return self._sqlite.decide(principal, request)
        contact_id = decisions.stored_contact_id(request)
        if self._postgres is None or contact_id is None:
            return None
        try:
            found = await self._postgres.one_contact(principal.account_id, contact_id)
        except psycopg.Error:
            return None
        return decisions.decide_stored_contact(lambda _a, _c: found, principal, request)

    async def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
        if self._postgres is not None:
            await self._postgres.close()


class PostgresReads:
    """A few async psycopg connections of the event loop's own, for the one statement."""

    #: At most this many decisions wait on PostgreSQL at once from one process; more
    #: queue on the loop (a semaphore), as requests would for the thread pool's threads.
    SIZE = 8

    def __init__(self, engine: Engine) -> None:
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._slots: asyncio.Semaphore | None = None

    async def one_contact(self, account_id: str, contact_id: str) -> OneContact | None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.SIZE)
        async with self._slots:
            connection = self._idle.pop() if self._idle else await self._connect()
            try:
                found = await one_contact_postgresql(connection, account_id, contact_id)
            except BaseException:
                # A connection in an unknown state is not reused (cancelled mid-read,
                # dropped by the server): the next request opens another.
                await connection.close()
                raise
            self._idle.append(connection)
            return found

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        return await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, prepare_threshold=0
        )

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()


class SqliteReads:
    def __init__(self, path: str) -> None:
        self._path: str | None = path
        # One connection per thread that runs an event loop (tests run several apps).
        self._local = threading.local()

    def decide(
        self, principal: Principal, request: decisions.DecisionRequest
    ) -> dict[str, Any] | None:
        connection = self._connection()
        if connection is None:
            return None
        try:
            return decisions.decide_stored_contact(
                lambda account_id, contact_id: one_contact_sqlite(
                    connection, account_id, contact_id
                ),
                principal,
                request,
            )
        except sqlite3.OperationalError:
            return None

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def _connection(self) -> sqlite3.Connection | None:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is not None or self._path is None:
            return connection
        try:
            connection = sqlite3.connect(self._path, timeout=0, isolation_level=None)
            connection.execute("PRAGMA query_only=1")
            connection.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
        except sqlite3.OperationalError:
            return None
        if str(mode).lower() != "wal":  # a reader could wait on a writer: not on the loop
            connection.close()
            self._path = None
            return None
        self._local.connection = connection
        return connection
