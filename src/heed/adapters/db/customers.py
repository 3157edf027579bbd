"""Customers and their locations in the database: every statement the customer pages need.

Readers take an open transaction and return the mapped rows (or small typed
records), so a service can gather a whole page in one read transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict, TypeVar

from sqlalchemy import Table, and_, delete, insert, or_, select, update
from sqlalchemy.sql import ColumnElement

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction

NOTIFICATION_COLUMNS = ("notify_job", "notify_invoice_statement", "notify_marketing")


@dataclass(frozen=True)
class CustomerQuery:
    """Which customers a page lists: the filters, and the search text both as given and,
    in ``addresses``, read as a phone number or an email, already normalized (a contact
    stores them so)."""

    invoice_delivery: str | None = None
    do_not_mail: bool | None = None
    text: str | None = None
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Position:
    """Where a page in name order starts: after this customer."""

    name_key: str
    customer_id: str

    @classmethod
    def of(cls, customer: t.Customer) -> Position:
        return cls(customer.name_key, customer.id)


class CustomerRef(TypedDict):
    """A customer that lists a number, as caller ID answers it."""

    id: str
    name: str


class LocationRef(TypedDict):
    """A location that lists a number, as caller ID answers it."""

    id: str
    customer_id: str
    name: str


def customer(tx: Transaction, account_id: str, customer_id: str) -> t.Customer | None:
    return tx.session.get(t.Customer, (account_id, customer_id))


def location(tx: Transaction, account_id: str, location_id: str) -> t.Location | None:
    return tx.session.get(t.Location, (account_id, location_id))


def remove_location(tx: Transaction, location: t.Location) -> None:
    tx.session.execute(
        delete(t.Location).where(
            t.Location.account_id == location.account_id, t.Location.id == location.id
        )
    )


def add_customers(tx: Transaction, rows: Sequence[dict[str, Any]]) -> None:
    _insert(tx, t.Customer, rows)


def add_locations(tx: Transaction, rows: Sequence[dict[str, Any]]) -> None:
    _insert(tx, t.Location, rows)


def _insert(tx: Transaction, table: type[t.Base], rows: Sequence[dict[str, Any]]) -> None:
    # Core executemany: one statement for the batch, whatever columns are empty.
    target = table.__table__
    assert isinstance(target, Table)
    if rows:
        tx.session.execute(insert(target), rows)


def customer_contacts(tx: Transaction, account_id: str, customer_id: str) -> list[t.Contact]:
    """The customer's own contacts and its locations', oldest first."""
    return _oldest_first(tx, t.Contact, account_id, t.Contact.customer_id == customer_id)


def location_contacts(tx: Transaction, account_id: str, location_id: str) -> list[t.Contact]:
    return _oldest_first(tx, t.Contact, account_id, t.Contact.location_id == location_id)


def customer_locations(tx: Transaction, account_id: str, customer_id: str) -> list[t.Location]:
    return _oldest_first(tx, t.Location, account_id, t.Location.customer_id == customer_id)


Row = TypeVar("Row", t.Contact, t.Location)


def _oldest_first(
    tx: Transaction, table: type[Row], account_id: str, owned: ColumnElement[bool]
) -> list[Row]:
    statement = (
        select(table)
        .where(table.account_id == account_id, owned)
        .order_by(table.created_at, table.id)
    )
    return list(tx.session.scalars(statement))


def contacts_by_customer(
    tx: Transaction, account_id: str, customer_ids: Sequence[str]
) -> dict[str, list[t.Contact]]:
    """Every contact of these customers (theirs and their locations'), by customer."""
    found: dict[str, list[t.Contact]] = {c: [] for c in customer_ids}
    if not customer_ids:
        return found
    for contact in tx.session.scalars(
        select(t.Contact).where(
            t.Contact.account_id == account_id, t.Contact.customer_id.in_(customer_ids)
        )
    ):
        found[contact.customer_id].append(contact)
    return found


def switch_off_notifications(tx: Transaction, account_id: str, customer_id: str) -> None:
    """Every notification setting off on the customer's contacts and its locations'."""
    tx.session.execute(
        update(t.Contact)
        .where(t.Contact.account_id == account_id, t.Contact.customer_id == customer_id)
        .values(dict.fromkeys(NOTIFICATION_COLUMNS, False))
        .execution_options(synchronize_session="fetch")
    )


def customer_page(
    tx: Transaction,
    account_id: str,
    query: CustomerQuery,
    *,
    after: Position | None,
    limit: int,
) -> list[t.Customer]:
    """Up to ``limit`` customers in name order after ``after`` that ``query`` selects."""
    statement = select(t.Customer).where(
        t.Customer.account_id == account_id, *_filters(account_id, query)
    )
    if after is not None:
        statement = statement.where(
            or_(
                t.Customer.name_key > after.name_key,
                and_(t.Customer.name_key == after.name_key, t.Customer.id > after.customer_id),
            )
        )
    statement = statement.order_by(t.Customer.name_key, t.Customer.id).limit(limit)
    return list(tx.session.scalars(statement))


def _filters(account_id: str, query: CustomerQuery) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = []
    if query.text:
        filters.append(_search(account_id, query))
    if query.invoice_delivery is not None:
        filters.append(t.Customer.invoice_delivery == query.invoice_delivery)
    if query.do_not_mail is not None:
        filters.append(t.Customer.do_not_mail == query.do_not_mail)
    return filters


def _search(account_id: str, query: CustomerQuery) -> ColumnElement[bool]:
    assert query.text is not None
    by_name = t.Customer.name_key.contains(query.text.casefold(), autoescape=True)
    if not query.addresses:
        return by_name
    listing = select(t.Contact.customer_id).where(
        t.Contact.account_id == account_id,
        t.Contact.value.in_(query.addresses),
    )
    return or_(by_name, t.Customer.id.in_(listing))


def listing_number(
    tx: Transaction, account_id: str, number: str
) -> tuple[list[CustomerRef], list[LocationRef]]:
    """Caller ID (R-20): the customers (by name) and locations (by name) that list ``number``."""
    rows = tx.session.execute(
        select(t.Contact.customer_id, t.Contact.location_id).where(
            t.Contact.account_id == account_id, t.Contact.value == number
        )
    ).all()
    customer_ids = sorted({r.customer_id for r in rows if r.location_id is None})
    location_ids = sorted({r.location_id for r in rows if r.location_id is not None})
    customers = (
        tx.session.execute(
            select(t.Customer.id, t.Customer.name)
            .where(t.Customer.account_id == account_id, t.Customer.id.in_(customer_ids))
            .order_by(t.Customer.name_key)
        ).all()
        if customer_ids
        else []
    )
    locations = (
        tx.session.execute(
            select(t.Location.id, t.Location.customer_id, t.Location.name)
            .where(t.Location.account_id == account_id, t.Location.id.in_(location_ids))
            .order_by(t.Location.name)
        ).all()
        if location_ids
        else []
    )
    return (
        [CustomerRef(id=c.id, name=c.name) for c in customers],
        [LocationRef(id=loc.id, customer_id=loc.customer_id, name=loc.name) for loc in locations],
    )


# ---- merging two customers -----------------------------------------------------------


def remove_customer(tx: Transaction, customer: t.Customer) -> None:
    """Delete a customer that owns nothing any more (a merge moved its records away).

    Pending moves are written first, so no contact or location still points at it. Its
    preference links go with it: the page they opened has no customer left to show.
    """
    tx.session.flush()
    tx.session.execute(
        delete(t.PreferenceLink).where(
            t.PreferenceLink.account_id == customer.account_id,
            t.PreferenceLink.customer_id == customer.id,
        )
    )
    tx.session.execute(
        delete(t.Customer).where(
            t.Customer.account_id == customer.account_id, t.Customer.id == customer.id
        )
    )
    tx.session.expunge(customer)


def customers_listing(
    tx: Transaction, account_id: str, values: Sequence[str]
) -> dict[str, list[CustomerRef]]:
    """Per contact value, the customers (by name) whose records list it."""
    found: dict[str, list[CustomerRef]] = {}
    if not values:
        return found
    rows = tx.session.execute(
        select(t.Contact.value, t.Customer.id, t.Customer.name)
        .join(
            t.Customer,
            and_(
                t.Customer.account_id == t.Contact.account_id,
                t.Customer.id == t.Contact.customer_id,
            ),
        )
        .where(t.Contact.account_id == account_id, t.Contact.value.in_(sorted(set(values))))
        .order_by(t.Customer.name_key, t.Customer.id)
    ).all()
    for value, customer_id, name in rows:
        listed = found.setdefault(value, [])
        if all(ref["id"] != customer_id for ref in listed):
            listed.append(CustomerRef(id=customer_id, name=name))
    return found


# ---- search by any part of a name, a number or an email ------------------------------------


@dataclass(frozen=True)
class SearchTerms:
    """What the search box asks for, each already in the form the columns keep.

    ``name`` (case-folded) is looked for anywhere in a customer's name, ``digits`` (four
    or more) anywhere in a phone or fax number, ``email`` (lowercased) anywhere in an
    email address: its local part, its domain ("gmail") or all of it.
    """

    name: str
    digits: str | None = None
    email: str | None = None


def _contact_match(terms: SearchTerms) -> ColumnElement[bool] | None:
    parts: list[ColumnElement[bool]] = []
    if terms.digits:
        parts.append(
            and_(t.Contact.kind != "email", t.Contact.value.contains(terms.digits, autoescape=True))
        )
    if terms.email:
        parts.append(
            and_(t.Contact.kind == "email", t.Contact.value.contains(terms.email, autoescape=True))
        )
    return or_(*parts) if parts else None


def search_page(
    tx: Transaction, account_id: str, terms: SearchTerms, *, after: Position | None, limit: int
) -> list[t.Customer]:
    """Up to ``limit`` customers in name order after ``after`` whose name, or one of whose
    contacts (theirs or their locations'), matches ``terms``.

    Every part is bounded by the account first, the leading column of the customers'
    name index and of the contacts' value index: a fragment in the middle of a value
    cannot use a B-tree, so the database reads one account's rows, in index order,
    never the table.
    """
    matches: list[ColumnElement[bool]] = [t.Customer.name_key.contains(terms.name, autoescape=True)]
    by_contact = _contact_match(terms)
    if by_contact is not None:
        matches.append(
            t.Customer.id.in_(
                select(t.Contact.customer_id).where(t.Contact.account_id == account_id, by_contact)
            )
        )
    statement = select(t.Customer).where(t.Customer.account_id == account_id, or_(*matches))
    if after is not None:
        statement = statement.where(
            or_(
                t.Customer.name_key > after.name_key,
                and_(t.Customer.name_key == after.name_key, t.Customer.id > after.customer_id),
            )
        )
    statement = statement.order_by(t.Customer.name_key, t.Customer.id).limit(limit)
    return list(tx.session.scalars(statement))


def matching_contacts(
    tx: Transaction, account_id: str, customer_ids: Sequence[str], terms: SearchTerms
) -> dict[str, list[t.Contact]]:
    """The contacts of these customers that ``terms`` match, oldest first, by customer:
    what a result shows as the reason it was found."""
    found: dict[str, list[t.Contact]] = {c: [] for c in customer_ids}
    by_contact = _contact_match(terms)
    if by_contact is None or not customer_ids:
        return found
    statement = (
        select(t.Contact)
        .where(
            t.Contact.account_id == account_id,
            t.Contact.customer_id.in_(customer_ids),
            by_contact,
        )
        .order_by(t.Contact.created_at, t.Contact.id)
    )
    for contact in tx.session.scalars(statement):
        found[contact.customer_id].append(contact)
    return found


class Listing(TypedDict):
    """A record that lists an address: the address, and its customer."""

    value: str
    customer_id: str
    customer_name: str


def listing_values(tx: Transaction, account_id: str, values: Sequence[str]) -> list[Listing]:
    """Every customer that lists one of ``values`` (exact, as stored) on itself or on one
    of its locations, by name; one row per value and customer."""
    if not values:
        return []
    rows = tx.session.execute(
        select(t.Contact.value, t.Customer.id, t.Customer.name)
        .join(
            t.Customer,
            and_(
                t.Customer.account_id == t.Contact.account_id,
                t.Customer.id == t.Contact.customer_id,
            ),
        )
        .where(t.Contact.account_id == account_id, t.Contact.value.in_(values))
        .distinct()
        .order_by(t.Contact.value, t.Customer.name, t.Customer.id)
    ).all()
    return [Listing(value=r[0], customer_id=r[1], customer_name=r[2]) for r in rows]
