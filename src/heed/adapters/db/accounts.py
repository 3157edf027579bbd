"""The statements of accounts, their business numbers and their API keys."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Dialect, bindparam, delete, inspect, select
from sqlalchemy.orm import make_transient_to_detached

from heed.adapters.db import tables as t
from heed.adapters.db.many import DriverRead
from heed.adapters.db.uow import Transaction
from heed.domain.consent import STRIPES


def add(tx: Transaction, account: t.Account, numbers: Sequence[str]) -> None:
    """A new account with the numbers it sends from, and its ledger's stripes, each
    starting from the account's (empty) head, in the same transaction."""
    tx.session.add(account)
    tx.session.flush()
    tx.session.add_all(
        t.LedgerStripe(account_id=account.id, stripe=c, seq=0, head=account.ledger_head)
        for c in range(STRIPES)
    )
    tx.session.add_all(t.BusinessNumber(account_id=account.id, number=n) for n in numbers)


def business_numbers(tx: Transaction, account_id: str) -> list[str]:
    """The account's numbers, in order; the first is its default sender."""
    return list(
        tx.session.scalars(
            select(t.BusinessNumber.number)
            .where(t.BusinessNumber.account_id == account_id)
            .order_by(t.BusinessNumber.number)
        )
    )


def first_business_number(tx: Transaction, account_id: str) -> str | None:
    first: str | None = tx.session.scalars(
        select(t.BusinessNumber.number)
        .where(t.BusinessNumber.account_id == account_id)
        .order_by(t.BusinessNumber.number)
        .limit(1)
    ).first()
    return first


def numbers_held_elsewhere(
    tx: Transaction, numbers: Sequence[str], account_id: str | None
) -> list[str]:
    """Which of ``numbers`` another account than ``account_id`` already sends from."""
    if not numbers:
        return []
    taken = tx.session.scalars(
        select(t.BusinessNumber).where(t.BusinessNumber.number.in_(numbers))
    ).all()
    return [b.number for b in taken if b.account_id != account_id]


def replace_business_numbers(tx: Transaction, account_id: str, numbers: Sequence[str]) -> None:
    tx.session.execute(delete(t.BusinessNumber).where(t.BusinessNumber.account_id == account_id))
    tx.session.flush()
    tx.session.add_all(t.BusinessNumber(account_id=account_id, number=n) for n in numbers)
    tx.session.flush()


def add_api_key(tx: Transaction, key: t.ApiKey) -> None:
    tx.session.add(key)


def api_key_by_hash(tx: Transaction, key_hash: str) -> t.ApiKey | None:
    found: t.ApiKey | None = tx.session.scalars(
        select(t.ApiKey).where(t.ApiKey.key_hash == key_hash)
    ).one_or_none()
    return found


def get(tx: Transaction, account_id: str) -> t.Account | None:
    return tx.session.get(t.Account, account_id)


def settings_read(account_ids: Iterable[str]) -> DriverRead:
    """The accounts' rows, read without a lock, to be sent with other reads
    (``read_together``, ``Transaction.lock_stripes``); they go to :func:`settings_of`."""
    wanted = sorted(set(account_ids))
    return DriverRead(
        _SETTINGS_POSTGRESQL,
        (wanted,),
        lambda connection: connection.execute(_SETTINGS, {"account_ids": wanted}).all(),
    )


def settings_of(dialect: Dialect, rows: Iterable[Sequence[Any]]) -> dict[str, t.Account]:
    """The accounts of :func:`settings_read`'s rows, by id, as a query of the session
    would have loaded them and then left them (detached): each column's value through
    its type's result processing (the sealed Twilio token opened, times made aware).

    On PostgreSQL the rows are the driver's values, which this processes; elsewhere
    SQLAlchemy read them and processed them already.
    """
    processors = _processors(dialect) if dialect.name == "postgresql" else []
    found: dict[str, t.Account] = {}
    for row in rows:
        values = list(row)
        for index, process in processors:
            values[index] = process(values[index])
        account = t.Account(**dict(zip(_KEYS, values, strict=True)))
        make_transient_to_detached(account)
        found[account.id] = account
    return found


# The account's columns by attribute, in the order both reads select them.
_COLUMNS = [(attribute.key, attribute.columns[0]) for attribute in inspect(t.Account).column_attrs]
_KEYS = tuple(key for key, _ in _COLUMNS)
_SETTINGS = select(*(column for _, column in _COLUMNS)).where(
    t.Account.id.in_(bindparam("account_ids", expanding=True))
)
_SETTINGS_POSTGRESQL = (
    f"SELECT {', '.join(column.name for _, column in _COLUMNS)} FROM accounts "
    "WHERE id = ANY(%b::varchar[])"
)


def _processors(dialect: Dialect) -> list[tuple[int, Callable[[Any], Any]]]:
    """Each column's result processing on ``dialect``, by position, where it has one:
    the processor SQLAlchemy itself gives a query's rows, kept by the dialect (a
    processor belongs to one engine's dialect: the sealed token's opens with that
    engine's keyring)."""
    return [
        (index, process)
        for index, (_, column) in enumerate(_COLUMNS)
        if (process := column.type._cached_result_processor(dialect, None))
    ]
