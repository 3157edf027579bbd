"""Many rows of one table in one statement: how imports and batches write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction


def insert_rows(tx: Transaction, table: type[t.Base], rows: Sequence[dict[str, Any]]) -> None:
    """Add many rows of one table with one executemany.

    Core, not the ORM's bulk insert: the ORM splits the rows into one statement per
    run of rows with the same columns left empty, which made a mixed batch about six
    times slower on PostgreSQL. Every row must give every column.
    """
    target = table.__table__
    assert isinstance(target, Table)
    if rows:
        tx.session.execute(insert(target), rows)
