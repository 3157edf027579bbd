"""The one database read that runs on the event loop: a stored contact's decision on SQLite.

Every other read and write runs in the thread pool (app.py). ``POST /v1/decisions``
on SQLite is the exception, by measurement (bench/RESULTS.md, "The event loop"): its
one statement costs less than the hop to a worker thread, and the hop would put the
route below the one-SELECT reference. The read still cannot make the loop wait:

- it runs on a connection of the loop thread's own, never a pooled one, so it never
  waits for a connection that a blocked writer holds;
- the database is in WAL mode (checked when the connection opens), where a reader
  never waits on a writer: it reads the last committed snapshot;
- the connection is ``query_only`` with a busy timeout of 0, so should SQLite ever
  need to wait (recovering after a crashed writer, another process holding the
  database in exclusive mode) the statement fails at once with "database is
  locked", and the request is decided in the thread pool instead.

On PostgreSQL every statement is a network round trip, so nothing runs here.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from sqlalchemy import Engine

from heed.adapters.db.decision_facts import one_contact_sqlite
from heed.services import decisions
from heed.services.common import Principal


class LoopReads:
    def __init__(self, engine: Engine) -> None:
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        self._path: str | None = database or None
        # One connection per thread that runs an event loop (tests run several apps).
        self._local = threading.local()

    @property
    def enabled(self) -> bool:
        return self._path is not None

    def decide(
        self, principal: Principal, request: decisions.DecisionRequest
    ) -> dict[str, Any] | None:
        """``decisions.decide_stored_contact`` on this thread's own connection, or None
        when the thread pool must decide: the general path, or SQLite would have waited."""
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
            (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
        except sqlite3.OperationalError:
            return None
        if str(mode).lower() != "wal":  # a reader could wait on a writer: not on the loop
            connection.close()
            self._path = None
            return None
        self._local.connection = connection
        return connection
