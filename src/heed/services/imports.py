"""Bulk import of customers, locations and contacts from another system.

A batch is one transaction: one bad row refuses the whole batch, naming the row
and field. Placeholder values are kept and flagged, never messaged (R-2). A
contact the other system knew as opted out (``"opted_out": true``) arrives
opted out, recorded in the ledger with source ``import``; an import can never
opt anyone back in (R-12).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.addresses import parse_contact_value
from heed.domain.consent import ALL_NUMBERS, ConsentAction
from heed.domain.errors import Invalid
from heed.services.common import Principal
from heed.services.consent import Ledger
from heed.services.customer_commands import CustomerInput
from heed.services.customers import insert_customers, require_to_add
from heed.services.permissions import checked_inside

MAX_IMPORT = 5000


@dataclass(frozen=True)
class ImportBatch:
    """The customers to add, and the (kind, value) of each contact imported as opted out."""

    customers: list[CustomerInput]
    opted_out: list[tuple[str, str]]

    @classmethod
    def parse(cls, rows: object) -> ImportBatch:
        """The other system's rows, each a customer as the API's POST /v1/customers takes
        it, with ``opted_out`` allowed on contacts; errors name ``customers[i]...``."""
        if not isinstance(rows, list) or not rows:
            raise Invalid("customers must list at least one customer.", field="customers")
        if len(rows) > MAX_IMPORT:
            raise Invalid(
                f"customers may hold at most {MAX_IMPORT} rows per import.", field="customers"
            )
        customers = [CustomerInput.parse(row, f"customers[{i}]") for i, row in enumerate(rows)]
        return cls(customers, list(_opted_out_contacts(rows)))

    @property
    def locations(self) -> bool:
        return any(customer.locations for customer in self.customers)


def _opted_out_contacts(rows: list[Mapping[str, Any]]) -> Iterator[tuple[str, str]]:
    for row in rows:
        contacts = list(row.get("contacts") or [])
        for location in row.get("locations") or []:
            contacts.extend(location.get("contacts") or [])
        for contact in contacts:
            if contact.get("opted_out") is True and contact.get("kind") != "fax":
                yield contact["kind"], contact["value"]


@checked_inside
def import_customers(uow: UnitOfWork, principal: Principal, rows: object) -> dict[str, Any]:
    """Import the other system's rows (see ImportBatch.parse) in one transaction."""
    return import_batch(uow, principal, ImportBatch.parse(rows))


@checked_inside
def import_batch(uow: UnitOfWork, principal: Principal, batch: ImportBatch) -> dict[str, Any]:
    """Customers need customer:edit; a batch with locations needs location:edit too."""
    require_to_add(principal, locations=batch.locations)
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        ids = insert_customers(
            tx,
            principal,
            account,
            [(data, f"customers[{i}]") for i, data in enumerate(batch.customers)],
            imported=True,
        )
        opted_out = sorted(
            {
                parse_contact_value(kind, value, allow_placeholder=True).value
                for kind, value in batch.opted_out
            }
        )
        record_import_opt_outs(tx, principal, account, opted_out)
        tx.commit()
    return {"created": ids, "opted_out": opted_out}


def record_import_opt_outs(
    tx: Transaction, principal: Principal, account: t.Account, addresses: Sequence[str]
) -> set[str]:
    """Opt each number out of every business number (an email: suppress it), source and
    via ``import``, in the caller's transaction; an address already out is left as it
    is. Returns the addresses that got a new ledger entry. Never opts anyone in (R-12).
    """
    # One ledger for the batch: one consent read, one write per table.
    ledger = Ledger(tx, account, addresses)
    appended: set[str] = set()
    for address in addresses:
        email = "@" in address
        state = ledger.state(address)
        if (email and state.suppression != "none") or (
            not email and ALL_NUMBERS in state.opted_out_scopes
        ):
            continue
        ledger.append(
            address=address,
            channel="email" if email else "sms",
            scope=ALL_NUMBERS,
            action=ConsentAction.SUPPRESS if email else ConsentAction.OPT_OUT,
            source="import",
            actor=principal.actor,
            via="import",
        )
        appended.add(address)
    ledger.write()
    return appended
