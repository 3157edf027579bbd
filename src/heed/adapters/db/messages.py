"""The statements of messages as staff see them; delivery's are in outbox.py."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction


def add(tx: Transaction, message: t.Message) -> None:
    tx.session.add(message)


def get(tx: Transaction, account_id: str, message_id: str) -> t.Message | None:
    return tx.session.get(t.Message, (account_id, message_id))


def latest_to_contacts(
    tx: Transaction, account_id: str, contact_ids: Sequence[str], limit: int
) -> list[t.Message]:
    """The account's newest messages to any of ``contact_ids``, newest first."""
    return list(
        tx.session.scalars(
            select(t.Message)
            .where(t.Message.account_id == account_id, t.Message.contact_id.in_(contact_ids))
            .order_by(t.Message.created_at.desc())
            .limit(limit)
        )
    )
