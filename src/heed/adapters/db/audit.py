"""The audit trail's rows (R-23): written with the change they describe, never updated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from heed.adapters.db import tables as t
from heed.adapters.db.rows import insert_rows
from heed.adapters.db.uow import Transaction


@dataclass(frozen=True)
class AuditRow:
    """One changed field: who, when, old → new, as the audit_log table keeps it."""

    account_id: str
    id: str
    actor: str
    entity: str
    entity_id: str
    field: str
    old: str | None
    new: str | None
    at: datetime


def add_audit_row(tx: Transaction, row: AuditRow) -> None:
    """One row, through the transaction's session so it is written in order with the change."""
    tx.session.add(t.AuditEntry(**vars(row)))


def add_audit_rows(tx: Transaction, rows: Sequence[AuditRow]) -> None:
    """Many rows in one statement (an import writes thousands)."""
    # vars(), not asdict(): asdict copies deeply, which an import's thousands of rows feel.
    insert_rows(tx, t.AuditEntry, [dict(vars(row)) for row in rows])
