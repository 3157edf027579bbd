"""How customers, locations and contacts look to callers: one shape for the API and the UI.

Every builder reads in a fixed number of queries, whatever the number of contacts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from heed.adapters.db import customers as customer_db
from heed.adapters.db import ledger
from heed.adapters.db import marketing as stored_marketing
from heed.adapters.db import tables as t
from heed.adapters.db.contacts import ContactRepository
from heed.adapters.db.uow import Transaction
from heed.domain import areacodes
from heed.domain.addresses import display_phone
from heed.domain.consent import NO_CONSENT_RECORDED as NO_CONSENT_RECORDED
from heed.domain.consent import AddressState, fold_rows
from heed.domain.marketing import NO_MARKETING, MarketingState
from heed.domain.preferences import PHONE_KINDS as PHONE_KINDS
from heed.domain.street_address import PARTS, StreetAddress
from heed.services.common import now

INVOICE_FLAG = "email_delivery_without_invoice_contact"


# Current consent per key from stored scope rows: the domain's one reading of them.
fold_consent = fold_rows


def consent_for(
    tx: Transaction, account_id: str, addresses: Iterable[str]
) -> dict[str, AddressState]:
    """Current consent of each address, as the ledger's fold defines it
    (heed.domain.consent); nothing recorded means no limits."""
    return ledger.consent_for(tx.session, account_id, addresses)


def invoice_delivery_list(stored: str) -> list[str]:
    return [part for part in ("mail", "email") if part in stored.split(",")]


def contact_view(
    contact: t.Contact,
    consent: AddressState,
    do_not_mail: bool,
    marketing: MarketingState = NO_MARKETING,
) -> dict[str, Any]:
    is_phone = contact.kind in PHONE_KINDS
    sms_opted_out = is_phone and consent.sms_opted_out
    email_suppressed = contact.kind == "email" and consent.suppression != "none"
    notifications = {
        "job": contact.notify_job,
        "invoice_statement": contact.notify_invoice_statement,
        "marketing": contact.notify_marketing,
    }
    # The customer's own word shows first: an unsubscribed or bounced email reads like
    # an opted-out phone, and no staff click turns it back on.
    if sms_opted_out or email_suppressed:
        bell = "opted_out"
    elif do_not_mail:
        bell = "locked"
    elif any(notifications.values()):
        bell = "on"
    else:
        bell = "off"
    return {
        "id": contact.id,
        "owner": _owner_ref(contact),
        "customer_id": contact.customer_id,
        "kind": contact.kind,
        "value": contact.value,
        "display": display_phone(contact.value) if is_phone else contact.value,
        "memo": contact.memo,
        "notifications": notifications,
        "bell": bell,
        "sms_opted_out": sms_opted_out,
        # The business numbers it opted out from ("*": all of them), per R-13's scope.
        "sms_opt_out_scopes": sorted(consent.opted_out_scopes) if is_phone else [],
        "email_suppressed": email_suppressed,
        "email_suppression": consent.suppression if contact.kind == "email" else "none",
        "placeholder": contact.placeholder,
        # consented, pending, withdrawn, none, or not_on_record (marketing on from
        # before heed kept evidence: no marketing text goes until evidence exists).
        "marketing_consent": str(
            marketing.status(now(), setting_on=is_phone and bool(contact.notify_marketing))
        ),
        # For the staff page's marketing line; the API's Contact does not carry it.
        "marketing_detail": {
            "method": marketing.method,
            "since": _iso(marketing.pending_since or marketing.changed_at),
        },
    }


def contact_views(
    tx: Transaction, account_id: str, contacts: Sequence[t.Contact]
) -> list[dict[str, Any]]:
    consent = consent_for(tx, account_id, (c.value for c in contacts))
    dnm = ContactRepository(tx, account_id).do_not_mail(c.customer_id for c in contacts)
    marketing = stored_marketing.states(tx, account_id, (c.value for c in contacts))
    return [
        contact_view(
            c,
            consent.get(c.value, NO_CONSENT_RECORDED),
            dnm.get(c.customer_id, False),
            marketing.get(c.value, NO_MARKETING),
        )
        for c in contacts
    ]


def _owner_ref(contact: t.Contact) -> dict[str, str | None]:
    if contact.location_id:
        return {"type": "location", "id": contact.location_id}
    return {"type": "customer", "id": contact.customer_id}


def sync_candidate_views(
    others: Iterable[t.Contact], customer_id: str, names: dict[str, str]
) -> list[dict[str, Any]]:
    """Other records carrying a changed value (R-6); ``names`` are their customers' names."""
    return [
        {
            "contact_id": other.id,
            "owner": _owner_ref(other),
            "customer_id": other.customer_id,
            "customer_name": names.get(other.customer_id),
            "other_customer": other.customer_id != customer_id,
        }
        for other in others
    ]


def contact_change_view(change: t.ContactChange) -> dict[str, Any]:
    """One value change of a contact (R-5); a removal has no new value."""
    return {
        "old_value": change.old_value,
        "new_value": change.new_value,
        "actor": change.actor,
        "at": change.at.isoformat(),
    }


def stored_address(row: t.Location | t.Customer, prefix: str) -> StreetAddress | None:
    """The structured address kept in ``<prefix>_<part>`` columns; None for a plain-text
    (or no) address."""
    parts = {part: getattr(row, f"{prefix}_{part}") for part in PARTS}
    if not parts["country"]:
        return None
    return StreetAddress(**parts)


def address_view(
    row: t.Location | t.Customer, prefix: str, text: str | None
) -> dict[str, Any] | str | None:
    """An address as callers read it: the object when it was given structured, else the
    string it was given as (R-27)."""
    structured = stored_address(row, prefix)
    return structured.as_dict() if structured is not None else text


def address_text(view: dict[str, Any] | str | None) -> str:
    """An address as address_view answers it, as one line of text ("" for none)."""
    if isinstance(view, dict):
        return StreetAddress(**view).one_line()
    return view or ""


def _area_code_zone(contacts: list[dict[str, Any]]) -> str | None:
    """The one zone of the first of a location's numbers whose area code has only one."""
    for contact in contacts:
        if contact["kind"] in PHONE_KINDS and str(contact["value"]).startswith("+1"):
            zones = areacodes.zones_for(contact["value"])
            if len(zones) == 1:
                return zones[0]
    return None


def location_view(location: t.Location, contacts: list[dict[str, Any]]) -> dict[str, Any]:
    """A location with its time zone and where it came from (``given``, ``postal_code``, or
    ``area_code`` when only its numbers say), and the jurisdiction its address names."""
    structured = stored_address(location, "address")
    zone, source = location.time_zone, location.time_zone_source
    if zone is None:
        zone = _area_code_zone(contacts)
        source = "area_code" if zone else None
    return {
        "id": location.id,
        "customer_id": location.customer_id,
        "name": location.name,
        "address": structured.as_dict() if structured is not None else location.address,
        "time_zone": zone,
        "time_zone_source": source,
        "jurisdiction": structured.jurisdiction if structured is not None else None,
        "contacts": contacts,
    }


def customer_flags(customer: t.Customer, contacts: Iterable[t.Contact]) -> list[str]:
    flags: list[str] = []
    if "email" in invoice_delivery_list(customer.invoice_delivery) and not any(
        c.kind == "email" and c.notify_invoice_statement and not c.placeholder for c in contacts
    ):
        flags.append(INVOICE_FLAG)
    if any(c.placeholder for c in contacts):
        flags.append("placeholder_contact")
    return flags


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def customer_view(tx: Transaction, customer: t.Customer) -> dict[str, Any]:
    account_id = customer.account_id
    contacts = customer_db.customer_contacts(tx, account_id, customer.id)
    locations = customer_db.customer_locations(tx, account_id, customer.id)
    consent = consent_for(tx, account_id, (c.value for c in contacts))
    marketing = stored_marketing.states(tx, account_id, (c.value for c in contacts))
    views = {
        c.id: contact_view(
            c,
            consent.get(c.value, NO_CONSENT_RECORDED),
            customer.do_not_mail,
            marketing.get(c.value, NO_MARKETING),
        )
        for c in contacts
    }
    own = [views[c.id] for c in contacts if c.location_id is None]
    return {
        "id": customer.id,
        "name": customer.name,
        "do_not_mail": customer.do_not_mail,
        "invoice_delivery": invoice_delivery_list(customer.invoice_delivery),
        "billing_address": address_view(customer, "billing", customer.billing_address),
        # What decides marketing email law: "CA" needs CASL consent.
        "consent_country": customer.consent_country,
        "last_purchase_at": _iso(customer.last_purchase_at),
        "last_inquiry_at": _iso(customer.last_inquiry_at),
        "contacts": own,
        "locations": [
            location_view(loc, [views[c.id] for c in contacts if c.location_id == loc.id])
            for loc in locations
        ],
        "flags": customer_flags(customer, contacts),
    }
