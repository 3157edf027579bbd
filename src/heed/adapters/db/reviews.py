"""The review list's statements (R-29): texts waiting for a person, and who has one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from heed.adapters.db import tables as t
from heed.adapters.db.many import driver_send

_REVIEWS = cast(Table, t.ConsentReview.__table__)


@dataclass(frozen=True)
class Review:
    """An inbound text heed could not read with confidence."""

    id: str
    account_id: str
    provider_message_id: str
    from_number: str
    to_number: str
    body: str
    received_at: datetime
    language: str
    why: str


_FIELDS = ("id", "account_id", "provider_message_id", "from_number", "to_number", "body")
_COLUMNS = [_REVIEWS.c[name] for name in (*_FIELDS, "received_at", "language", "why")]


def add(session: Session, reviews: Sequence[Review]) -> None:
    if reviews:
        session.execute(
            insert(_REVIEWS),
            [{column.name: getattr(r, column.name) for column in _COLUMNS} for r in reviews],
        )


def pending(
    session: Session, account_id: str, limit: int, after: tuple[datetime, str] | None = None
) -> list[Review]:
    """Undecided texts, oldest first: at most ``limit`` of them after ``after``
    (received_at, id), the last one listed on the page before."""
    query = select(*_COLUMNS).where(
        _REVIEWS.c.account_id == account_id, _REVIEWS.c.decision.is_(None)
    )
    if after is not None:
        at, review_id = after
        query = query.where(
            or_(
                _REVIEWS.c.received_at > at,
                and_(_REVIEWS.c.received_at == at, _REVIEWS.c.id > review_id),
            )
        )
    rows = session.execute(query.order_by(_REVIEWS.c.received_at, _REVIEWS.c.id).limit(limit))
    return [Review(**row._mapping) for row in rows]


@dataclass(frozen=True)
class Decided:
    """A text that was reviewed: how, by whom and when."""

    review: Review
    decision: str
    decided_by: str
    decided_at: datetime


def decided(
    session: Session, account_id: str, limit: int, before: tuple[datetime, str] | None = None
) -> list[Decided]:
    """Decided texts, the latest decision first: at most ``limit`` of them before
    ``before`` (decided_at, id), the last one listed on the page before."""
    settled = (_REVIEWS.c.decision, _REVIEWS.c.decided_by, _REVIEWS.c.decided_at)
    query = select(*_COLUMNS, *settled).where(
        _REVIEWS.c.account_id == account_id, _REVIEWS.c.decision.is_not(None)
    )
    if before is not None:
        at, review_id = before
        query = query.where(
            or_(
                _REVIEWS.c.decided_at < at,
                and_(_REVIEWS.c.decided_at == at, _REVIEWS.c.id < review_id),
            )
        )
    order = (_REVIEWS.c.decided_at.desc(), _REVIEWS.c.id.desc())
    found = []
    for row in session.execute(query.order_by(*order).limit(limit)):
        values = dict(row._mapping)
        decision, by, at = (values.pop(column.name) for column in settled)
        found.append(Decided(Review(**values), decision, by, at))
    return found


def pending_count(session: Session, account_id: str) -> int:
    count = session.scalar(
        select(func.count())
        .select_from(_REVIEWS)
        .where(_REVIEWS.c.account_id == account_id, _REVIEWS.c.decision.is_(None))
    )
    return int(count or 0)


def numbers_under_review(session: Session, account_id: str, numbers: Iterable[str]) -> set[str]:
    wanted = set(numbers)
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(_REVIEWS.c.from_number).where(
                _REVIEWS.c.account_id == account_id,
                _REVIEWS.c.decision.is_(None),
                _REVIEWS.c.from_number.in_(wanted),
            )
        )
    )


def one(session: Session, account_id: str, review_id: str) -> t.ConsentReview | None:
    """One of the account's reviews, to decide (the caller holds the account's lock)."""
    return session.scalar(
        select(t.ConsentReview).where(
            t.ConsentReview.account_id == account_id, t.ConsentReview.id == review_id
        )
    )


def settle_for(
    session: Session, account_id: str, numbers: Iterable[str], decided_by: str, at: datetime
) -> None:
    """Mark the undecided texts of ``numbers`` decided as an opt-out, by ``decided_by``."""
    wanted = sorted(set(numbers))
    if not wanted:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        stored_at = t.UTCDateTime().process_bind_param(at, connection.dialect)
        driver_send(connection, _SETTLE_POSTGRESQL, (decided_by, stored_at, account_id, wanted))
        return
    connection.execute(
        _SETTLE, {"s_account": account_id, "s_numbers": wanted, "s_by": decided_by, "s_at": at}
    )


# Built once: every batch of inbound texts with a STOP runs it.
_SETTLE = (
    update(_REVIEWS)
    .where(
        _REVIEWS.c.account_id == bindparam("s_account"),
        _REVIEWS.c.decision.is_(None),
        _REVIEWS.c.from_number.in_(bindparam("s_numbers", expanding=True)),
    )
    .values(decision="opt_out", decided_by=bindparam("s_by"), decided_at=bindparam("s_at"))
)
# The same on PostgreSQL, the numbers as one array.
_SETTLE_POSTGRESQL = (
    "UPDATE consent_reviews SET decision = 'opt_out', decided_by = %s, decided_at = %s "
    "WHERE account_id = %s AND decision IS NULL AND from_number = ANY(%b::varchar[])"
)
