"""Reads without a shared snapshot (``UnitOfWork.statements``): autocommit on
PostgreSQL, a read transaction on SQLite, and nothing of it left on the pool's
connections. That a batch answers as single decisions do: test_decisions.py."""

from __future__ import annotations

from typing import Any

import psycopg
from integration_support import MakeRecord

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.services.common import Principal


def test_statement_reads_run_in_autocommit_on_postgresql_and_in_a_read_transaction_on_sqlite(
    heed: Heed,
) -> None:
    with heed.uow.statements() as tx:
        tx.session.connection().exec_driver_sql("SELECT 1").all()
        driver: Any = tx.connection.connection.driver_connection
        if heed.engine.dialect.name == "postgresql":
            # No transaction was opened on the server: the SELECT ran on its own.
            assert driver.autocommit is True
            assert driver.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        else:
            assert driver.in_transaction


def test_a_write_after_statement_reads_is_still_one_transaction_that_rolls_back(
    heed: Heed, staff: Principal, make_customer: MakeRecord
) -> None:
    # Every pooled connection has served statement reads first: none may hand a
    # later write its autocommit.
    for _ in range(12):
        with heed.uow.statements() as tx:
            tx.session.connection().exec_driver_sql("SELECT 1").all()
    customer = make_customer()
    with heed.uow.write() as tx:
        driver: Any = tx.connection.connection.driver_connection
        assert getattr(driver, "autocommit", False) is False
        row = tx.session.get(t.Customer, (staff.account_id, customer["id"]))
        assert row is not None
        row.name = "Not kept"
        tx.session.flush()
        # not committed: closing rolls it back
    with heed.uow.read() as tx:
        kept = tx.session.get(t.Customer, (staff.account_id, customer["id"]))
        assert kept is not None and kept.name == customer["name"]
