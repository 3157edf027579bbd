"""Customers and their locations: Do Not Mail (R-8), invoice delivery and the AR list (R-9),
caller-ID look-up (R-20).

The verbs take typed commands (heed.services.customer_commands); every statement
they need is in heed.adapters.db.customers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from heed.adapters.db import customers as db
from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.addresses import phone_query
from heed.domain.errors import Invalid, NotFound
from heed.services.common import Principal, audit, audit_many, get_account, new_id, now
from heed.services.contacts import CATEGORIES, NewContact, Owner, insert_contacts
from heed.services.customer_commands import (
    CustomerChanges,
    CustomerInput,
    LocationChanges,
    LocationInput,
    parse_invoice_delivery,
    parse_time_zone,
)
from heed.services.customer_lists import MAX_PAGE, list_all_customers, list_customers
from heed.services.permissions import checked_inside, requires
from heed.services.views import contact_views, customer_view, location_view


def insert_customers(
    tx: Transaction,
    principal: Principal,
    account: t.Account,
    inputs: Sequence[tuple[CustomerInput, str]],
    *,
    imported: bool = False,
) -> list[str]:
    """Add customers, each with its contacts and locations, in the caller's transaction.

    ``inputs`` pairs each customer with the field path its errors name. Rows go
    table by table (customers, then locations, then contacts), one statement per
    table and one for their audit entries, so a thousand-customer import is a few
    round trips instead of one per row. Returns the new ids.
    """
    rows: list[dict[str, Any]] = [
        {
            "account_id": account.id,
            "id": new_id("cus"),
            "name": data.name,
            "name_key": data.name.casefold(),
            "do_not_mail": data.do_not_mail,
            "invoice_delivery": data.invoice_delivery,
            "billing_address": data.billing_address,
            "created_at": now(),
        }
        for data, _ in inputs
    ]
    db.add_customers(tx, rows)
    audit_many(tx, principal, [("customer", r["id"], "created", None, r["name"]) for r in rows])
    owners = [Owner(row["id"], row["do_not_mail"]) for row in rows]
    contacts = [
        NewContact(owner, contact, f"{_prefix(field)}contacts[{i}]")
        for owner, (data, field) in zip(owners, inputs, strict=True)
        for i, contact in enumerate(data.contacts)
    ]
    insert_locations(
        tx,
        principal,
        account,
        [
            (owner, location, f"{_prefix(field)}locations[{i}]")
            for owner, (data, field) in zip(owners, inputs, strict=True)
            for i, location in enumerate(data.locations)
        ],
        imported=imported,
        with_contacts=contacts,
    )
    return [row["id"] for row in rows]


def insert_locations(
    tx: Transaction,
    principal: Principal,
    account: t.Account,
    inputs: Sequence[tuple[Owner, LocationInput, str]],
    *,
    imported: bool = False,
    with_contacts: Sequence[NewContact] = (),
) -> list[str]:
    """Add locations with their contacts; ``inputs`` as in insert_customers, each
    location with its customer as an Owner.

    ``with_contacts`` are the customers' own contacts, checked and written
    before the locations' in the same pass (one consent read, one statement).
    """
    rows: list[dict[str, Any]] = [
        {
            "account_id": account.id,
            "id": new_id("loc"),
            "customer_id": customer.customer_id,
            "name": data.name,
            "address": data.address,
            "time_zone": data.time_zone,
            "created_at": now(),
        }
        for customer, data, _ in inputs
    ]
    if rows:
        db.add_locations(tx, rows)
        audit_many(tx, principal, [("location", r["id"], "created", None, r["name"]) for r in rows])
    contacts = [
        *with_contacts,
        *(
            NewContact(
                Owner(customer.customer_id, customer.do_not_mail, row["id"]),
                contact,
                f"{_prefix(field)}contacts[{i}]",
            )
            for row, (customer, data, field) in zip(rows, inputs, strict=True)
            for i, contact in enumerate(data.contacts)
        ),
    ]
    if contacts:
        insert_contacts(tx, principal, account, contacts, imported=imported)
    return [row["id"] for row in rows]


def _prefix(field: str) -> str:
    return f"{field}." if field else ""


def load_customer(tx: Transaction, account_id: str, customer_id: str) -> t.Customer:
    customer = db.customer(tx, account_id, customer_id)
    if customer is None:
        raise NotFound("No customer with this id.")
    return customer


def load_location(tx: Transaction, account_id: str, location_id: str) -> t.Location:
    location = db.location(tx, account_id, location_id)
    if location is None:
        raise NotFound("No location with this id.")
    return location


def visible(principal: Principal, customer: dict[str, Any]) -> dict[str, Any]:
    """A customer's locations (and their contacts) only for callers that may view locations."""
    return customer if principal.can("location:view") else {**customer, "locations": []}


def require_to_add(principal: Principal, *, locations: bool) -> None:
    """Adding customers needs customer:edit; adding them with locations, location:edit too."""
    principal.require("customer:edit")
    if locations:
        principal.require("location:edit")


@checked_inside
def create_customer(uow: UnitOfWork, principal: Principal, data: CustomerInput) -> dict[str, Any]:
    """A customer with its contacts (customer:edit) and locations (also location:edit)."""
    require_to_add(principal, locations=bool(data.locations))
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        (customer_id,) = insert_customers(tx, principal, account, [(data, "")])
        view = customer_view(tx, load_customer(tx, account.id, customer_id))
        tx.commit()
    return visible(principal, view)


@requires("customer:view")
def get_customer(uow: UnitOfWork, principal: Principal, customer_id: str) -> dict[str, Any]:
    with uow.read() as tx:
        view = customer_view(tx, load_customer(tx, principal.account_id, customer_id))
    return visible(principal, view)


@requires("customer:edit")
def update_customer(
    uow: UnitOfWork, principal: Principal, customer_id: str, changes: CustomerChanges
) -> dict[str, Any]:
    """Setting Do Not Mail turns every notification of the customer off (R-8)."""
    with uow.write() as tx:
        tx.lock_account(principal.account_id)
        customer = load_customer(tx, principal.account_id, customer_id)
        _apply(tx, principal, "customer", customer, changes, CUSTOMER_FIELDS)
        if "name" in changes.given:
            customer.name_key = changes.name.casefold()
        if "do_not_mail" in changes.given:
            set_do_not_mail(tx, principal, customer, changes.do_not_mail)
        tx.session.flush()
        view = customer_view(tx, customer)
        tx.commit()
    return visible(principal, view)


CUSTOMER_FIELDS = (
    "name",
    "billing_address",
    "invoice_delivery",
    "consent_country",
    "last_purchase_at",
    "last_inquiry_at",
)
LOCATION_FIELDS = ("name", "address", "time_zone")


def _apply(
    tx: Transaction,
    principal: Principal,
    entity: str,
    row: t.Customer | t.Location,
    changes: CustomerChanges | LocationChanges,
    fields: tuple[str, ...],
) -> None:
    """Write each given field of ``changes`` onto ``row``, with its audit row (R-23)."""
    for field in fields:
        if field in changes.given:
            value = getattr(changes, field)
            audit(tx, principal, entity, row.id, field, getattr(row, field), value)
            setattr(row, field, value)


def set_do_not_mail(
    tx: Transaction, principal: Principal, customer: t.Customer, value: bool
) -> None:
    """Do Not Mail turns every setting off on the customer and all its locations (R-8).

    Clearing the flag turns nothing back on: staff choose again, contact by contact.
    """
    audit(tx, principal, "customer", customer.id, "do_not_mail", customer.do_not_mail, value)
    customer.do_not_mail = value
    if not value:
        return
    for contact in db.customer_contacts(tx, customer.account_id, customer.id):
        for category in CATEGORIES:
            if getattr(contact, f"notify_{category}"):
                audit(
                    tx, principal, "contact", contact.id, f"notifications.{category}", True, False
                )
    db.switch_off_notifications(tx, customer.account_id, customer.id)


# ---- locations -------------------------------------------------------------------------


@requires("location:edit")
def create_location(
    uow: UnitOfWork, principal: Principal, customer_id: str, data: LocationInput
) -> dict[str, Any]:
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        customer = load_customer(tx, account.id, customer_id)
        (location_id,) = insert_locations(tx, principal, account, [(Owner.of(customer), data, "")])
        view = _location_view(tx, load_location(tx, account.id, location_id))
        tx.commit()
    return view


def _location_view(tx: Transaction, location: t.Location) -> dict[str, Any]:
    contacts = db.location_contacts(tx, location.account_id, location.id)
    return location_view(location, contact_views(tx, location.account_id, contacts))


@requires("location:view")
def get_location(uow: UnitOfWork, principal: Principal, location_id: str) -> dict[str, Any]:
    with uow.read() as tx:
        return _location_view(tx, load_location(tx, principal.account_id, location_id))


@requires("location:edit")
def update_location(
    uow: UnitOfWork, principal: Principal, location_id: str, changes: LocationChanges
) -> dict[str, Any]:
    with uow.write() as tx:
        location = load_location(tx, principal.account_id, location_id)
        _apply(tx, principal, "location", location, changes, LOCATION_FIELDS)
        tx.session.flush()
        view = _location_view(tx, location)
        tx.commit()
    return view


@requires("customer:view")
def lookup_phone(uow: UnitOfWork, principal: Principal, phone: str) -> dict[str, Any]:
    """Caller ID (R-20): every customer and location record that lists the number.

    Locations are listed only to callers that may also view locations.
    """
    number = phone_query(phone)
    if number is None:
        raise Invalid("phone must be a North American phone number.", field="phone")
    with uow.read() as tx:
        customers, locations = db.listing_number(tx, principal.account_id, number)
    return {
        "phone": number,
        "customers": customers,
        "locations": locations if principal.can("location:view") else [],
    }


__all__ = [
    "MAX_PAGE",
    "CustomerChanges",
    "CustomerInput",
    "LocationChanges",
    "LocationInput",
    "create_customer",
    "create_location",
    "get_account",
    "get_customer",
    "get_location",
    "list_all_customers",
    "list_customers",
    "lookup_phone",
    "parse_invoice_delivery",
    "parse_time_zone",
    "update_customer",
    "update_location",
]
