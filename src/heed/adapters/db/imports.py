"""CSV imports and exports in the database: the job rows, their problems, and the reads
an import and an export make of customers (every statement of heed.services.csv_import)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, text, update

from heed.adapters.db import tables as t
from heed.adapters.db.rows import insert_rows
from heed.adapters.db.uow import Transaction


def add_job(tx: Transaction, row: dict[str, Any]) -> None:
    insert_rows(tx, t.ImportJob, [row])


def job(tx: Transaction, account_id: str, job_id: str) -> t.ImportJob | None:
    return tx.session.get(t.ImportJob, (account_id, job_id))


def recent_jobs(tx: Transaction, account_id: str, limit: int) -> list[t.ImportJob]:
    return list(
        tx.session.scalars(
            select(t.ImportJob)
            .where(t.ImportJob.account_id == account_id)
            .order_by(t.ImportJob.created_at.desc(), t.ImportJob.id.desc())
            .limit(limit)
        )
    )


def set_job(tx: Transaction, account_id: str, job_id: str, values: dict[str, Any]) -> None:
    tx.session.execute(
        update(t.ImportJob)
        .where(t.ImportJob.account_id == account_id, t.ImportJob.id == job_id)
        .values(values)
    )


def advance_job(
    tx: Transaction, account_id: str, job_id: str, counts: dict[str, int], at: datetime
) -> None:
    """Add ``counts`` (rows, created, updated, flagged, errors) to the job's, and beat."""
    columns = t.ImportJob.__table__.c
    tx.session.execute(
        update(t.ImportJob)
        .where(t.ImportJob.account_id == account_id, t.ImportJob.id == job_id)
        .values({name: columns[name] + n for name, n in counts.items()} | {"heartbeat_at": at})
    )


def fail_abandoned(tx: Transaction, stale_before: datetime, at: datetime, message: str) -> int:
    """Mark failed every job still running whose process stopped beating before
    ``stale_before``; one conditional UPDATE, so two processes never both claim one."""
    result = tx.session.execute(
        update(t.ImportJob)
        .where(t.ImportJob.status == "running", t.ImportJob.heartbeat_at < stale_before)
        .values(status="failed", message=message, finished_at=at)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def add_problems(tx: Transaction, rows: Sequence[dict[str, Any]]) -> None:
    insert_rows(tx, t.ImportProblem, rows)


def problems(
    tx: Transaction, account_id: str, job_id: str, kind: str, *, after: int = 0, limit: int
) -> list[t.ImportProblem]:
    """The job's problems of ``kind`` in file order, from after ``after`` (a seq)."""
    return list(
        tx.session.scalars(
            select(t.ImportProblem)
            .where(
                t.ImportProblem.account_id == account_id,
                t.ImportProblem.import_id == job_id,
                t.ImportProblem.kind == kind,
                t.ImportProblem.seq > after,
            )
            .order_by(t.ImportProblem.seq)
            .limit(limit)
        )
    )


def customers_by_key(
    tx: Transaction, account_id: str, keys: Sequence[str]
) -> dict[str, t.Customer]:
    """The customers whose external id, or else heed id, is one of ``keys``, by key."""
    if not keys:
        return {}
    found: dict[str, t.Customer] = {}
    for customer in tx.session.scalars(
        select(t.Customer).where(
            t.Customer.account_id == account_id,
            or_(t.Customer.external_id.in_(keys), t.Customer.id.in_(keys)),
        )
    ):
        if customer.external_id is not None and customer.external_id in keys:
            found[customer.external_id] = customer
        found.setdefault(customer.id, customer)
    return found


def locations_by_customer(
    tx: Transaction, account_id: str, customer_ids: Sequence[str]
) -> dict[str, list[t.Location]]:
    found: dict[str, list[t.Location]] = {c: [] for c in customer_ids}
    if customer_ids:
        for location in tx.session.scalars(
            select(t.Location)
            .where(t.Location.account_id == account_id, t.Location.customer_id.in_(customer_ids))
            .order_by(t.Location.created_at, t.Location.id)
        ):
            found[location.customer_id].append(location)
    return found


def contacts_by_customer(
    tx: Transaction, account_id: str, customer_ids: Sequence[str]
) -> dict[str, list[t.Contact]]:
    """Every contact of these customers (theirs and their locations'), oldest first."""
    found: dict[str, list[t.Contact]] = {c: [] for c in customer_ids}
    if customer_ids:
        for contact in tx.session.scalars(
            select(t.Contact)
            .where(t.Contact.account_id == account_id, t.Contact.customer_id.in_(customer_ids))
            .order_by(t.Contact.created_at, t.Contact.id)
        ):
            found[contact.customer_id].append(contact)
    return found


def customers_after(
    tx: Transaction, account_id: str, after: str | None, limit: int
) -> list[t.Customer]:
    """A page of the account's customers in id order, for the export."""
    statement = select(t.Customer).where(t.Customer.account_id == account_id)
    if after is not None:
        statement = statement.where(t.Customer.id > after)
    return list(tx.session.scalars(statement.order_by(t.Customer.id).limit(limit)))


def analyze(tx: Transaction) -> None:
    """Fresh planner statistics after a large import (PostgreSQL; SQLite plans without)."""
    if tx.engine.dialect.name == "postgresql":
        tables = "customers, locations, contacts, consent_state, consent_events"
        tx.session.execute(text(f"ANALYZE {tables}"))
