"""The outbox's statements: one due query across all accounts, and the atomic claim (R-30).

A claim is a conditional UPDATE … RETURNING: it succeeds only while the message is
still due, and moves its due time past the lease in the same statement. Two
processes that read the same due list both try; on PostgreSQL the second waits
for the first's row lock, re-reads the row and no longer matches; on SQLite
BEGIN IMMEDIATE lets one writer in at a time. Either way one of them gets it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction

# The states a message can still leave: sending only through its lease running out.
LIVE = ("queued", "deferred", "sending")


def due_messages(
    tx: Transaction, moment: datetime, limit: int, account_id: str | None = None
) -> list[tuple[str, str]]:
    """(account id, message id) of the messages due at ``moment``, oldest due first.

    One range read of ix_messages_next_attempt, whatever the number of accounts:
    settled messages have no next_attempt_at, so an idle outbox reads nothing.
    """
    query = select(t.Message.account_id, t.Message.id).where(
        t.Message.next_attempt_at <= moment, t.Message.status.in_(LIVE)
    )
    if account_id is not None:
        query = query.where(t.Message.account_id == account_id)
    rows = tx.session.execute(query.order_by(t.Message.next_attempt_at).limit(limit))
    return [(owner, message_id) for owner, message_id in rows]


def address_of(tx: Transaction, account_id: str, message_id: str) -> str | None:
    """The address a message goes to, read without a lock (it never changes)."""
    found: str | None = tx.session.scalars(
        select(t.Message.to).where(t.Message.account_id == account_id, t.Message.id == message_id)
    ).first()
    return found


def claim(
    tx: Transaction, account_id: str, message_id: str, moment: datetime, hold_until: datetime
) -> t.Message | None:
    """Take the message if it is still due at ``moment``; None when someone else has it.

    Only the due time changes here, so the row comes back as it was (its status,
    attempts and the previous claim) for the caller to decide on; the caller
    holds the row until its transaction ends.
    """
    statement = (
        update(t.Message)
        .where(
            t.Message.account_id == account_id,
            t.Message.id == message_id,
            t.Message.status.in_(LIVE),
            t.Message.next_attempt_at <= moment,
        )
        .values(next_attempt_at=hold_until)
        .returning(t.Message)
        .execution_options(populate_existing=True)
    )
    claimed: t.Message | None = tx.session.scalars(statement).one_or_none()
    return claimed


def held(
    tx: Transaction, account_id: str, message_id: str, claimer: str, attempt: int
) -> t.Message | None:
    """The message, locked, if it is still in the hands of this claim; None otherwise."""
    query = (
        select(t.Message)
        .where(
            t.Message.account_id == account_id,
            t.Message.id == message_id,
            t.Message.status == "sending",
            t.Message.claimed_by == claimer,
            t.Message.attempts == attempt,
        )
        .execution_options(populate_existing=True)
    )
    if tx.engine.dialect.name != "sqlite":
        query = query.with_for_update()
    found: t.Message | None = tx.session.scalars(query).one_or_none()
    return found
