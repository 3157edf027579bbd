"""Customers and their locations: Do Not Mail (R-8), invoice delivery and the AR list (R-9)."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, or_, select, update

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain import limits
from heed.domain.addresses import normalize_email, phone_query
from heed.domain.errors import Invalid, NotFound
from heed.domain.limits import refused_character
from heed.services.common import Principal, audit, audit_many, get_account, insert_rows, new_id, now
from heed.services.contacts import ContactInput, NewContact, Owner, insert_contacts
from heed.services.views import (
    INVOICE_FLAG,
    contact_views,
    customer_flags,
    customer_view,
    invoice_delivery_list,
    location_view,
)

MAX_PAGE = 200


def _text(value: object, field: str, *, required: bool, limit: int = limits.NAME) -> str | None:
    if value is None:
        if required:
            raise Invalid(f"{field} is required.", field=field)
        return None
    if not isinstance(value, str):
        raise Invalid(f"{field} must be text.", field=field)
    value = value.strip()
    if required and not value:
        raise Invalid(f"{field} must not be empty.", field=field)
    if len(value) > limit:
        raise Invalid(f"{field} must be at most {limit} characters.", field=field)
    return value or None


def parse_invoice_delivery(value: object, field: str = "invoice_delivery") -> str:
    if not isinstance(value, list | tuple) or not value:
        raise Invalid(f'{field} must list "mail", "email" or both.', field=field)
    if not all(isinstance(v, str) for v in value) or not set(value) <= {"mail", "email"}:
        raise Invalid(f'{field} may only contain "mail" and "email".', field=field)
    chosen = set(value)
    return ",".join(part for part in ("mail", "email") if part in chosen)


def parse_time_zone(value: object, field: str = "time_zone") -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Invalid(f"{field} must be an IANA time zone such as America/Chicago.", field=field)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"{field} {value!r} is not a known IANA time zone (e.g. America/Chicago).",
            field=field,
        ) from None
    return value


@dataclass(frozen=True)
class CustomerInput:
    name: str
    do_not_mail: bool
    invoice_delivery: str
    billing_address: str | None
    contacts: list[ContactInput]
    locations: list[LocationInput]

    @classmethod
    def parse(cls, data: object, field: str = "") -> CustomerInput:
        p = f"{field}." if field else ""
        if not isinstance(data, dict):
            raise Invalid(f"{field or 'body'} must be an object.", field=field or "body")
        name = _text(data.get("name"), f"{p}name", required=True)
        assert name is not None
        do_not_mail = data.get("do_not_mail", False)
        if not isinstance(do_not_mail, bool):
            raise Invalid(f"{p}do_not_mail must be true or false.", field=f"{p}do_not_mail")
        return cls(
            name=name,
            do_not_mail=do_not_mail,
            invoice_delivery=parse_invoice_delivery(
                data.get("invoice_delivery", ["mail"]), f"{p}invoice_delivery"
            ),
            billing_address=_text(
                data.get("billing_address"),
                f"{p}billing_address",
                required=False,
                limit=limits.POSTAL_ADDRESS,
            ),
            contacts=_contact_inputs(data.get("contacts"), f"{p}contacts"),
            locations=[
                LocationInput.parse(loc, f"{p}locations[{i}]")
                for i, loc in enumerate(_list(data.get("locations"), f"{p}locations"))
            ],
        )


@dataclass(frozen=True)
class LocationInput:
    name: str
    address: str | None
    time_zone: str | None
    contacts: list[ContactInput]

    @classmethod
    def parse(cls, data: object, field: str = "") -> LocationInput:
        p = f"{field}." if field else ""
        if not isinstance(data, dict):
            raise Invalid(f"{field or 'body'} must be an object.", field=field or "body")
        name = _text(data.get("name"), f"{p}name", required=True)
        assert name is not None
        return cls(
            name=name,
            address=_text(
                data.get("address"), f"{p}address", required=False, limit=limits.POSTAL_ADDRESS
            ),
            time_zone=parse_time_zone(data.get("time_zone"), f"{p}time_zone"),
            contacts=_contact_inputs(data.get("contacts"), f"{p}contacts"),
        )


def _list(value: object, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid(f"{field} must be a list.", field=field)
    return value


def _contact_inputs(value: object, field: str) -> list[ContactInput]:
    return [ContactInput.parse(c, f"{field}[{i}]") for i, c in enumerate(_list(value, field))]


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
    insert_rows(tx, t.Customer, rows)
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
        insert_rows(tx, t.Location, rows)
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


def create_customer(uow: UnitOfWork, principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    parsed = CustomerInput.parse(data)
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        (customer_id,) = insert_customers(tx, principal, account, [(parsed, "")])
        view = customer_view(tx, load_customer(tx, account.id, customer_id))
        tx.commit()
    return view


def load_customer(tx: Transaction, account_id: str, customer_id: str) -> t.Customer:
    customer = tx.session.get(t.Customer, (account_id, customer_id))
    if customer is None:
        raise NotFound("No customer with this id.")
    return customer


def load_location(tx: Transaction, account_id: str, location_id: str) -> t.Location:
    location = tx.session.get(t.Location, (account_id, location_id))
    if location is None:
        raise NotFound("No location with this id.")
    return location


def get_customer(uow: UnitOfWork, principal: Principal, customer_id: str) -> dict[str, Any]:
    with uow.read() as tx:
        return customer_view(tx, load_customer(tx, principal.account_id, customer_id))


def update_customer(
    uow: UnitOfWork, principal: Principal, customer_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    with uow.write() as tx:
        tx.lock_account(principal.account_id)
        customer = load_customer(tx, principal.account_id, customer_id)
        if "name" in data:
            name = _text(data["name"], "name", required=True)
            assert name is not None
            audit(tx, principal, "customer", customer.id, "name", customer.name, name)
            customer.name, customer.name_key = name, name.casefold()
        if "billing_address" in data:
            billing = _text(
                data["billing_address"],
                "billing_address",
                required=False,
                limit=limits.POSTAL_ADDRESS,
            )
            audit(
                tx,
                principal,
                "customer",
                customer.id,
                "billing_address",
                customer.billing_address,
                billing,
            )
            customer.billing_address = billing
        if "invoice_delivery" in data:
            delivery = parse_invoice_delivery(data["invoice_delivery"])
            audit(
                tx,
                principal,
                "customer",
                customer.id,
                "invoice_delivery",
                customer.invoice_delivery,
                delivery,
            )
            customer.invoice_delivery = delivery
        if "do_not_mail" in data:
            if not isinstance(data["do_not_mail"], bool):
                raise Invalid("do_not_mail must be true or false.", field="do_not_mail")
            set_do_not_mail(tx, principal, customer, data["do_not_mail"])
        tx.session.flush()
        view = customer_view(tx, customer)
        tx.commit()
    return view


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
    contacts = tx.session.scalars(
        select(t.Contact).where(
            t.Contact.account_id == customer.account_id, t.Contact.customer_id == customer.id
        )
    ).all()
    for contact in contacts:
        for category in ("job", "invoice_statement", "marketing"):
            column = f"notify_{category}"
            if getattr(contact, column):
                audit(
                    tx, principal, "contact", contact.id, f"notifications.{category}", True, False
                )
    tx.session.execute(
        update(t.Contact)
        .where(t.Contact.account_id == customer.account_id, t.Contact.customer_id == customer.id)
        .values(notify_job=False, notify_invoice_statement=False, notify_marketing=False)
        .execution_options(synchronize_session="fetch")
    )


def _encode_cursor(name_key: str, customer_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([name_key, customer_id]).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        name_key, customer_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(name_key, str) or not isinstance(customer_id, str):
            raise ValueError
        if refused_character(name_key + customer_id, multiline=True):
            raise ValueError
    except (ValueError, TypeError):
        raise Invalid("cursor is not one heed gave out.", field="cursor") from None
    return name_key, customer_id


def list_customers(  # noqa: C901
    uow: UnitOfWork,
    principal: Principal,
    *,
    q: str | None = None,
    invoice_delivery: str | None = None,
    do_not_mail: bool | None = None,
    flagged: bool | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Customers by name order, searchable by name, phone in any format, or email.

    ``invoice_delivery`` is ``mail``, ``email`` (exactly that one) or ``both`` (R-9).
    """
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE}.", field="limit")
    account_id = principal.account_id
    query = select(t.Customer).where(t.Customer.account_id == account_id)
    if q and q.strip():
        query = query.where(_search(account_id, q.strip()))
    if invoice_delivery is not None:
        stored = {"mail": "mail", "email": "email", "both": "mail,email"}.get(invoice_delivery)
        if stored is None:
            raise Invalid("invoice_delivery must be mail, email or both.", field="invoice_delivery")
        query = query.where(t.Customer.invoice_delivery == stored)
    if do_not_mail is not None:
        query = query.where(t.Customer.do_not_mail == do_not_mail)
    if cursor:
        name_key, last_id = _decode_cursor(cursor)
        query = query.where(
            or_(
                t.Customer.name_key > name_key,
                and_(t.Customer.name_key == name_key, t.Customer.id > last_id),
            )
        )
    query = query.order_by(t.Customer.name_key, t.Customer.id)
    with uow.read() as tx:
        items: list[dict[str, Any]] = []
        next_cursor: str | None = None
        # Filtering by flag happens after a page is read, so read pages until one is
        # full; the cursor points at the customer that filled it, never past a row unseen.
        while True:
            page = tx.session.scalars(query.limit(limit + 1)).all()
            more = len(page) > limit
            page = page[:limit]
            for position, (row, view) in enumerate(
                zip(page, _summaries(tx, account_id, page), strict=True)
            ):
                if flagged is not None and (INVOICE_FLAG in view["flags"]) != flagged:
                    continue
                items.append(view)
                if len(items) == limit:
                    if more or position < len(page) - 1:
                        next_cursor = _encode_cursor(row.name_key, row.id)
                    return {"items": items, "next_cursor": next_cursor}
            if not more:
                break
            last = page[-1]
            query = query.where(
                or_(
                    t.Customer.name_key > last.name_key,
                    and_(t.Customer.name_key == last.name_key, t.Customer.id > last.id),
                )
            )
        return {"items": items[:limit], "next_cursor": next_cursor}


def _search(account_id: str, q: str) -> Any:
    conditions: list[Any] = [t.Customer.name_key.contains(q.casefold(), autoescape=True)]
    values: list[str] = []
    if "@" in q:
        with contextlib.suppress(Invalid):
            values.append(normalize_email(q))
    else:
        phone = phone_query(q)
        if phone:
            values.append(phone)
    if values:
        conditions.append(
            t.Customer.id.in_(
                select(t.Contact.customer_id).where(
                    t.Contact.account_id == account_id, t.Contact.value.in_(values)
                )
            )
        )
    return or_(*conditions)


def _summaries(
    tx: Transaction, account_id: str, customers: Sequence[t.Customer]
) -> list[dict[str, Any]]:
    ids = [c.id for c in customers]
    contacts = (
        tx.session.scalars(
            select(t.Contact).where(
                t.Contact.account_id == account_id, t.Contact.customer_id.in_(ids)
            )
        ).all()
        if ids
        else []
    )
    by_customer: dict[str, list[t.Contact]] = {}
    for contact in contacts:
        by_customer.setdefault(contact.customer_id, []).append(contact)
    return [
        {
            "id": c.id,
            "name": c.name,
            "do_not_mail": c.do_not_mail,
            "invoice_delivery": invoice_delivery_list(c.invoice_delivery),
            "billing_address": c.billing_address,
            "flags": customer_flags(c, by_customer.get(c.id, [])),
        }
        for c in customers
    ]


def create_location(
    uow: UnitOfWork, principal: Principal, customer_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    parsed = LocationInput.parse(data)
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        customer = load_customer(tx, account.id, customer_id)
        (location_id,) = insert_locations(
            tx, principal, account, [(Owner.of(customer), parsed, "")]
        )
        view = _location_view(tx, load_location(tx, account.id, location_id))
        tx.commit()
    return view


def _location_view(tx: Transaction, location: t.Location) -> dict[str, Any]:
    contacts = tx.session.scalars(
        select(t.Contact)
        .where(t.Contact.account_id == location.account_id, t.Contact.location_id == location.id)
        .order_by(t.Contact.created_at, t.Contact.id)
    ).all()
    return location_view(location, contact_views(tx, location.account_id, contacts))


def get_location(uow: UnitOfWork, principal: Principal, location_id: str) -> dict[str, Any]:
    with uow.read() as tx:
        return _location_view(tx, load_location(tx, principal.account_id, location_id))


def update_location(
    uow: UnitOfWork, principal: Principal, location_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    with uow.write() as tx:
        location = load_location(tx, principal.account_id, location_id)
        if "name" in data:
            name = _text(data["name"], "name", required=True)
            audit(tx, principal, "location", location.id, "name", location.name, name)
            location.name = name or location.name
        if "address" in data:
            address = _text(data["address"], "address", required=False, limit=limits.POSTAL_ADDRESS)
            audit(tx, principal, "location", location.id, "address", location.address, address)
            location.address = address
        if "time_zone" in data:
            zone = parse_time_zone(data["time_zone"])
            audit(tx, principal, "location", location.id, "time_zone", location.time_zone, zone)
            location.time_zone = zone
        tx.session.flush()
        view = _location_view(tx, location)
        tx.commit()
    return view


def lookup_phone(uow: UnitOfWork, principal: Principal, phone: str) -> dict[str, Any]:
    """Caller ID (R-20): every customer and location record that lists the number."""
    number = phone_query(phone)
    if number is None:
        raise Invalid("phone must be a North American phone number.", field="phone")
    account_id = principal.account_id
    with uow.read() as tx:
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
    return {
        "phone": number,
        "customers": [{"id": c.id, "name": c.name} for c in customers],
        "locations": [
            {"id": loc.id, "customer_id": loc.customer_id, "name": loc.name} for loc in locations
        ],
    }


__all__ = [
    "create_customer",
    "create_location",
    "get_account",
    "get_customer",
    "get_location",
    "list_customers",
    "lookup_phone",
    "update_customer",
    "update_location",
]
