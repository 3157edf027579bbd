"""The audit trail made visible (R-23, R-33): a customer's, a location's or a contact's
changes, newest first, a page at a time.

Rows are stored one changed field each, values as text; this module reads them as
items ``{id, at, actor, action, target, changes: {field: [old, new]}}`` (CONTRACT
"Audit"), turning the stored text back into booleans and lists where the field is one.
A customer's history holds its locations' and contacts' rows too; a location's, its
contacts'; with no record named, the whole account's trail (its settings too). A staff
opt-out of an address shows in every record holding that address.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from heed.adapters.db import audit as stored
from heed.adapters.db import tables as t
from heed.adapters.db.contacts import ContactRepository
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.errors import Invalid, NotFound
from heed.services.common import Principal
from heed.services.customers import load_customer, load_location
from heed.services.display import Actor, account_zone, actors
from heed.services.permissions import requires

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_ID_LIMIT = 40
_BOOLEAN_FIELDS = (
    "do_not_mail",
    "customer_notifications_enabled",
    "sms_opt_out",
    "email_suppression",
)


@dataclass(frozen=True)
class AuditQuery:
    """Whose history, how many items, and from where (a ``next_cursor`` of a page before)."""

    record: stored.Record
    limit: int = DEFAULT_LIMIT
    after: tuple[datetime, str] | None = None

    @classmethod
    def parse(
        cls,
        *,
        customer_id: str | None = None,
        location_id: str | None = None,
        contact_id: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> AuditQuery:
        given = {
            name: value
            for name, value in (
                ("customer_id", customer_id),
                ("location_id", location_id),
                ("contact_id", contact_id),
            )
            if value
        }
        if len(given) > 1:
            raise Invalid(
                "Give at most one of customer_id, location_id or contact_id.",
                field=list(given)[1],
            )
        for name, value in given.items():
            if len(value) > _ID_LIMIT or "\x00" in value:
                raise Invalid(
                    f"{name} must be an id of at most {_ID_LIMIT} characters.", field=name
                )
        if limit is None:
            limit = DEFAULT_LIMIT
        if not 1 <= limit <= MAX_LIMIT:
            raise Invalid(f"limit must be between 1 and {MAX_LIMIT}.", field="limit")
        return cls(stored.Record(**given), limit, None if cursor is None else decode_cursor(cursor))


def encode_cursor(at: datetime, row_id: str) -> str:
    raw = json.dumps([at.isoformat(), row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The ``(at, id)`` key a cursor carries; anything heed did not hand out is refused."""
    refused = Invalid(
        "cursor is not one heed gave: pass the next_cursor of the page before, unchanged.",
        field="cursor",
    )
    if not cursor or len(cursor) > 200:
        raise refused
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at_text, row_id = json.loads(raw)
        at = datetime.fromisoformat(at_text)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise refused from None
    if at.tzinfo is None or not isinstance(row_id, str) or not 0 < len(row_id) <= _ID_LIMIT:
        raise refused
    return at, row_id


@dataclass(frozen=True)
class AuditPage:
    """One page of a record's history, and the account's zone to show its times in."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    zone: ZoneInfo
    record_name: str | None = None
    """The customer's or location's name, for a page's heading."""
    customer_id: str | None = None
    """The record's customer, for a location's page to lead back to."""

    def as_dict(self) -> dict[str, Any]:
        return {"items": self.items, "next_cursor": self.next_cursor}


@requires("customer:view")
def audit_trail(uow: UnitOfWork, principal: Principal, query: AuditQuery) -> AuditPage:
    """The record's changes, newest first (customer:view). A record of another account,
    or none, is not found: no row of another account is ever read."""
    account_id = principal.account_id
    with uow.read() as tx:
        name, customer_id = _check_record(tx, account_id, query.record)
        rows = stored.history(
            tx, account_id, query.record, before=query.after, limit=query.limit + 1
        )
        shown = rows[: query.limit]
        who = actors(tx, account_id, (row.actor for row in shown))
        named = stored.target_names(tx, account_id, _targets(shown))
        zone = account_zone(tx, account_id)
    more = len(rows) > query.limit
    return AuditPage(
        [audit_item(row, who[row.actor], _label(row, named)) for row in shown],
        encode_cursor(shown[-1].at, shown[-1].id) if more else None,
        zone,
        name,
        customer_id,
    )


def _targets(rows: list[t.AuditEntry]) -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {}
    for row in rows:
        ids.setdefault(row.entity, set()).add(row.entity_id)
    return ids


def _label(row: t.AuditEntry, named: dict[tuple[str, str], str]) -> str:
    """The record's name now; a removed contact by the value it had; an address itself."""
    found = named.get((row.entity, row.entity_id))
    if found is not None:
        return found
    if row.entity == "contact" and row.field == "value" and row.old:
        return row.old
    return row.entity_id


def _check_record(
    tx: Transaction, account_id: str, record: stored.Record
) -> tuple[str | None, str | None]:
    """The record's name and customer, once it is known to be the account's."""
    if record.customer_id is not None:
        customer = load_customer(tx, account_id, record.customer_id)
        return customer.name, customer.id
    if record.location_id is not None:
        location = load_location(tx, account_id, record.location_id)
        return location.name, location.customer_id
    if record.contact_id is not None:
        contact = ContactRepository(tx, account_id).get(record.contact_id)
        if contact is not None:
            return contact.value, contact.customer_id
        if not stored.has_rows_of(tx, account_id, "contact", record.contact_id):
            raise NotFound("No contact with this id.")
    return None, None


def audit_item(row: t.AuditEntry, actor: Actor, label: str) -> dict[str, Any]:
    """One stored row as the API shows it; ``label`` names the target as staff know it."""
    old, new = _value(row.field, row.old), _value(row.field, row.new)
    field, action = row.field, "updated"
    if field == "created":
        field, action = "name", "created"
    elif row.entity == "contact" and field == "value" and (old is None or new is None):
        action = "created" if old is None else "removed"
    elif row.entity == "consent":
        action = "opted_out" if new is True else "updated"
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "actor": actor.as_dict(),
        "action": action,
        "target": {"type": row.entity, "id": row.entity_id, "label": label},
        "changes": {field: [old, new]},
    }


def _value(field: str, text: str | None) -> Any:
    """A stored value as it was before it became text: on/off → a boolean, a list back."""
    if text is None:
        return None
    if field in _BOOLEAN_FIELDS or field.startswith("notifications."):
        return {"on": True, "off": False}.get(text, text)
    if field == "invoice_delivery":
        return [part for part in text.split(",") if part]
    return text
