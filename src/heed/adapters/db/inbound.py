"""Inbound texts' statements: who owns a business number, what a message id was
answered, and the record of every text (R-11, R-16, R-17)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Table,
    bindparam,
    insert,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from heed.adapters.db import tables as t
from heed.adapters.db.many import DriverRead, ManyRows, read_together

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
# What a batch needs to know before it acts, in one round trip: the answers its message
# ids already got (kind 0) and which of its business numbers the account uses (kind 1).
_ANSWERS_AND_NUMBERS = union_all(
    select(
        literal_column("0").label("kind"),
        _INBOUND.c.provider_message_id.label("key"),
        _INBOUND.c.action,
        _INBOUND.c.reply,
    ).where(
        _INBOUND.c.account_id == bindparam("account_id"),
        _INBOUND.c.provider_message_id.in_(bindparam("message_ids", expanding=True)),
    ),
    select(literal_column("1"), _NUMBERS.c.number, null(), null()).where(
        _NUMBERS.c.account_id == bindparam("account_id"),
        _NUMBERS.c.number.in_(bindparam("numbers", expanding=True)),
    ),
)
# The same on PostgreSQL, its lists as arrays (the statement does not change with them).
_ANSWERS_AND_NUMBERS_POSTGRESQL = (
    "SELECT 0 AS kind, provider_message_id AS key, action, reply FROM inbound_messages "
    "WHERE account_id = %s AND provider_message_id = ANY(%b::varchar[]) "
    "UNION ALL SELECT 1, number, NULL, NULL FROM business_numbers "
    "WHERE account_id = %s AND number = ANY(%b::varchar[])"
)
_ADD = ManyRows(
    insert(_INBOUND),
    (
        "account_id",
        "provider_message_id",
        "from_number",
        "to_number",
        "body",
        "action",
        "reply",
        "at",
    ),
    postgresql_arrays=(
        "INSERT INTO inbound_messages (account_id, provider_message_id, from_number, "
        "to_number, body, action, reply, at) SELECT * FROM unnest(%b::varchar[], "
        "%b::varchar[], %b::varchar[], %b::varchar[], %b::text[], %b::varchar[], "
        "%b::text[], %b::timestamp[])"
    ),
)


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


def answers_and_numbers(
    session: Session, account_id: str, message_ids: Iterable[str], numbers: Iterable[str]
) -> tuple[dict[str, tuple[str, str | None]], set[str]]:
    """The action and reply each already stored message id got, by id, and which of
    ``numbers`` are the account's business numbers (one statement)."""
    read = answers_and_numbers_read(account_id, message_ids, numbers)
    [rows] = read_together(session.connection(), [read])
    return answers_and_numbers_of(rows)


def answers_and_numbers_read(
    account_id: str, message_ids: Iterable[str], numbers: Iterable[str]
) -> DriverRead:
    """:func:`answers_and_numbers`' statement, to be read with others; its rows go to
    :func:`answers_and_numbers_of`."""
    wanted_ids, wanted_numbers = sorted(set(message_ids)), sorted(set(numbers))
    return DriverRead(
        _ANSWERS_AND_NUMBERS_POSTGRESQL,
        (account_id, wanted_ids, account_id, wanted_numbers),
        lambda connection: connection.execute(
            _ANSWERS_AND_NUMBERS,
            {"account_id": account_id, "message_ids": wanted_ids, "numbers": wanted_numbers},
        ).all(),
    )


def answers_and_numbers_of(
    rows: Iterable[Any],
) -> tuple[dict[str, tuple[str, str | None]], set[str]]:
    """The answers by message id and the business numbers, from the read's rows."""
    answered: dict[str, tuple[str, str | None]] = {}
    used: set[str] = set()
    for kind, key, action, reply in rows:
        if kind == 0:
            answered[key] = (action, reply)
        else:
            used.add(key)
    return answered, used


def add(session: Session, records: Sequence[InboundRecord]) -> None:
    if records:
        _ADD.run(
            session.connection(),
            [
                (
                    r.account_id,
                    r.provider_message_id,
                    r.from_number,
                    r.to_number,
                    r.body,
                    r.action,
                    r.reply,
                    r.at,
                )
                for r in records
            ],
        )
