"""The decision read that stays on the event loop (SQLite) never waits on the database."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from heed.bootstrap import Heed
from heed.domain.decision import Channel
from heed.entrypoints.api.loop_reads import LoopReads
from heed.services import decisions
from heed.services.common import Principal
from heed.services.decisions import DecisionRequest

AT = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # 11 am in Austin: inside the sending window


@pytest.fixture
def sqlite_path(heed: Heed) -> str:
    if heed.engine.dialect.name != "sqlite":
        pytest.skip("the loop read exists only on SQLite; PostgreSQL decides in the thread pool")
    path = heed.engine.url.database
    assert path
    return path


@contextmanager
def other_connection(path: str, *pragmas: str) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in pragmas:
            connection.execute(pragma)
        yield connection
    finally:
        connection.close()


def test_the_loop_read_answers_at_once_while_a_writer_holds_the_database(
    heed: Heed,
    staff: Principal,
    sqlite_path: str,
    make_customer: Callable[..., dict[str, Any]],
) -> None:
    customer = make_customer(contacts=[{"kind": "mobile", "value": "512-867-5309"}])
    request = DecisionRequest.of(Channel.SMS, contact_id=customer["contacts"][0]["id"], at=AT)
    reads = LoopReads(heed.engine)
    try:
        with other_connection(sqlite_path) as writer:
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("DELETE FROM contacts WHERE id = ?", (request.contact_id,))
            started = time.monotonic()
            answer = reads.decide(staff, request)
            took = time.monotonic() - started
            writer.execute("ROLLBACK")
    finally:
        reads.close()
    # The committed snapshot, and the same answer decide_one gives.
    assert answer == decisions.decide_one(heed.uow, staff, request)
    assert answer is not None
    assert took < 1.0  # the pool's connections would wait up to 30 s for the writer


def test_the_loop_read_hands_over_instead_of_waiting_when_sqlite_would_wait(
    heed: Heed,
    staff: Principal,
    sqlite_path: str,
    make_customer: Callable[..., dict[str, Any]],
) -> None:
    customer = make_customer(contacts=[{"kind": "mobile", "value": "512-867-5310"}])
    request = DecisionRequest.of(Channel.SMS, contact_id=customer["contacts"][0]["id"])
    reads = LoopReads(heed.engine)
    try:
        # A process holding the database in exclusive mode keeps every other reader out.
        # It can take it only while no other connection has the database open.
        heed.engine.dispose()
        with other_connection(sqlite_path, "PRAGMA locking_mode=EXCLUSIVE") as holder:
            holder.execute("BEGIN IMMEDIATE")
            holder.execute("UPDATE accounts SET help_text = help_text")
            holder.execute("COMMIT")
            started = time.monotonic()
            answer = reads.decide(staff, request)
            took = time.monotonic() - started
    finally:
        reads.close()
    assert answer is None  # the route then decides in the thread pool
    assert took < 1.0
