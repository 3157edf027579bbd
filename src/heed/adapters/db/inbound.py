"""Inbound texts' statements: who owns a business number, what a message id was
answered, and the record of every text (R-11, R-16, R-17)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from heed.adapters.db import tables as t

_INBOUND = cast(Table, t.InboundMessage.__table__)


@dataclass(frozen=True)
class NumberOwner:
    """The account a business number rings at, and its own Twilio token if it has one."""

    account_id: str
    twilio_auth_token: str | None


def owners_of(session: Session, numbers: Iterable[str]) -> dict[str, NumberOwner]:
    """The owner of each of ``numbers`` (E.164) that a business uses, in one statement."""
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    rows = session.execute(
        select(t.BusinessNumber.number, t.Account.id, t.Account.twilio_auth_token)
        .join(t.Account, t.Account.id == t.BusinessNumber.account_id)
        .where(t.BusinessNumber.number.in_(wanted))
    )
    return {number: NumberOwner(account_id, token) for number, account_id, token in rows}


def numbers_used(session: Session, account_id: str, numbers: Iterable[str]) -> set[str]:
    """Which of ``numbers`` are the account's business numbers."""
    return set(
        session.scalars(
            select(t.BusinessNumber.number).where(
                t.BusinessNumber.account_id == account_id,
                t.BusinessNumber.number.in_(set(numbers)),
            )
        )
    )


@dataclass(frozen=True)
class InboundRecord:
    """One inbound text as stored, with what heed did and answered."""

    account_id: str
    provider_message_id: str
    from_number: str
    to_number: str
    body: str
    action: str
    reply: str | None
    at: datetime


def answers(
    session: Session, account_id: str, message_ids: Iterable[str]
) -> dict[str, tuple[str, str | None]]:
    """The action and reply each already stored message id got, by id."""
    rows = session.execute(
        select(_INBOUND.c.provider_message_id, _INBOUND.c.action, _INBOUND.c.reply).where(
            _INBOUND.c.account_id == account_id,
            _INBOUND.c.provider_message_id.in_(set(message_ids)),
        )
    )
    return {sid: (action, reply) for sid, action, reply in rows}


def add(session: Session, records: Sequence[InboundRecord]) -> None:
    if records:
        session.execute(
            insert(_INBOUND),
            [
                {
                    "account_id": r.account_id,
                    "provider_message_id": r.provider_message_id,
                    "from_number": r.from_number,
                    "to_number": r.to_number,
                    "body": r.body,
                    "action": r.action,
                    "reply": r.reply,
                    "at": r.at,
                }
                for r in records
            ],
        )
