"""The audit trail's rows (R-23): written with the change they describe, never updated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select, true
from sqlalchemy.sql import ColumnElement

from heed.adapters.db import tables as t
from heed.adapters.db.rows import insert_rows
from heed.adapters.db.uow import Transaction


@dataclass(frozen=True)
class AuditRow:
    """One changed field: who, when, old → new, as the audit_log table keeps it."""

    account_id: str
    id: str
    actor: str
    entity: str
    entity_id: str
    field: str
    old: str | None
    new: str | None
    at: datetime
    customer_id: str | None = None
    location_id: str | None = None


def add_audit_row(tx: Transaction, row: AuditRow) -> None:
    """One row, through the transaction's session so it is written in order with the change."""
    tx.session.add(t.AuditEntry(**vars(row)))


def add_audit_rows(tx: Transaction, rows: Sequence[AuditRow]) -> None:
    """Many rows in one statement (an import writes thousands)."""
    # vars(), not asdict(): asdict copies deeply, which an import's thousands of rows feel.
    insert_rows(tx, t.AuditEntry, [dict(vars(row)) for row in rows])


@dataclass(frozen=True)
class Record:
    """Whose history to read: a customer's (its locations' and contacts' rows too), a
    location's (its contacts' rows too), one contact's, or (none named) the account's."""

    customer_id: str | None = None
    location_id: str | None = None
    contact_id: str | None = None


def history(
    tx: Transaction,
    account_id: str,
    record: Record,
    *,
    before: tuple[datetime, str] | None,
    limit: int,
) -> list[t.AuditEntry]:
    """The record's audit rows, newest first, from just after the ``(at, id)`` key ``before``.

    Rows that carry no record ids (written before the ids existed, or by a path that
    does not give them) are found through the contacts on the record now; a staff
    opt-out of an address (entity ``consent``) through the record's addresses.
    """
    entry = t.AuditEntry
    query = select(entry).where(entry.account_id == account_id, _of(account_id, record))
    if before is not None:
        at, row_id = before
        query = query.where(or_(entry.at < at, and_(entry.at == at, entry.id < row_id)))
    query = query.order_by(entry.at.desc(), entry.id.desc()).limit(limit)
    return list(tx.session.scalars(query))


def _of(account_id: str, record: Record) -> ColumnElement[bool]:
    entry, contact = t.AuditEntry, t.Contact
    if record.contact_id is not None:
        values = select(contact.value).where(
            contact.account_id == account_id, contact.id == record.contact_id
        )
        return or_(
            and_(entry.entity == "contact", entry.entity_id == record.contact_id),
            and_(entry.entity == "consent", entry.entity_id.in_(values.scalar_subquery())),
        )
    if record.location_id is None and record.customer_id is None:
        return true()
    if record.location_id is not None:
        own, column = contact.location_id == record.location_id, entry.location_id
        key = record.location_id
    else:
        own, column = contact.customer_id == record.customer_id, entry.customer_id
        key = record.customer_id or ""
    ids = select(contact.id).where(contact.account_id == account_id, own)
    values = select(contact.value).where(contact.account_id == account_id, own)
    return or_(
        column == key,
        and_(column.is_(None), entry.entity == "contact", entry.entity_id.in_(ids)),
        and_(entry.entity == "consent", entry.entity_id.in_(values)),
    )


def has_rows_of(tx: Transaction, account_id: str, entity: str, entity_id: str) -> bool:
    """Whether the account's trail names this entity: a removed contact keeps its history."""
    entry = t.AuditEntry
    found = tx.session.scalars(
        select(entry.id)
        .where(entry.account_id == account_id, entry.entity == entity, entry.entity_id == entity_id)
        .limit(1)
    ).first()
    return found is not None


def target_names(
    tx: Transaction, account_id: str, ids: dict[str, set[str]]
) -> dict[tuple[str, str], str]:
    """What staff call each audited record: a customer's or location's name, a contact's
    value; ``ids`` maps an entity to its ids. One statement per kind of record named."""
    columns = {
        "customer": (t.Customer.id, t.Customer.name, t.Customer.account_id),
        "location": (t.Location.id, t.Location.name, t.Location.account_id),
        "contact": (t.Contact.id, t.Contact.value, t.Contact.account_id),
    }
    names: dict[tuple[str, str], str] = {}
    for entity, (key, name, account) in columns.items():
        wanted = ids.get(entity)
        if wanted:
            query = select(key, name).where(account == account_id, key.in_(wanted))
            names.update({(entity, row_id): label for row_id, label in tx.session.execute(query)})
    return names
