"""The statements of messages as staff see them; delivery's are in outbox.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select

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


@dataclass(frozen=True)
class MessageQuery:
    """Which messages the log lists: each filter optional; ``after`` is the last of the
    page before (created_at, id), newest first."""

    status: str | None = None
    to: str | None = None
    since: datetime | None = None
    after: tuple[datetime, str] | None = None


def message_page(
    tx: Transaction, account_id: str, query: MessageQuery, limit: int
) -> list[t.Message]:
    """Up to ``limit`` of the account's messages, newest first, that ``query`` selects."""
    statement = select(t.Message).where(t.Message.account_id == account_id)
    if query.status is not None:
        statement = statement.where(t.Message.status == query.status)
    if query.to is not None:
        statement = statement.where(t.Message.to == query.to)
    if query.since is not None:
        statement = statement.where(t.Message.created_at >= query.since)
    if query.after is not None:
        at, message_id = query.after
        statement = statement.where(
            or_(
                t.Message.created_at < at,
                and_(t.Message.created_at == at, t.Message.id < message_id),
            )
        )
    statement = statement.order_by(t.Message.created_at.desc(), t.Message.id.desc())
    return list(tx.session.scalars(statement.limit(limit)))
