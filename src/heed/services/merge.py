"""Merging two records of one customer: the other customer's contacts and locations move
to the kept one, and the other customer goes.

Consent stays with the address (R-17): the ledger and the current-consent projection
are keyed by address, not by customer, so a merge rewrites none of it; a number opted
out on the merged record is just as opted out on the kept one. Do Not Mail travels
with the customer who asked for it (R-8): if either record stands Do Not Mail, the
kept one does, and every notification on it is off. Every move is audited (R-23),
all in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from heed.adapters.db import customers as db
from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain import limits
from heed.domain.errors import Invalid
from heed.services.common import Principal, audit
from heed.services.customer_lists import list_customers
from heed.services.customers import load_customer, set_do_not_mail, visible
from heed.services.permissions import requires
from heed.services.views import customer_view

CANDIDATES = 20


@dataclass(frozen=True)
class MergeCustomers:
    """Keep ``customer_id``; move ``from_customer_id``'s records onto it and remove it."""

    customer_id: str
    from_customer_id: str

    @classmethod
    def parse(cls, customer_id: str, data: Mapping[str, Any]) -> MergeCustomers:
        other = data.get("from_customer_id")
        if not isinstance(other, str) or not other.strip():
            raise Invalid(
                "from_customer_id is required: the customer whose records move.",
                field="from_customer_id",
            )
        other = other.strip()
        if len(other) > limits.ID:
            raise Invalid(
                f"from_customer_id must be at most {limits.ID} characters.",
                field="from_customer_id",
            )
        return cls(customer_id, other)


def _pair(
    tx: Transaction, account_id: str, command: MergeCustomers
) -> tuple[t.Customer, t.Customer]:
    """Both customers, within the account: another account's id is simply not found."""
    kept = load_customer(tx, account_id, command.customer_id)
    merged = load_customer(tx, account_id, command.from_customer_id)
    if kept.id == merged.id:
        raise Invalid(
            "from_customer_id names the kept customer itself: choose another customer.",
            field="from_customer_id",
        )
    return kept, merged


def _duplicates(kept: dict[str, Any], merged: dict[str, Any]) -> list[str]:
    """Values both records list: after the merge the kept customer lists them twice."""

    def values(view: dict[str, Any]) -> set[str]:
        contacts = view["contacts"] + [c for loc in view["locations"] for c in loc["contacts"]]
        return {c["display"] for c in contacts}

    return sorted(values(kept) & values(merged))


@requires("customer:edit")
def merge_preview(uow: UnitOfWork, principal: Principal, command: MergeCustomers) -> dict[str, Any]:
    """What a merge would do, for the confirmation page: both customers as they stand,
    whether Do Not Mail comes over, and the values both list."""
    with uow.read() as tx:
        kept, merged = _pair(tx, principal.account_id, command)
        kept_view = customer_view(tx, kept)
        merged_view = customer_view(tx, merged)
    return {
        "customer": kept_view,
        "from_customer": merged_view,
        "do_not_mail_comes_over": merged.do_not_mail and not kept.do_not_mail,
        "duplicates": _duplicates(kept_view, merged_view),
    }


@requires("customer:edit")
def merge_candidates(
    uow: UnitOfWork, principal: Principal, customer_id: str, text: str
) -> dict[str, Any]:
    """The customer to keep and, for a search text, the other customers it finds (the
    first page, without the kept one): where a merge starts."""
    with uow.read() as tx:
        kept = load_customer(tx, principal.account_id, customer_id)
        customer = {"id": kept.id, "name": kept.name}
    found: list[dict[str, Any]] = []
    if text.strip():
        page = list_customers(uow, principal, q=text.strip()[: limits.NAME], limit=CANDIDATES)
        found = [c for c in page["items"] if c["id"] != customer_id]
    return {"customer": customer, "candidates": found}


@requires("customer:edit")
def merge_customers(
    uow: UnitOfWork, principal: Principal, command: MergeCustomers
) -> dict[str, Any]:
    """Move every contact and location of ``from_customer_id`` to ``customer_id`` and remove
    the emptied customer, in one transaction. The kept customer's name, billing address
    and delivery stay; consent is not touched (it belongs to the address)."""
    with uow.write() as tx:
        # The account lock orders the merge against an inbound STOP and other edits.
        tx.lock_account(principal.account_id)
        kept, merged = _pair(tx, principal.account_id, command)
        merged_name = merged.name
        moved_locations = db.customer_locations(tx, kept.account_id, merged.id)
        moved_contacts = db.customer_contacts(tx, kept.account_id, merged.id)
        for location in moved_locations:
            audit(tx, principal, "location", location.id, "customer_id", merged.id, kept.id)
            location.customer_id = kept.id
        for contact in moved_contacts:
            audit(tx, principal, "contact", contact.id, "customer_id", merged.id, kept.id)
            contact.customer_id = kept.id
        tx.session.flush()
        if merged.do_not_mail or kept.do_not_mail:
            set_do_not_mail(tx, principal, kept, True)
        audit(tx, principal, "customer", merged.id, "merged_into", None, kept.id)
        audit(tx, principal, "customer", kept.id, "merged_from", None, merged.id)
        db.remove_customer(tx, merged)
        tx.session.flush()
        view = customer_view(tx, kept)
        tx.commit()
    return {
        "customer": visible(principal, view),
        "merged_customer_id": command.from_customer_id,
        "merged_customer_name": merged_name,
        "moved_contact_ids": [c.id for c in moved_contacts],
        "moved_location_ids": [loc.id for loc in moved_locations],
    }


__all__ = ["MergeCustomers", "merge_candidates", "merge_customers", "merge_preview"]
