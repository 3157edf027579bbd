"""Verifying the consent ledger (R-17): the chain, the account's head, and the
current-state table against the ledger's fold; the periodic self-check and its results.

The database refuses to change or remove ledger entries, but a database user
can switch that guard off, and nothing can stop one from editing consent_state
(heed writes it on every change). So verification reads, in one snapshot, the
account's recorded head (``ledger_seq``, ``ledger_head``), every entry in seq
order and every current-state row, and reports each place they disagree:
a broken link names its entry, a head that is not the last entry names the
entry missing or rewritten, a current-state row that is not the fold of its
address's entries names the address and scope.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Row, Select, Table, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.consent import (
    LedgerEntry,
    fold,
    state_mismatches,
    verify_chain,
    verify_head,
)
from heed.domain.errors import NotFound
from heed.services.views import NO_CONSENT_RECORDED, fold_consent

logger = logging.getLogger("heed.ledger")

_EVENTS = cast(Table, t.ConsentEvent.__table__)
_CHECKS = cast(Table, t.LedgerCheck.__table__)
# Every field of an entry, read by name: a field added to LedgerEntry (and its
# column) is read, and hashed, without touching this module.
_ENTRY_COLUMNS = [_EVENTS.c[field.name] for field in dataclasses.fields(LedgerEntry)]
_RUN = "ledger"
# Entries are read in pages, never all held: a ledger may have millions.
_PAGE = 1000
# A failed check may name thousands of rows; what is stored and shown is its start.
_SUMMARY_PROBLEMS = 3


@dataclass(frozen=True)
class Problem:
    """One place the ledger does not hold: ``kind`` is ``chain``, ``head`` or ``state``;
    ``seq`` names the entry, ``address`` and ``scope`` the current-state row."""

    kind: str
    reason: str
    seq: int | None = None
    address: str | None = None
    scope: str | None = None


@dataclass(frozen=True)
class LedgerReport:
    account_id: str
    entries: int
    problems: tuple[Problem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """The first problems in a sentence or two, for a log line or a banner."""
        shown = "; ".join(p.reason for p in self.problems[:_SUMMARY_PROBLEMS])
        more = len(self.problems) - _SUMMARY_PROBLEMS
        return shown + (f" (and {more} more)" if more > 0 else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "intact": self.intact,
            "entries": self.entries,
            "problems": [dataclasses.asdict(p) for p in self.problems],
        }


@contextmanager
def _snapshot(uow: UnitOfWork) -> Iterator[Transaction]:
    """A read transaction that sees one moment of the database throughout.

    PostgreSQL's default (READ COMMITTED) gives each statement its own snapshot:
    a STOP recorded between reading the ledger and reading consent_state would
    look like a tampered row. SQLite's read transaction is one snapshot already.
    """
    with uow.read() as tx:
        if tx.engine.dialect.name == "postgresql":
            tx.connection.execution_options(isolation_level="REPEATABLE READ")
        yield tx


def verify_account(uow: UnitOfWork, account_id: str) -> LedgerReport:
    """Check one account's ledger: the chain, the head and the current state."""
    with _snapshot(uow) as tx:
        head = tx.session.execute(
            select(t.Account.ledger_seq, t.Account.ledger_head).where(t.Account.id == account_id)
        ).first()
        if head is None:
            raise NotFound(f"No such account: {account_id}.", field="account")
        problems: list[Problem] = []
        counted = _Counted(_entries(tx, account_id))
        broken = verify_chain(counted)
        if broken is not None:
            problems.append(Problem("chain", broken.reason, seq=broken.seq))
        counted.drain()
        moved = verify_head(counted.last, head_seq=head.ledger_seq, head_hash=head.ledger_head)
        if moved is not None:
            problems.append(Problem("head", moved.reason, seq=moved.seq))
        problems.extend(_state_problems(tx, account_id))
    return LedgerReport(account_id, counted.count, tuple(problems))


def _entries(tx: Transaction, account_id: str) -> Iterator[LedgerEntry]:
    query = select(*_ENTRY_COLUMNS).where(_EVENTS.c.account_id == account_id)
    for row in _pages(tx, query, _EVENTS.c.account_id, _EVENTS.c.seq):
        yield LedgerEntry(**row._mapping)


def _pages(tx: Transaction, query: Select[Any], *key: ColumnElement[Any]) -> Iterator[Row[Any]]:
    """The rows of ``query`` in ``key`` order, read a page at a time.

    Keyset pages rather than a server-side cursor: a ledger may have millions of
    entries, and most have a handful, which then cost one plain query (a cursor
    costs PostgreSQL several round trips per account, every day, for every account).
    ``key`` must lead with the account id and be unique within the query.
    """
    after: tuple[Any, ...] | None = None
    while True:
        page = query if after is None else query.where(tuple_(*key) > tuple_(*after))
        rows = tx.session.execute(page.order_by(*key).limit(_PAGE)).all()
        yield from rows
        if len(rows) < _PAGE:
            return
        after = tuple(rows[-1]._mapping[column] for column in key)


class _Counted:
    """Entries passed through, counted, the last one kept."""

    def __init__(self, entries: Iterator[LedgerEntry]) -> None:
        self._entries = entries
        self.count = 0
        self.last: LedgerEntry | None = None

    def __iter__(self) -> Iterator[LedgerEntry]:
        for entry in self._entries:
            self.count += 1
            self.last = entry
            yield entry

    def drain(self) -> None:
        """Read what a verification that stopped early left unread."""
        for _ in self:
            pass


def _state_problems(tx: Transaction, account_id: str) -> Iterator[Problem]:
    """Each current-state row that is not what the fold of its address's entries gives."""
    stored = fold_consent(
        tx.session.execute(
            select(
                t.ConsentState.address,
                t.ConsentState.scope,
                t.ConsentState.opted_out,
                t.ConsentState.suppression,
            ).where(t.ConsentState.account_id == account_id)
        )
    )
    changes = _pages(
        tx,
        select(
            *(_EVENTS.c[name] for name in ("account_id", "address", "seq", "action", "scope"))
        ).where(_EVENTS.c.account_id == account_id),
        _EVENTS.c.account_id,
        _EVENTS.c.address,
        _EVENTS.c.seq,
    )
    for address, entries in itertools.groupby(changes, key=lambda row: str(row.address)):
        folded = fold(_Change(row.action, row.scope) for row in entries)
        for mismatch in state_mismatches(address, folded, stored.pop(address, NO_CONSENT_RECORDED)):
            yield Problem("state", mismatch.reason, address=address, scope=mismatch.scope)
    # Rows of addresses the ledger never mentions.
    for address in sorted(stored):
        for mismatch in state_mismatches(address, NO_CONSENT_RECORDED, stored[address]):
            yield Problem("state", mismatch.reason, address=address, scope=mismatch.scope)


@dataclass(frozen=True)
class _Change:
    action: str
    scope: str


def verify_accounts(
    uow: UnitOfWork,
    account_ids: Sequence[str] | None = None,
    *,
    stopping: Callable[[], bool] = lambda: False,
) -> list[LedgerReport]:
    """:func:`verify_account` for each of ``account_ids``, or for every account.

    ``stopping`` is asked between accounts, so a shutting-down server does not
    wait for the rest of a long check.
    """
    if account_ids is None:
        with uow.read() as tx:
            account_ids = list(tx.session.scalars(select(t.Account.id).order_by(t.Account.id)))
    reports: list[LedgerReport] = []
    for account_id in account_ids:
        if stopping():
            break
        reports.append(verify_account(uow, account_id))
    return reports


def record(uow: UnitOfWork, reports: Iterable[LedgerReport], *, now: datetime) -> None:
    """Keep each account's latest result, replacing the one before."""
    rows = [
        {
            "account_id": r.account_id,
            "checked_at": now,
            "ok": r.intact,
            "problem": None if r.intact else r.summary(),
        }
        for r in reports
    ]
    if not rows:
        return
    with uow.write() as tx:
        dialect = postgresql if tx.engine.dialect.name == "postgresql" else sqlite
        upsert = dialect.insert(_CHECKS)
        tx.session.execute(
            upsert.on_conflict_do_update(
                index_elements=[_CHECKS.c.account_id],
                set_={c: upsert.excluded[c] for c in ("checked_at", "ok", "problem")},
            ),
            rows,
        )
        tx.commit()


def check_ledgers(
    uow: UnitOfWork,
    account_ids: Sequence[str] | None = None,
    *,
    now: datetime,
    stopping: Callable[[], bool] = lambda: False,
) -> list[LedgerReport]:
    """Verify the accounts' ledgers (every account's when none are named), keep the
    results and log each failure loudly."""
    reports = verify_accounts(uow, account_ids, stopping=stopping)
    record(uow, reports, now=now)
    for report in reports:
        if not report.intact:
            logger.error(
                "CONSENT LEDGER CHECK FAILED for account %s (%d problems): %s",
                report.account_id,
                len(report.problems),
                report.summary(),
            )
    return reports


def claim_run(uow: UnitOfWork, *, now: datetime, every: timedelta) -> bool:
    """Take the periodic check unless one started less than ``every`` before ``now``.

    One conditional UPDATE: of several processes asking at once, one gets the row
    (PostgreSQL re-reads it after the winner commits and finds it taken; SQLite
    serializes the writers), so the check runs once however many processes serve.
    """
    with uow.write() as tx:
        claimed = tx.session.execute(
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
        tx.commit()
    return cast(CursorResult[Any], claimed).rowcount == 1


def run_if_due(
    uow: UnitOfWork,
    *,
    now: datetime,
    every: timedelta,
    stopping: Callable[[], bool] = lambda: False,
) -> list[LedgerReport] | None:
    """The periodic self-check: every account's ledger, when no check started within
    ``every`` before ``now`` (then ``None``)."""
    if not claim_run(uow, now=now, every=every):
        return None
    return check_ledgers(uow, now=now, stopping=stopping)


def last_failure(uow: UnitOfWork, account_id: str) -> t.LedgerCheck | None:
    """The account's latest check when it failed; ``None`` once a later one passed."""
    with uow.read() as tx:
        return tx.session.scalars(
            select(t.LedgerCheck).where(
                t.LedgerCheck.account_id == account_id, t.LedgerCheck.ok.is_(False)
            )
        ).first()
