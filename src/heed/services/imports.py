"""Bulk import of customers, locations and contacts from another system.

A batch is one transaction: one bad row refuses the whole batch, naming the row
and field. Placeholder values are kept and flagged, never messaged (R-2). A
contact the other system knew as opted out (``"opted_out": true``) arrives
opted out, recorded in the ledger with source ``import``; an import can never
opt anyone back in (R-12).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from heed.adapters.db.uow import UnitOfWork
from heed.domain.addresses import parse_contact_value
from heed.domain.consent import ALL_NUMBERS, ConsentAction
from heed.domain.errors import Invalid
from heed.services.common import Principal
from heed.services.consent import Ledger
from heed.services.customers import CustomerInput, insert_customers

MAX_IMPORT = 5000


def import_customers(uow: UnitOfWork, principal: Principal, rows: list[Any]) -> dict[str, Any]:
    if not isinstance(rows, list) or not rows:
        raise Invalid("customers must list at least one customer.", field="customers")
    if len(rows) > MAX_IMPORT:
        raise Invalid(
            f"customers may hold at most {MAX_IMPORT} rows per import.", field="customers"
        )
    parsed = [CustomerInput.parse(row, f"customers[{i}]") for i, row in enumerate(rows)]
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        ids = insert_customers(
            tx,
            principal,
            account,
            [(data, f"customers[{i}]") for i, data in enumerate(parsed)],
            imported=True,
        )
        opted_out = sorted(
            {
                parse_contact_value(kind, value, allow_placeholder=True).value
                for kind, value in _opted_out_contacts(rows)
            }
        )
        # One ledger for the batch: one consent read, one write per table.
        ledger = Ledger(tx, account, opted_out)
        for address in opted_out:
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
        ledger.write()
        tx.commit()
    return {"created": ids, "opted_out": opted_out}


def _opted_out_contacts(rows: list[Any]) -> Iterator[tuple[str, str]]:
    for row in rows:
        contacts = list(row.get("contacts") or [])
        for location in row.get("locations") or []:
            contacts.extend(location.get("contacts") or [])
        for contact in contacts:
            if contact.get("opted_out") is True and contact.get("kind") != "fax":
                yield contact["kind"], contact["value"]
