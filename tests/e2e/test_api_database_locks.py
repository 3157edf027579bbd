"""A database held by a writer stalls only the requests that must write, never the server.

A real `heed serve` answers /healthz, /readyz and cheap reads at once while another
connection holds the database's write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: the
tables locked against writers) and a write request waits on it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import sqlalchemy
from api_support import bearer, free_port, heed_serve, wait_until_up

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.services import accounts


@pytest.fixture
def server(db_url: str, heed: Heed) -> Iterator[str]:
    environment = {**os.environ, "HEED_DATABASE_URL": db_url}
    port = free_port()
    with heed_serve(environment, port, output=subprocess.DEVNULL) as process:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, process)
        yield url


@contextmanager
def writers_locked_out(db_url: str) -> Iterator[None]:
    """Hold the database the way a long write transaction does: readers go on, writers wait."""
    if db_url.startswith("sqlite"):
        raw = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
        try:
            raw.execute("BEGIN IMMEDIATE")
            yield
            raw.execute("ROLLBACK")
        finally:
            raw.close()
        return
    engine = sqlalchemy.create_engine(db_url)
    try:
        with engine.connect() as connection:
            # EXCLUSIVE mode: every write (and SELECT … FOR UPDATE) waits, plain reads do not.
            # In the order heed's writers lock (the account, its ledger stripes, then the
            # rest), or a STOP of a test running beside this one deadlocks with it.
            first = ["accounts", "ledger_stripes"]
            rest = [table.name for table in t.Base.metadata.sorted_tables]
            names = ", ".join(first + [name for name in rest if name not in first])
            connection.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
            yield
            connection.rollback()
    finally:
        engine.dispose()


def timed(call: Any) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_health_and_reads_answer_at_once_while_a_write_waits_on_a_database_lock(
    server: str, db_url: str, account: accounts.NewAccount
) -> None:
    auth = bearer(account.api_key)
    with httpx.Client(base_url=server, headers=auth, timeout=60) as http:
        made = http.post(
            "/v1/customers",
            json={"name": "Maria Alvarez", "contacts": [{"kind": "mobile", "value": "5128675309"}]},
        )
        assert made.status_code == 201, made.text
        customer = made.json()
        contact_id = customer["contacts"][0]["id"]
        decision = {"channel": "sms", "contact_id": contact_id, "category": "job"}
        with ThreadPoolExecutor(1) as pool, writers_locked_out(db_url):
            rename = pool.submit(
                http.patch, f"/v1/customers/{customer['id']}", json={"name": "Maria A. Alvarez"}
            )
            time.sleep(0.5)  # the rename reaches the database and waits on the lock
            assert not rename.done()
            health = [timed(lambda: http.get("/healthz", timeout=5)) for _ in range(3)]
            ready, ready_took = timed(lambda: http.get("/readyz", timeout=5))
            read, read_took = timed(lambda: http.get(f"/v1/customers/{customer['id']}", timeout=5))
            decided, decided_took = timed(lambda: http.post("/v1/decisions", json=decision))
            assert not rename.done(), "the lock was not held while the reads ran"
        renamed = rename.result(timeout=60)
    assert all(response.status_code == 200 for response, _ in health)
    # Generous bounds for a loaded machine: before, each of these waited for the lock.
    assert min(took for _, took in health) < 0.2, health
    assert max(took for _, took in health) < 1.0, health
    assert (ready.status_code, ready.json()) == (200, {"status": "ok"})
    assert ready_took < 1.0
    assert (read.status_code, read.json()["name"]) == (200, "Maria Alvarez")
    assert read_took < 1.0
    assert decided.status_code == 200, decided.text
    assert decided_took < 1.0
    # Once the lock is gone, the waiting write goes through.
    assert (renamed.status_code, renamed.json()["name"]) == (200, "Maria A. Alvarez")
