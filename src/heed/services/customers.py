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
from heed.domain.errors import Invalid, LocationHasContacts, NotFound
from heed.domain.postal import zone_for_postal
from heed.domain.street_address import PARTS, StreetAddress
from heed.services.common import Principal, audit, audit_many, get_account, new_id, now
from heed.services.contacts import CATEGORIES, NewContact, Owner, insert_contacts
from heed.services.customer_commands import (
    Address,
    CustomerChanges,
    CustomerInput,
    LocationChanges,
    LocationInput,
    parse_address,
    parse_invoice_delivery,
    parse_time_zone,
)
from heed.services.customer_lists import MAX_PAGE, list_all_customers, list_customers
from heed.services.permissions import checked_inside, requires
from heed.services.views import contact_views, customer_view, location_view, stored_address


def insert_customers(
    tx: Transaction,
    principal: Principal,
    account: t.Account,
    inputs: Sequence[tuple[CustomerInput, str]],
    *,
    imported: bool = False,
    external_ids: Sequence[str | None] | None = None,
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
            **address_columns("billing", data.billing_address),
            "created_at": now(),
            "external_id": external,
        }
        for (data, _), external in zip(inputs, external_ids or [None] * len(inputs), strict=True)
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
            **address_columns("address", data.address),
            **zone_columns(data.address, data.time_zone),
            "created_at": now(),
        }
        for customer, data, _ in inputs
    ]
    if rows:
        db.add_locations(tx, rows)
        audit_many(
            tx,
            principal,
            [
                ("location", r["id"], "created", None, r["name"], r["customer_id"], r["id"])
                for r in rows
            ],
        )
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


# ---- addresses (R-27) -----------------------------------------------------------------
# A location's address is kept in ``address`` (one line of text) and its parts in
# ``address_<part>``; a customer's billing address in ``billing_address`` and
# ``billing_<part>``. A plain string leaves the parts empty: it decides nothing.
_TEXT_COLUMN = {"address": "address", "billing": "billing_address"}


def address_columns(prefix: str, address: Address) -> dict[str, str | None]:
    """The columns an address is stored in: its text and, when structured, its parts."""
    parts = address.as_dict() if isinstance(address, StreetAddress) else dict.fromkeys(PARTS)
    text = address.one_line() if isinstance(address, StreetAddress) else address
    return {_TEXT_COLUMN[prefix]: text, **{f"{prefix}_{p}": v for p, v in parts.items()}}


def zone_columns(address: Address, given: str | None) -> dict[str, str | None]:
    """A location's time zone and its source: the zone given, else its postal code's
    (R-27), else none (its numbers' area codes time its texts)."""
    if given:
        return {"time_zone": given, "time_zone_source": "given"}
    if isinstance(address, StreetAddress):
        found = zone_for_postal(address.country, address.postal_code)
        if found is not None:
            return {"time_zone": found.zone, "time_zone_source": found.source}
    return {"time_zone": None, "time_zone_source": None}


def _write_columns(
    tx: Transaction,
    principal: Principal,
    entity: str,
    row: t.Customer | t.Location,
    columns: dict[str, str | None],
    audited: tuple[str, ...],
) -> None:
    """Set ``columns`` on ``row``; a change of an ``audited`` one gets its audit row."""
    for column, value in columns.items():
        old = getattr(row, column)
        if column in audited and old != value:
            audit(tx, principal, entity, row.id, column, old, value)
        setattr(row, column, value)


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
        if "billing_address" in changes.given:
            columns = address_columns("billing", changes.billing_address)
            _write_columns(tx, principal, "customer", customer, columns, ("billing_address",))
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
    "invoice_delivery",
    "consent_country",
    "last_purchase_at",
    "last_inquiry_at",
)
LOCATION_FIELDS = ("name",)


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
            old = getattr(row, field)
            # A location's rows belong to its customer's history too.
            owner = row.customer_id if isinstance(row, t.Location) else None
            audit(tx, principal, entity, row.id, field, old, value, customer_id=owner)
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
                    tx,
                    principal,
                    "contact",
                    contact.id,
                    f"notifications.{category}",
                    True,
                    False,
                    customer_id=contact.customer_id,
                    location_id=contact.location_id,
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
        _change_place(tx, principal, location, changes)
        tx.session.flush()
        view = _location_view(tx, location)
        tx.commit()
    return view


@requires("location:edit")
def delete_location(uow: UnitOfWork, principal: Principal, location_id: str) -> str:
    """Remove a location that has no contacts; one with contacts is refused (409
    location_has_contacts) and nothing changes: staff remove its contacts first.
    Returns the id of the customer it belonged to."""
    with uow.write() as tx:
        tx.lock_account(principal.account_id)
        location = load_location(tx, principal.account_id, location_id)
        count = len(db.location_contacts(tx, location.account_id, location.id))
        if count:
            methods = "contact method" if count == 1 else "contact methods"
            raise LocationHasContacts(
                f"{location.name} still has {count} {methods}: remove them first. "
                "Nothing was deleted.",
                contacts=count,
            )
        audit(tx, principal, "location", location.id, "deleted", location.name, None)
        customer_id = location.customer_id
        db.remove_location(tx, location)
        tx.commit()
    return customer_id


def _change_place(
    tx: Transaction, principal: Principal, location: t.Location, changes: LocationChanges
) -> None:
    """A new address, zone or both; a zone not given follows the postal code (R-27)."""
    if "address" in changes.given:
        columns = address_columns("address", changes.address)
        _write_columns(tx, principal, "location", location, columns, ("address",))
    if "time_zone" in changes.given:
        given = changes.time_zone
    else:
        given = location.time_zone if location.time_zone_source == "given" else None
    zone = zone_columns(stored_address(location, "address"), given)
    _write_columns(tx, principal, "location", location, zone, ("time_zone",))


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
    "address_columns",
    "create_customer",
    "create_location",
    "delete_location",
    "get_account",
    "get_customer",
    "get_location",
    "list_all_customers",
    "list_customers",
    "lookup_phone",
    "parse_address",
    "parse_invoice_delivery",
    "parse_time_zone",
    "update_customer",
    "update_location",
    "zone_columns",
]
