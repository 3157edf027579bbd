"""The ledger self-check's statements: one snapshot to verify in, the chains' heads,
the latest result per account and the claim on the periodic run (R-17)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Table, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.consent import ChainHead

_CHECKS = cast(Table, t.LedgerCheck.__table__)
_RUN = "ledger"


@contextmanager
def snapshot(uow: UnitOfWork) -> Iterator[Transaction]:
    """A read transaction that sees one moment of the database throughout.

    PostgreSQL's default (READ COMMITTED) gives each statement its own snapshot:
    a STOP recorded between reading the ledger and reading consent_state would
    look like a tampered row. SQLite's read transaction is one snapshot already.
    """
    with uow.read() as tx:
        if tx.engine.dialect.name == "postgresql":
            tx.connection.execution_options(isolation_level="REPEATABLE READ")
        yield tx


def head(session: Session, account_id: str) -> ChainHead | None:
    """The head of the account's legacy segment: its entry count and last hash."""
    found = session.execute(
        select(t.Account.ledger_seq, t.Account.ledger_head).where(t.Account.id == account_id)
    ).first()
    return None if found is None else ChainHead(found.ledger_seq, found.ledger_head)


def stripe_heads(session: Session, account_id: str) -> dict[int, ChainHead]:
    """The head of each of the account's stripes, by stripe."""
    rows = session.execute(
        select(t.LedgerStripe.stripe, t.LedgerStripe.seq, t.LedgerStripe.head).where(
            t.LedgerStripe.account_id == account_id
        )
    )
    return {row.stripe: ChainHead(row.seq, row.head) for row in rows}


def account_ids(session: Session) -> list[str]:
    return list(session.scalars(select(t.Account.id).order_by(t.Account.id)))


@dataclass(frozen=True)
class CheckResult:
    account_id: str
    checked_at: datetime
    ok: bool
    problem: str | None


def save_results(session: Session, results: Sequence[CheckResult]) -> None:
    """Keep each account's latest result, replacing the one before (one upsert)."""
    if not results:
        return
    bind = session.get_bind()
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(_CHECKS)
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=[_CHECKS.c.account_id],
            set_={c: upsert.excluded[c] for c in ("checked_at", "ok", "problem")},
        ),
        [
            {
                "account_id": r.account_id,
                "checked_at": r.checked_at,
                "ok": r.ok,
                "problem": r.problem,
            }
            for r in results
        ],
    )


def claim_run(session: Session, *, now: datetime, every: timedelta) -> bool:
    """Take the periodic run unless one started less than ``every`` before ``now``.

    One conditional UPDATE: of several processes asking at once, one gets the row
    (PostgreSQL re-reads it after the winner commits and finds it taken; SQLite
    serializes the writers).
    """
    claimed = session.execute(
        update(t.LedgerCheckRun)
        .where(
            t.LedgerCheckRun.name == _RUN,
            or_(
                t.LedgerCheckRun.started_at.is_(None),
                t.LedgerCheckRun.started_at <= now - every,
            ),
        )
        .values(started_at=now)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], claimed).rowcount == 1


def last_failure(session: Session, account_id: str) -> t.LedgerCheck | None:
    return session.scalars(
        select(t.LedgerCheck).where(
            t.LedgerCheck.account_id == account_id, t.LedgerCheck.ok.is_(False)
        )
    ).first()
