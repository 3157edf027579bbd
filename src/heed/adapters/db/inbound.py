"""Inbound texts' statements: who owns a business number, what a message id was
answered, and the record of every text (R-11, R-16, R-17)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Table, bindparam, insert, select
from sqlalchemy.orm import Session

from heed.adapters.db import tables as t

_INBOUND = cast(Table, t.InboundMessage.__table__)
_NUMBERS = cast(Table, t.BusinessNumber.__table__)
_ACCOUNTS = cast(Table, t.Account.__table__)

# Built once: a batch of texts runs each of them, and building and keying a statement
# costs as much as running it. Lists go in as expanding parameters.
_OWNERS = (
    select(_NUMBERS.c.number, _ACCOUNTS.c.id, _ACCOUNTS.c.twilio_auth_token)
    .join(_ACCOUNTS, _ACCOUNTS.c.id == _NUMBERS.c.account_id)
    .where(_NUMBERS.c.number.in_(bindparam("numbers", expanding=True)))
)
_NUMBERS_USED = select(_NUMBERS.c.number).where(
    _NUMBERS.c.account_id == bindparam("account_id"),
    _NUMBERS.c.number.in_(bindparam("numbers", expanding=True)),
)
_ANSWERS = select(_INBOUND.c.provider_message_id, _INBOUND.c.action, _INBOUND.c.reply).where(
    _INBOUND.c.account_id == bindparam("account_id"),
    _INBOUND.c.provider_message_id.in_(bindparam("message_ids", expanding=True)),
)
_ADD = insert(_INBOUND)


@dataclass(frozen=True)
class NumberOwner:
    """The account a business number rings at, and its own Twilio token if it has one."""

    account_id: str
    twilio_auth_token: str | None


def owners_of(connection: Connection, numbers: Iterable[str]) -> dict[str, NumberOwner]:
    """The owner of each of ``numbers`` (E.164) that a business uses, in one statement."""
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    rows = connection.execute(_OWNERS, {"numbers": wanted})
    return {number: NumberOwner(account_id, token) for number, account_id, token in rows}


def numbers_used(session: Session, account_id: str, numbers: Iterable[str]) -> set[str]:
    """Which of ``numbers`` are the account's business numbers."""
    wanted = sorted(set(numbers))
    if not wanted:
        return set()
    rows = session.connection().execute(
        _NUMBERS_USED, {"account_id": account_id, "numbers": wanted}
    )
    return {number for (number,) in rows}


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
    wanted = sorted(set(message_ids))
    if not wanted:
        return {}
    rows = session.connection().execute(_ANSWERS, {"account_id": account_id, "message_ids": wanted})
    return {sid: (action, reply) for sid, action, reply in rows}


def add(session: Session, records: Sequence[InboundRecord]) -> None:
    if records:
        session.connection().execute(
            _ADD,
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
