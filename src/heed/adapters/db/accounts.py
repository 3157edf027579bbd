"""The statements of accounts, their business numbers and their API keys."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from heed.adapters.db import tables as t
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
