"""What every service shares: who is acting, ids, the clock and the audit trail."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from heed.adapters.db import accounts as stored_accounts
from heed.adapters.db import tables as t
from heed.adapters.db.audit import AuditRow, add_audit_row, add_audit_rows
from heed.adapters.db.rows import insert_rows as insert_rows  # services write batches with it
from heed.adapters.db.uow import Transaction
from heed.domain.errors import Forbidden, NotFound

PERMISSIONS = (
    "customer:view",
    "customer:edit",
    "location:view",
    "location:edit",
    "settings:view",
    "settings:manage",
    "messages:send",
    "consent:export",
    # Recording a customer's marketing consent with its evidence.
    "consent:record",
)

# Posting inbound texts and email events can opt numbers in (a START), so it belongs
# to gateway keys alone: no staff role, staff key or the account's first key
# holds it, and a gateway key holds nothing else.
INBOUND = "inbound:record"
GRANTABLE = PERMISSIONS

ROLES: dict[str, tuple[str, ...]] = {
    "admin": PERMISSIONS,
    "office": (
        "customer:view",
        "customer:edit",
        "location:view",
        "location:edit",
        "messages:send",
        "consent:export",
        "consent:record",
    ),
    "viewer": ("customer:view", "location:view"),
}


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: an API key or a staff login, always within one account."""

    account_id: str
    actor: str
    permissions: frozenset[str] = field(default_factory=frozenset)
    # The credential that authenticated the caller, as ledger entries name it:
    # api_key:<id>, gateway_key:<id> or user:<id>; empty for in-process callers.
    credential: str = ""

    @property
    def via(self) -> str:
        return self.credential or self.actor

    @property
    def is_gateway(self) -> bool:
        return self.credential.startswith("gateway_key:")

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise Forbidden(
                f"This action needs the {permission} permission.", permission=permission
            )


def utcnow() -> datetime:
    return datetime.now(UTC)


# Tests replace the clock (a server under test through HEED_TEST_CLOCK); nothing else should.
clock: Callable[[], datetime] = utcnow


def clock_starting_at(start: datetime) -> Callable[[], datetime]:
    """A clock that reads ``start`` now and runs on from there at the wall clock's pace,
    so a server under test lives at a chosen hour and still sees time pass."""
    offset = start - utcnow()
    return lambda: utcnow() + offset


def now() -> datetime:
    return clock()


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(10)}"


def audit(
    tx: Transaction,
    principal: Principal,
    entity: str,
    entity_id: str,
    field_name: str,
    old: object,
    new: object,
    *,
    customer_id: str | None = None,
    location_id: str | None = None,
) -> None:
    """One audit row per changed field (R-23); unchanged fields leave no row.

    ``customer_id`` and ``location_id`` place the row in a record's history (R-33):
    give them for a contact (and a location's customer); a customer's or a location's
    own row places itself.
    """
    if old == new:
        return
    add_audit_row(
        tx,
        _audit_row(principal, entity, entity_id, field_name, old, new, customer_id, location_id),
    )


AuditChange = tuple[str, str, str, object, object]
"""(entity, entity_id, field, old, new), as audit() takes them."""
PlacedAuditChange = tuple[str, str, str, object, object, str | None, str | None]
"""An AuditChange with the customer_id and location_id of its record."""


def audit_many(
    tx: Transaction, principal: Principal, changes: Sequence[AuditChange | PlacedAuditChange]
) -> None:
    """audit() for many rows at once, written in one statement (imports add thousands)."""
    rows = [_audit_row(principal, *change) for change in changes if change[3] != change[4]]
    add_audit_rows(tx, rows)


def _audit_row(
    principal: Principal,
    entity: str,
    entity_id: str,
    field_name: str,
    old: object,
    new: object,
    customer_id: str | None = None,
    location_id: str | None = None,
) -> AuditRow:
    if entity == "customer":
        customer_id = customer_id or entity_id
    elif entity == "location":
        location_id = location_id or entity_id
    return AuditRow(
        account_id=principal.account_id,
        id=new_id("aud"),
        actor=principal.actor,
        entity=entity,
        entity_id=entity_id,
        field=field_name,
        old=None if old is None else _text(old),
        new=None if new is None else _text(new),
        at=now(),
        customer_id=customer_id,
        location_id=location_id,
    )


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(str(v) for v in value)
    return str(value)


def get_account(tx: Transaction, account_id: str) -> t.Account:
    account = stored_accounts.get(tx, account_id)
    if account is None:
        raise NotFound("No such account.")
    return account
