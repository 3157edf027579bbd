"""The unit of work: one transaction per service call, committed explicitly."""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from heed.adapters.db import tables as t


class UnitOfWork:
    """``with uow.write() as tx: ...; tx.commit()``; anything not committed rolls back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def read(self) -> Transaction:
        return Transaction(self.engine, write=False)

    def write(self) -> Transaction:
        return Transaction(self.engine, write=True)


class Transaction:
    session: Session
    connection: Connection

    def __init__(self, engine: Engine, *, write: bool) -> None:
        self.engine = engine
        self.is_write = write

    def __enter__(self) -> Self:
        self.connection = self.engine.connect().execution_options(heed_write=self.is_write)
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
        """Serialize consent and preference writes of one account.

        PostgreSQL takes the account row's lock; SQLite already holds the
        database's write lock from BEGIN IMMEDIATE.
        """
        return self.lock_accounts([account_id]).get(account_id)

    def lock_accounts(self, account_ids: Iterable[str]) -> dict[str, t.Account]:
        """``lock_account`` for several accounts at once, the found ones by id.

        PostgreSQL locks the rows in id order, so two transactions that lock
        overlapping sets this way cannot deadlock on each other.
        """
        query = (
            select(t.Account)
            .where(t.Account.id.in_(sorted(set(account_ids))))
            .order_by(t.Account.id)
        )
        if self.engine.dialect.name != "sqlite":
            query = query.with_for_update()
        return {account.id: account for account in self.session.scalars(query)}
