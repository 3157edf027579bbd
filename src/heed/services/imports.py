"""Bulk import of customers, locations and contacts from another system.

A batch is one transaction: one bad row refuses the whole batch, naming the row
and field. Placeholder values are kept and flagged, never messaged (R-2).
"""

from __future__ import annotations

from typing import Any

from heed.adapters.db.uow import UnitOfWork
from heed.domain.errors import Invalid
from heed.services.common import Principal
from heed.services.customers import CustomerInput, insert_customer

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
        ids = [
            insert_customer(tx, principal, account, data, f"customers[{i}]", imported=True).id
            for i, data in enumerate(parsed)
        ]
        tx.session.flush()
        tx.commit()
    return {"created": ids}
