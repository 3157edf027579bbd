"""Customer lists: search by name, phone or email, and the AR list by invoice delivery (R-9).

Pages run in name order with an opaque cursor; a flag filter reads on until a page is full.
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterator, Sequence
from typing import Any

from heed.adapters.csvfile import csv_text
from heed.adapters.db import customers as db
from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.addresses import normalize_email, phone_query
from heed.domain.errors import Invalid
from heed.domain.limits import refused_character
from heed.services.common import Principal
from heed.services.permissions import requires
from heed.services.views import (
    INVOICE_FLAG,
    address_text,
    address_view,
    customer_flags,
    invoice_delivery_list,
)

MAX_PAGE = 200
DELIVERY_FILTERS = {"mail": "mail", "email": "email", "both": "mail,email"}


def _encode_cursor(position: db.Position) -> str:
    raw = json.dumps([position.name_key, position.customer_id]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_cursor(cursor: str) -> db.Position:
    try:
        name_key, customer_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(name_key, str) or not isinstance(customer_id, str):
            raise ValueError
        if refused_character(name_key + customer_id, multiline=True):
            raise ValueError
    except (ValueError, TypeError):
        raise Invalid("cursor is not one heed gave out.", field="cursor") from None
    return db.Position(name_key, customer_id)


def customer_query(
    q: str | None = None, invoice_delivery: str | None = None, do_not_mail: bool | None = None
) -> db.CustomerQuery:
    """What a list asks for: ``q`` is a name, a phone in any format or an email;
    ``invoice_delivery`` is ``mail``, ``email`` (exactly that one) or ``both`` (R-9)."""
    stored = None
    if invoice_delivery is not None:
        stored = DELIVERY_FILTERS.get(invoice_delivery)
        if stored is None:
            raise Invalid("invoice_delivery must be mail, email or both.", field="invoice_delivery")
    text = q.strip() if q and q.strip() else None
    return db.CustomerQuery(
        invoice_delivery=stored,
        do_not_mail=do_not_mail,
        text=text,
        addresses=_search_addresses(text),
    )


def _search_addresses(text: str | None) -> tuple[str, ...]:
    if text is None:
        return ()
    if "@" in text:
        with contextlib.suppress(Invalid):
            return (normalize_email(text),)
        return ()
    phone = phone_query(text)
    return (phone,) if phone else ()


@requires("customer:view")
def list_customers(
    uow: UnitOfWork,
    principal: Principal,
    *,
    limit: int = 50,
    cursor: str | None = None,
    q: str | None = None,
    invoice_delivery: str | None = None,
    do_not_mail: bool | None = None,
    flagged: bool | None = None,
) -> dict[str, Any]:
    """Customers by name order, a page of ``limit`` after ``cursor`` at a time, searchable
    by name, phone in any format, or email and narrowed by the filters."""
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE}.", field="limit")
    query = customer_query(q, invoice_delivery, do_not_mail)
    after = _decode_cursor(cursor) if cursor else None
    with uow.read() as tx:
        items, next_position = _page(tx, principal.account_id, query, after, limit, flagged)
    next_cursor = _encode_cursor(next_position) if next_position else None
    return {"items": items, "next_cursor": next_cursor}


@requires("customer:view")
def list_all_customers(
    uow: UnitOfWork,
    principal: Principal,
    *,
    invoice_delivery: str | None = None,
    flagged: bool | None = None,
) -> list[dict[str, Any]]:
    """Every customer list_customers would give page by page, read in one transaction."""
    query = customer_query(None, invoice_delivery)
    items: list[dict[str, Any]] = []
    after: db.Position | None = None
    with uow.read() as tx:
        while True:
            page, after = _page(tx, principal.account_id, query, after, MAX_PAGE, flagged)
            items.extend(page)
            if after is None:
                return items


def _page(
    tx: Transaction,
    account_id: str,
    query: db.CustomerQuery,
    after: db.Position | None,
    limit: int,
    flagged: bool | None,
) -> tuple[list[dict[str, Any]], db.Position | None]:
    """One page of summaries and where the next starts (None at the end).

    Filtering by flag happens after rows are read, so rows are read until the page is
    full; the next page starts after the customer that filled it, never past a row unseen.
    """
    items: list[dict[str, Any]] = []
    while True:
        rows = db.customer_page(tx, account_id, query, after=after, limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        for position, (row, view) in enumerate(
            zip(rows, _summaries(tx, account_id, rows), strict=True)
        ):
            if flagged is not None and (INVOICE_FLAG in view["flags"]) != flagged:
                continue
            items.append(view)
            if len(items) == limit:
                unread = more or position < len(rows) - 1
                return items, db.Position.of(row) if unread else None
        if not more:
            return items, None
        after = db.Position.of(rows[-1])


def _summaries(
    tx: Transaction, account_id: str, customers: Sequence[t.Customer]
) -> list[dict[str, Any]]:
    contacts = db.contacts_by_customer(tx, account_id, [c.id for c in customers])
    return [
        {
            "id": c.id,
            "name": c.name,
            "do_not_mail": c.do_not_mail,
            "invoice_delivery": invoice_delivery_list(c.invoice_delivery),
            "billing_address": address_view(c, "billing", c.billing_address),
            "flags": customer_flags(c, contacts[c.id]),
        }
        for c in customers
    ]


AR_CSV_HEADER = (
    "customer_id",
    "name",
    "invoice_delivery",
    "do_not_mail",
    "billing_address",
    "flags",
)


def ar_csv_lines(rows: list[dict[str, Any]]) -> Iterator[str]:
    """The AR list as CSV: delivery as ``mail+email``, Do Not Mail as yes or no."""
    yield csv_text(
        AR_CSV_HEADER,
        (
            [
                row["id"],
                row["name"],
                "+".join(row["invoice_delivery"]),
                "yes" if row["do_not_mail"] else "no",
                address_text(row["billing_address"]),
                " ".join(row["flags"]),
            ]
            for row in rows
        ),
    )
