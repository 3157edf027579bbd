"""The decision read that stays on the event loop never blocks it: on SQLite it never
waits on the database, on PostgreSQL it is awaited on an async connection of its own."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from heed.bootstrap import Heed
from heed.domain.decision import Channel
from heed.entrypoints.api.loop_reads import LoopReads
from heed.services import decisions
from heed.services.common import Principal
from heed.services.decisions import DecisionRequest

AT = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # 11 am in Austin: inside the sending window


def decide_on_a_loop(reads: LoopReads, principal: Principal, request: DecisionRequest) -> Any:
    """The loop read's answer, on an event loop of its own, its connections closed after."""

    async def decide() -> Any:
        try:
            return await reads.decide(principal, request)
        finally:
            await reads.close()

    return asyncio.run(decide())


@pytest.fixture
def postgresql(heed: Heed) -> None:
    if heed.engine.dialect.name != "postgresql":
        pytest.skip("the async loop read is PostgreSQL's")


@pytest.fixture
def sqlite_path(heed: Heed) -> str:
    if heed.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's loop read; PostgreSQL's is awaited (tests below)")
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
    with other_connection(sqlite_path) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM contacts WHERE id = ?", (request.contact_id,))
        started = time.monotonic()
        answer = decide_on_a_loop(reads, staff, request)
        took = time.monotonic() - started
        writer.execute("ROLLBACK")
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
    # A process holding the database in exclusive mode keeps every other reader out.
    # It can take it only while no other connection has the database open.
    heed.engine.dispose()
    with other_connection(sqlite_path, "PRAGMA locking_mode=EXCLUSIVE") as holder:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE accounts SET help_text = help_text")
        holder.execute("COMMIT")
        started = time.monotonic()
        answer = decide_on_a_loop(reads, staff, request)
        took = time.monotonic() - started
    assert answer is None  # the route then decides in the thread pool
    assert took < 1.0


def test_postgresql_s_loop_read_answers_what_decide_one_answers(
    heed: Heed,
    staff: Principal,
    postgresql: None,
    make_customer: Callable[..., dict[str, Any]],
) -> None:
    customer = make_customer(
        contacts=[
            {"kind": "mobile", "value": "512-867-5311"},
            {"kind": "email", "value": "pat.riley@gmail.com"},
        ]
    )
    asked = [
        DecisionRequest.of(Channel.SMS, contact_id=customer["contacts"][0]["id"], at=AT),
        DecisionRequest.of(Channel.EMAIL, contact_id=customer["contacts"][1]["id"], at=AT),
    ]
    reads = LoopReads(heed.engine)

    for request in asked:
        answer = decide_on_a_loop(reads, staff, request)
        assert answer is not None
        assert answer == decisions.decide_one(heed.uow, staff, request)


def test_postgresql_s_loop_read_leaves_an_unknown_contact_to_the_general_path(
    heed: Heed, staff: Principal, postgresql: None
) -> None:
    request = DecisionRequest.of(Channel.SMS, contact_id="con_nobody", at=AT)

    assert decide_on_a_loop(LoopReads(heed.engine), staff, request) is None


def test_postgresql_s_loop_read_sees_the_committed_snapshot_while_a_writer_holds_the_row(
    heed: Heed,
    staff: Principal,
    postgresql: None,
    make_customer: Callable[..., dict[str, Any]],
) -> None:
    customer = make_customer(contacts=[{"kind": "mobile", "value": "512-867-5312"}])
    request = DecisionRequest.of(Channel.SMS, contact_id=customer["contacts"][0]["id"], at=AT)
    with heed.engine.connect() as writer:
        writer.execute(text("DELETE FROM contacts WHERE id = :id"), {"id": request.contact_id})
        started = time.monotonic()
        answer = decide_on_a_loop(LoopReads(heed.engine), staff, request)
        took = time.monotonic() - started
        writer.rollback()

    assert answer == decisions.decide_one(heed.uow, staff, request)
    assert answer is not None
    assert took < 5.0


def test_postgresql_s_loop_read_hands_over_when_postgresql_cannot_be_reached(
    heed: Heed,
    staff: Principal,
    postgresql: None,
    make_customer: Callable[..., dict[str, Any]],
) -> None:
    customer = make_customer(contacts=[{"kind": "mobile", "value": "512-867-5313"}])
    request = DecisionRequest.of(Channel.SMS, contact_id=customer["contacts"][0]["id"], at=AT)
    unreachable = heed.engine.execution_options()
    unreachable.url = heed.engine.url.set(port=1)  # nothing listens on port 1

    assert decide_on_a_loop(LoopReads(unreachable), staff, request) is None
