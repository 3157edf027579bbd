"""The statements of preference-page links (R-31): one row per customer, the current one."""

from __future__ import annotations

from datetime import datetime

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction


def current(tx: Transaction, account_id: str, customer_id: str) -> t.PreferenceLink | None:
    """The customer's current link, if one was ever made."""
    return tx.session.get(t.PreferenceLink, (account_id, customer_id))


def save(
    tx: Transaction,
    account_id: str,
    customer_id: str,
    *,
    generation: int,
    nonce_hash: str,
    at: datetime,
    by: str,
) -> t.PreferenceLink:
    """Make ``generation`` the customer's current link, replacing any earlier one."""
    row = current(tx, account_id, customer_id)
    if row is None:
        row = t.PreferenceLink(account_id=account_id, customer_id=customer_id)
        tx.session.add(row)
    row.generation, row.nonce_hash, row.created_at, row.created_by = generation, nonce_hash, at, by
    tx.session.flush()
    return row
