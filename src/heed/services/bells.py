"""Set all bells: one notification category on or off for every contact of a customer
(its own and its locations'), in one transaction.

The same gates as one contact's settings (heed.domain.preferences): nothing turns on
where the kind does not carry the category, the customer's own word forbids it (an
SMS opt-out, an email suppression, R-12 and R-14) or the customer is Do Not Mail
(R-8); a placeholder is never messaged (R-2). Such contacts are skipped and
reported with the reason, and the others change; turning off always goes through.
Each change is audited (R-23).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from heed.adapters.db import customers as db
from heed.adapters.db import tables as t
from heed.adapters.db.uow import UnitOfWork
from heed.domain import preferences
from heed.domain.addresses import display_phone
from heed.domain.consent import AddressState
from heed.domain.errors import HeedError, Invalid
from heed.services.common import Principal, audit
from heed.services.customers import load_customer
from heed.services.permissions import requires
from heed.services.views import NO_CONSENT_RECORDED, consent_for


@dataclass(frozen=True)
class SetAllBells:
    """Turn ``category`` on (or off) for every contact of ``customer_id``."""

    customer_id: str
    category: str
    on: bool

    @classmethod
    def parse(cls, customer_id: str, data: Mapping[str, Any]) -> SetAllBells:
        category = data.get("category")
        if category not in preferences.CATEGORIES:
            raise Invalid(
                "category must be one of " + ", ".join(preferences.CATEGORIES) + ".",
                field="category",
            )
        on = data.get("on")
        if not isinstance(on, bool):
            raise Invalid("on must be true or false.", field="on")
        return cls(customer_id, str(category), on)


@dataclass(frozen=True)
class Skip:
    reason: str
    message: str


def _why_not(
    principal: Principal,
    contact: t.Contact,
    command: SetAllBells,
    consent: AddressState,
    do_not_mail: bool,
) -> Skip | None:
    """Why this contact's bell stays as it is, or None when it may change."""
    if contact.location_id is not None and not principal.can("location:edit"):
        return Skip(
            "forbidden", "Changing a location's contact needs the location:edit permission."
        )
    if command.category not in preferences.categories_for(contact.kind):
        if not preferences.categories_for(contact.kind):
            return Skip("not_carried", "Faxes get no notifications.")
        return Skip("not_carried", "Invoices and statements go to email contacts only.")
    if not command.on:
        return None
    if contact.placeholder:
        return Skip("placeholder", "A placeholder value is never messaged; fix the value first.")
    try:
        preferences.check_turn_on(
            contact.kind, command.category, consent, do_not_mail=do_not_mail, field="on"
        )
    except HeedError as refused:
        return Skip(refused.code, refused.message)
    return None


def _display(contact: t.Contact) -> str:
    return (
        display_phone(contact.value) if contact.kind in preferences.PHONE_KINDS else contact.value
    )


@requires("customer:edit")
def set_all_bells(uow: UnitOfWork, principal: Principal, command: SetAllBells) -> dict[str, Any]:
    """Set one category for every contact of the customer; answers which contacts changed,
    which already were so, and which were skipped and why."""
    column = f"notify_{command.category}"
    changed: list[str] = []
    unchanged: list[str] = []
    skipped: list[dict[str, str]] = []
    with uow.write() as tx:
        # The account lock orders this against an inbound STOP for one of the numbers.
        tx.lock_account(principal.account_id)
        customer = load_customer(tx, principal.account_id, command.customer_id)
        contacts = db.customer_contacts(tx, customer.account_id, customer.id)
        consent = consent_for(tx, customer.account_id, (c.value for c in contacts))
        for contact in contacts:
            state = consent.get(contact.value, NO_CONSENT_RECORDED)
            skip = _why_not(principal, contact, command, state, customer.do_not_mail)
            if skip is not None:
                skipped.append(
                    {
                        "contact_id": contact.id,
                        "display": _display(contact),
                        "reason": skip.reason,
                        "message": skip.message,
                    }
                )
            elif bool(getattr(contact, column)) == command.on:
                unchanged.append(contact.id)
            else:
                field = f"notifications.{command.category}"
                audit(tx, principal, "contact", contact.id, field, not command.on, command.on)
                setattr(contact, column, command.on)
                changed.append(contact.id)
        tx.commit()
    return {
        "customer_id": command.customer_id,
        "category": command.category,
        "on": command.on,
        "changed": changed,
        "unchanged": unchanged,
        "skipped": skipped,
    }


__all__ = ["SetAllBells", "set_all_bells"]
