"""The unit of work: one transaction per service call, committed explicitly."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from sqlalchemy import ColumnElement, Connection, Engine, Table, bindparam, select, tuple_
from sqlalchemy.orm import Session

from heed.adapters.db import tables as t
from heed.adapters.db.many import DriverRead, read_together

_STRIPES = t.LedgerStripe.__table__
assert isinstance(_STRIPES, Table)


@dataclass
class StripeHead:
    """A ledger stripe this transaction locked: its head, moved forward in memory as
    entries are chained after it, and stored with them (``Ledger.write``)."""

    account_id: str
    stripe: int
    seq: int
    head: str


class UnitOfWork:
    """``with uow.write() as tx: ...; tx.commit()``; anything not committed rolls back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def read(self) -> Transaction:
        return Transaction(self.engine, write=False)

    def statements(self) -> Transaction:
        """Reads that need no snapshot shared between their statements: on PostgreSQL
        they run in autocommit, as READ COMMITTED gives each statement its own snapshot
        in a transaction too, without BEGIN and ROLLBACK and with the driver's prepared
        statements kept (a ROLLBACK drops them); on SQLite a read transaction as ever."""
        return Transaction(self.engine, write=False, autocommit=True)

    def write(self) -> Transaction:
        return Transaction(self.engine, write=True)


class Transaction:
    session: Session
    connection: Connection

    def __init__(self, engine: Engine, *, write: bool, autocommit: bool = False) -> None:
        self.engine = engine
        self.is_write = write
        self._autocommit = autocommit and engine.dialect.name == "postgresql"
        # Ledger stripes locked for appending, by (account id, stripe).
        self._locked: dict[tuple[str, int], StripeHead] = {}

    def __enter__(self) -> Self:
        self.connection = self.engine.connect().execution_options(heed_write=self.is_write)
        if self._autocommit:
            self.connection.execution_options(isolation_level="AUTOCOMMIT")
        self.session = Session(bind=self.connection, expire_on_commit=False, autoflush=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closing rolls back whatever was not committed; the objects read stay
        # usable (detached, not expired) so services can shape answers after exit.
        try:
            self.session.close()
        finally:
            self.connection.close()

    def commit(self) -> None:
        self.session.commit()

    def lock_account(self, account_id: str) -> t.Account | None:
        """Serialize every consent and preference write of one account: its row, then
        each of its ledger stripes, in stripe order (so an inbound STOP, which locks
        only its stripes, waits for it or it for the STOP, and neither deadlocks).

        PostgreSQL takes the rows' locks; SQLite already holds the database's write
        lock from BEGIN IMMEDIATE.
        """
        return self.lock_accounts([account_id]).get(account_id)

    def lock_accounts(self, account_ids: Iterable[str]) -> dict[str, t.Account]:
        """``lock_account`` for several accounts at once, the found ones by id.

        PostgreSQL locks the account rows in id order, then their stripes in
        (account, stripe) order: the one order every writer locks in, so two
        transactions that lock overlapping rows this way cannot deadlock.
        """
        wanted = sorted(set(account_ids))
        query = select(t.Account).where(t.Account.id.in_(wanted)).order_by(t.Account.id)
        if self._row_locks:
            query = query.with_for_update()
        found = {account.id: account for account in self.session.scalars(query)}
        self._lock_stripe_rows(t.LedgerStripe.account_id.in_(sorted(found)))
        return found

    def lock_stripes(
        self,
        stripes: Iterable[tuple[str, int]],
        *,
        before: Sequence[DriverRead] = (),
        then: Sequence[DriverRead] = (),
    ) -> list[list[Any]]:
        """Lock these (account id, stripe) ledger stripes for appending, in order, and
        nothing else: writers of other stripes of the same accounts go on meanwhile.
        The caller holds no account lock (that comes first), and reads its accounts
        with :meth:`accounts` or as one of ``before``.

        ``before``: reads run before the lock is asked for, ``then``: reads run once the
        locks are held; on PostgreSQL all are sent with the lock in one round trip
        (:func:`read_together`). Their rows, ``before``'s then ``then``'s, in order.
        What a writer reads of the stripes' addresses after their locks is what it may
        chain on; what it reads before, nothing it chains on may depend on.
        """
        wanted = sorted(set(stripes))
        if not wanted:
            return read_together(self.session.connection(), [*before, *then])
        lock = DriverRead(
            _LOCK_STRIPES_POSTGRESQL,
            ([a for a, _ in wanted], [s for _, s in wanted]),
            # SQLite: the database's write lock, taken at BEGIN, already holds them.
            lambda connection: connection.execute(_READ_STRIPES, {"stripes": wanted}).all(),
        )
        rows = read_together(self.session.connection(), [*before, lock, *then])
        self._hold(rows.pop(len(before)))
        return rows

    def share_stripes(self, stripes: Iterable[tuple[str, int]]) -> None:
        """Hold these stripes still without appending to them (PostgreSQL's FOR SHARE):
        no entry joins them until this transaction ends, while other readers that
        share them go on."""
        wanted = sorted(set(stripes))
        if wanted and self._row_locks:
            self.session.execute(
                select(t.LedgerStripe.account_id)
                .where(tuple_(t.LedgerStripe.account_id, t.LedgerStripe.stripe).in_(wanted))
                .order_by(t.LedgerStripe.account_id, t.LedgerStripe.stripe)
                .with_for_update(read=True)
            ).all()

    def accounts(self, account_ids: Iterable[str]) -> dict[str, t.Account]:
        """The accounts, by id, read without a lock (their settings, not their ledger)."""
        wanted = sorted(set(account_ids))
        if not wanted:
            return {}
        return {
            account.id: account
            for account in self.session.scalars(_ACCOUNTS, {"account_ids": wanted})
        }

    def locked_stripe(self, account_id: str, stripe: int) -> StripeHead:
        """A stripe this transaction locked for appending: its head, to chain after.

        Appending to a stripe not locked would fork its chain under concurrent
        writers, so it is refused rather than read.
        """
        found = self._locked.get((account_id, stripe))
        if found is None:
            raise RuntimeError(
                f"stripe {stripe} of account {account_id} is not locked: lock the account "
                "(lock_account) or the stripe (lock_stripes) before appending"
            )
        return found

    @property
    def _row_locks(self) -> bool:
        return self.engine.dialect.name != "sqlite"

    def _lock_stripe_rows(self, where: ColumnElement[bool]) -> None:
        query = _READ_STRIPES_ALL.where(where)
        if self._row_locks:
            query = query.with_for_update()
        self._hold(self.session.connection().execute(query))

    def _hold(self, rows: Iterable[Any]) -> None:
        for account_id, stripe, seq, head in rows:
            # A stripe locked twice keeps the head this transaction already moved.
            if (account_id, stripe) not in self._locked:
                self._locked[account_id, stripe] = StripeHead(account_id, stripe, seq, head)


# Built once: every batch of inbound texts runs them (building and keying a statement
# costs about what running it does).
_READ_STRIPES_ALL = select(
    _STRIPES.c.account_id, _STRIPES.c.stripe, _STRIPES.c.seq, _STRIPES.c.head
).order_by(_STRIPES.c.account_id, _STRIPES.c.stripe)
_READ_STRIPES = _READ_STRIPES_ALL.where(
    tuple_(_STRIPES.c.account_id, _STRIPES.c.stripe).in_(bindparam("stripes", expanding=True))
)
# The stripes locked, on PostgreSQL in the driver's SQL, the keys as two arrays: the
# rows are locked in the order they are sorted, as every writer locks them.
_LOCK_STRIPES_POSTGRESQL = (
    "SELECT account_id, stripe, seq, head FROM ledger_stripes "
    "WHERE (account_id, stripe) IN (SELECT * FROM unnest(%b::varchar[], %b::integer[])) "
    "ORDER BY account_id, stripe FOR UPDATE"
)
_ACCOUNTS = select(t.Account).where(t.Account.id.in_(bindparam("account_ids", expanding=True)))
