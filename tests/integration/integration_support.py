"""Plain helpers for the integration tests (fixtures live in conftest.py)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, select

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.services import consent
from heed.services.common import Principal, new_id
from heed.services.consent import InboundResult
from unique_values import unique_number

# The concurrency tests need real row locks and parallel writers.
postgres_only = pytest.mark.skipif(
    not os.environ.get("HEED_TEST_DATABASE_URL", "").startswith(("postgres", "postgresql")),
    reason="needs PostgreSQL (HEED_TEST_DATABASE_URL)",
)

# A Tuesday, 18:00 UTC = 13:00 in Austin (512): inside every default sending window.
NOON_CENTRAL = datetime(2026, 5, 5, 18, 0, tzinfo=UTC)

# What the fixtures of conftest.py hand a test.
Record = dict[str, Any]
"""A customer, location, contact or decision as the services answer it."""
MakeRecord = Callable[..., Record]
"""``make_customer``, ``make_location``, ``add_contact`` and ``decide``."""
ReceiveText = Callable[..., InboundResult]
"""``inbound``: a customer texts the business."""
SetClock = Callable[[datetime], None]
"""``frozen_clock``: heed's clock reads this moment."""

_message_ids = itertools.count(1)


def message_id() -> str:
    """A provider message id nobody has used yet in this session."""
    return f"SM{os.getpid()}x{next(_message_ids):08d}"


def random_number(area: str = "512") -> str:
    """A valid North American number in ``area`` that no test has drawn in this database."""
    return unique_number(area)


def marketing_sent(
    heed: Heed, account_id: str, actor: str, contact: Record, *moments: datetime
) -> None:
    """Record marketing texts sent to ``contact`` at these moments."""
    with heed.uow.write() as tx:
        for moment in moments:
            tx.session.add(
                t.Message(
                    account_id=account_id,
                    id=new_id("msg"),
                    channel="sms",
                    to=contact["value"],
                    from_=None,
                    contact_id=contact["id"],
                    body="20% off a water heater flush",
                    category="marketing",
                    manual=False,
                    status="sent",
                    actor=actor,
                    created_at=moment,
                    sent_at=moment,
                )
            )
        tx.commit()


def ledger(heed: Heed, account_id: str) -> list[t.ConsentEvent]:
    with heed.uow.read() as tx:
        return list(
            tx.session.scalars(
                select(t.ConsentEvent)
                .where(t.ConsentEvent.account_id == account_id)
                .order_by(t.ConsentEvent.seq)
            ).all()
        )


def audit_rows(heed: Heed, account_id: str, entity_id: str) -> list[t.AuditEntry]:
    with heed.uow.read() as tx:
        return list(
            tx.session.scalars(
                select(t.AuditEntry)
                .where(t.AuditEntry.account_id == account_id, t.AuditEntry.entity_id == entity_id)
                .order_by(t.AuditEntry.at, t.AuditEntry.id)
            ).all()
        )


@contextmanager
def counting_statements(heed: Heed) -> Iterator[list[str]]:
    """Every statement sent to the database inside the block (an executemany counts once)."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(heed.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(heed.engine, "before_cursor_execute", count)


@contextmanager
def counting_sqlite_statements(heed: Heed) -> Iterator[list[str]]:
    """Every statement SQLite itself runs inside the block, on connections taken from
    the pool in it, including those sent on the sqlite3 connection directly."""
    statements: list[str] = []

    def on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        dbapi_connection.set_trace_callback(statements.append)

    def on_checkin(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.set_trace_callback(None)

    event.listen(heed.engine, "checkout", on_checkout)
    event.listen(heed.engine, "checkin", on_checkin)
    try:
        yield statements
    finally:
        event.remove(heed.engine, "checkout", on_checkout)
        event.remove(heed.engine, "checkin", on_checkin)


def written_consent(heed: Heed, staff: Principal, address: str) -> dict[str, Any]:
    """Record a signed written marketing consent for ``address`` (R-24)."""
    return consent.record_marketing_consent(
        heed.uow,
        staff,
        consent.RecordMarketing(
            address,
            "written",
            disclosure="I agree to get marketing texts from Acme Plumbing.",
            reference="form-1",
        ),
    )
