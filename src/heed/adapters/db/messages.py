"""The statements of messages as staff see them; delivery's are in outbox.py."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from heed.adapters.db import tables as t


def add(session: Session, message: t.Message) -> None:
    session.add(message)


def get(session: Session, account_id: str, message_id: str) -> t.Message | None:
    return session.get(t.Message, (account_id, message_id))


def latest_to_contacts(
    session: Session, account_id: str, contact_ids: Sequence[str], limit: int
) -> list[t.Message]:
    """The account's newest messages to any of ``contact_ids``, newest first."""
    return list(
        session.scalars(
            select(t.Message)
            .where(t.Message.account_id == account_id, t.Message.contact_id.in_(contact_ids))
            .order_by(t.Message.created_at.desc())
            .limit(limit)
        )
    )
