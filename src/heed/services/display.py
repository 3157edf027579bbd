"""How staff-facing faces name who acted and when: the account's local time with its
zone's abbreviation, and an actor's label (a staff member, an API key, the customer,
the provider, heed itself). The History panel, ``heed audit`` and the API's audit
items use these; other pages may too."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from heed.adapters.db import accounts as stored_accounts
from heed.adapters.db import staff as stored_staff
from heed.adapters.db.uow import Transaction
from heed.domain import areacodes
from heed.domain.addresses import display_phone

UTC_ZONE = ZoneInfo("UTC")
PROVIDER_LABEL = "Twilio"


def account_zone(tx: Transaction, account_id: str) -> ZoneInfo:
    """The account's local zone: its first business number's area code's (the first
    of a split code's zones), else UTC. Accounts have no zone setting of their own yet."""
    number = stored_accounts.first_business_number(tx, account_id)
    zones = areacodes.zones_for(number) if number else ()
    return ZoneInfo(zones[0]) if zones else UTC_ZONE


def local_time(at: datetime, zone: ZoneInfo) -> str:
    """``2026-12-07 14:05 CST``: the moment in ``zone``, with the zone's abbreviation."""
    moment = at.astimezone(zone)
    return f"{moment:%Y-%m-%d %H:%M} {moment.tzname()}"


@dataclass(frozen=True)
class Actor:
    """Who acted, as the audit trail shows them (CONTRACT "Audit")."""

    type: str  # user | key | customer | provider | system
    id: str | None
    label: str

    def as_dict(self) -> dict[str, str | None]:
        return {"type": self.type, "id": self.id, "label": self.label}


def actors(tx: Transaction, account_id: str, names: Iterable[str]) -> dict[str, Actor]:
    """Each stored actor name (``user:<email>``, ``api_key:<id>``…) as an Actor, staff
    members read in one statement."""
    names = set(names)
    emails = [name.partition(":")[2] for name in names if name.startswith("user:")]
    users = {u.email: (u.id, u.name) for u in stored_staff.users_by_email(tx, account_id, emails)}
    return {name: actor_of(name, users) for name in names}


def actor_labels(tx: Transaction, account_id: str, names: Iterable[str]) -> dict[str, str]:
    """Each stored actor name's label alone, for pages that show who acted as text."""
    return {name: actor.label for name, actor in actors(tx, account_id, names).items()}


def actor_of(name: str, users: dict[str, tuple[str, str | None]]) -> Actor:
    """One stored actor name as an Actor; ``users`` maps staff emails to their ids and
    names."""
    kind, _, rest = name.partition(":")
    if kind == "user" and rest:
        # A staff member is shown by their name when they have one, else by their email.
        user_id, user_name = users.get(rest, (None, None))
        return Actor("user", user_id, user_name or rest)
    if kind in ("api_key", "gateway_key") and rest:
        return Actor("key", rest, ("Gateway key " if kind == "gateway_key" else "API key ") + rest)
    if kind == "customer" and rest:
        label = display_phone(rest) if rest.startswith("+") else rest
        return Actor("customer", rest, f"The customer ({label})")
    if kind == "provider":
        return Actor("provider", rest or None, PROVIDER_LABEL)
    if kind == "operator":
        return Actor(
            "system", rest or None, f"heed command line ({rest})" if rest else "heed command line"
        )
    return Actor("system", name or None, "heed")


FIELD_LABELS = {
    "name": "Name",
    "billing_address": "Billing address",
    "invoice_delivery": "Invoice delivery",
    "do_not_mail": "Do Not Mail",
    "address": "Address",
    "time_zone": "Time zone",
    "value": "Value",
    "kind": "Type",
    "memo": "Memo",
    "notifications.job": "Job notifications",
    "notifications.invoice_statement": "Invoice / statement notifications",
    "notifications.marketing": "Marketing notifications",
    "sms_opt_out": "SMS opt-out",
    "email_suppression": "Email suppression",
}
TARGET_LABELS = {"customer": "Customer", "location": "Location", "contact": "Contact"}


def value_text(value: object) -> str:
    """A changed value as a person reads it: on/off, a list joined, an em dash for none."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return display_phone(value) if isinstance(value, str) and value.startswith("+") else str(value)


def change_lines(item: dict[str, Any]) -> list[str]:
    """An audit item's changes as sentences: ``Do Not Mail: off → on``; a location's or
    contact's change names it; an added or removed record is said so."""
    action, target = item["action"], item["target"]
    kind, name = target["type"], value_text(target.get("label") or target["id"])
    lines = []
    for field, (old, new) in item["changes"].items():
        label = FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
        if action == "created":
            lines.append(f"{TARGET_LABELS.get(kind, 'Record')} added: {value_text(new)}")
        elif action == "removed":
            lines.append(f"Contact removed: {value_text(old)}")
        else:
            of = "" if kind == "customer" else f" of {name}"
            lines.append(f"{label}{of}: {value_text(old)} → {value_text(new)}")
    return lines
