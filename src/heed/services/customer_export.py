"""Export of customers, locations and contacts in the import's columns (R-32).

Export, then import into the same account, changes nothing: every customer is
written under its external id (its heed id when it has none, which the import also
finds), a location's rows carry its name, and contacts share a row only when their
memo and SMS opt-out agree, so importing a row asks for exactly what is stored.
Cells go through adapters/csvfile.py, so none runs as a spreadsheet formula.

The export is read a page of customers at a time, each page in its own read
transaction, and written as it is read: memory stays flat however many customers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

from heed.adapters.csvfile import csv_text
from heed.adapters.db import imports as db
from heed.adapters.db import tables as t
from heed.adapters.db.uow import UnitOfWork
from heed.domain.consent import ALL_NUMBERS, AddressState
from heed.domain.import_rows import COLUMNS, address_cells
from heed.services.common import Principal
from heed.services.permissions import requires
from heed.services.views import consent_for

PAGE = 500
NUMBERS = ("mobile", "phone")


@requires("customer:view", "location:view")
def export_customers(uow: UnitOfWork, principal: Principal) -> Iterator[str]:
    """The account's customers as CSV text, the header first, then a page at a time."""
    return _pages(uow, principal.account_id)


def _pages(uow: UnitOfWork, account_id: str) -> Iterator[str]:
    yield csv_text(COLUMNS, [])
    after: str | None = None
    while True:
        with uow.read() as tx:
            customers = db.customers_after(tx, account_id, after, PAGE)
            ids = [c.id for c in customers]
            locations = db.locations_by_customer(tx, account_id, ids)
            contacts = db.contacts_by_customer(tx, account_id, ids)
            numbers = [c.value for cs in contacts.values() for c in cs if c.kind in NUMBERS]
            consent = consent_for(tx, account_id, numbers)
        if not customers:
            return

        out = partial(_all_numbers_out, consent)
        lines = [
            line
            for c in customers
            for line in customer_lines(c, locations[c.id], contacts[c.id], out)
        ]
        yield csv_text(COLUMNS, lines).split("\r\n", 1)[1]
        after = customers[-1].id


def customer_lines(
    customer: t.Customer,
    locations: Sequence[t.Location],
    contacts: Sequence[t.Contact],
    opted_out: Callable[[str], bool],
) -> list[list[str]]:
    """The customer's rows: its own contacts, then each location with its contacts."""
    base = {
        "external_id": customer.external_id or customer.id,
        "customer_name": customer.name,
        "do_not_mail": "true" if customer.do_not_mail else "false",
        "invoice_delivery": customer.invoice_delivery,
    }
    own = _pack([c for c in contacts if c.location_id is None], opted_out)
    lines = [base | row for row in own] if own or not locations else []
    if not own and not locations:
        lines = [base | {"sms_opted_out": "false"}]
    for location in locations:
        place = base | {"location_name": location.name} | address_cells(location.address)
        packed = _pack([c for c in contacts if c.location_id == location.id], opted_out)
        lines += [place | row for row in packed or [{"sms_opted_out": "false"}]]
    return [[line.get(column, "") for column in COLUMNS] for line in lines]


def _pack(contacts: Sequence[t.Contact], opted_out: Callable[[str], bool]) -> list[dict[str, Any]]:
    """Contacts into rows: one of each kind a row, sharing memo and SMS opt-out."""
    rows: list[dict[str, Any]] = []
    for contact in contacts:
        out = opted_out(contact.value) if contact.kind in NUMBERS else None
        memo = contact.memo or ""
        row = next((r for r in rows if _fits(r, contact.kind, memo, out)), None)
        if row is None:
            row = {"memo": memo, "_out": None}
            rows.append(row)
        row[contact.kind] = contact.value
        if out is not None:
            row["_out"] = out
    return [
        {k: v for k, v in r.items() if k != "_out"} | {"sms_opted_out": _flag(r["_out"])}
        for r in rows
    ]


def _fits(row: dict[str, Any], kind: str, memo: str, out: bool | None) -> bool:
    return kind not in row and row["memo"] == memo and (out is None or row["_out"] in (None, out))


def _flag(value: bool | None) -> str:
    return "true" if value else "false"


def _all_numbers_out(consent: dict[str, AddressState], value: str) -> bool:
    state = consent.get(value)
    return state is not None and ALL_NUMBERS in state.opted_out_scopes
