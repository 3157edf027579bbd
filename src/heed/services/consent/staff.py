"""What staff do with consent: record a customer's request to stop, and read the
ledger as evidence (R-12, R-15, R-17)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from heed.adapters.csvfile import csv_text
from heed.adapters.db import ledger as stored
from heed.adapters.db.contacts import ContactRepository
from heed.adapters.db.uow import UnitOfWork
from heed.domain.consent import ALL_NUMBERS, ConsentAction, LedgerEntry, Suppression
from heed.domain.errors import Invalid, NotFound
from heed.services.common import Principal, audit
from heed.services.consent.ledger import append, current_consent
from heed.services.consent.marketing import marketing_of
from heed.services.consent.marketing import parse_address as parse_address
from heed.services.display import actor_labels
from heed.services.ledger_check import Problem, verify_account
from heed.services.permissions import requires

EVENT_FIELDS = (
    "seq",
    "at",
    "address",
    "channel",
    "scope",
    "action",
    "source",
    "body",
    "provider_message_id",
    "actor",
    "via",
    "prev_hash",
    "hash",
    "evidence",
    # Added last: the chain an entry belongs to (empty for the legacy segment).
    "stripe",
)


STAFF_METHODS = ("phone_call", "in_person", "written")
"""How staff heard a customer's request to stop."""


@dataclass(frozen=True)
class OptOut:
    """A customer's request to stop, heard by other means than a text or a link.

    ``source`` is ``staff`` (said on the phone or in person) or ``import``. ``method``
    says how staff heard it: the ledger entry's source becomes ``staff_<method>``
    (``staff_phone_call``: "the customer called and asked us to stop texting").
    """

    address: str
    note: str | None = None
    source: Literal["staff", "import"] = "staff"
    method: Literal["phone_call", "in_person", "written"] | None = None

    @property
    def ledger_source(self) -> str:
        if self.source == "staff" and self.method is not None:
            return f"staff_{self.method}"
        return self.source


@requires("customer:edit")
def record_opt_out(uow: UnitOfWork, principal: Principal, command: OptOut) -> bool:
    """Record that a customer asked, by other means, to stop (customer:edit).

    This path only ever opts out: lifting an SMS opt-out is the customer's alone
    (R-12), and lifting an email suppression is not offered to staff either.
    Answers whether anything changed.
    """
    if command.source not in ("staff", "import"):
        raise Invalid("source must be staff or import.", field="source")
    if command.method not in (None, *STAFF_METHODS):
        raise Invalid(f"method must be one of {', '.join(STAFF_METHODS)}.", field="method")
    value, channel = parse_address(command.address)
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        current = current_consent(tx, account.id, [value])[value]
        if channel == "sms":
            if ALL_NUMBERS in current.opted_out_scopes:
                return False
            action = ConsentAction.OPT_OUT
        else:
            if current.suppression is not Suppression.NONE:
                return False
            action = ConsentAction.SUPPRESS
        append(
            tx,
            account,
            address=value,
            channel=channel,
            scope=ALL_NUMBERS,
            action=action,
            source=command.ledger_source,
            actor=principal.actor,
            via="import" if command.source == "import" else principal.via,
            body=command.note,
        )
        # The record's History shows it beside the other changes staff made.
        field = "sms_opt_out" if channel == "sms" else "email_suppression"
        audit(tx, principal, "consent", value, field, False, True)
        tx.commit()
    return True


@requires("customer:edit")
def record_contact_opt_out(
    uow: UnitOfWork, principal: Principal, contact_id: str, note: str | None = None
) -> bool:
    """Staff heard the customer on the phone ask to stop texts to this contact's number:
    :func:`record_opt_out` of its number, ``method`` phone_call (customer:edit)."""
    with uow.read() as tx:
        contact = ContactRepository(tx, principal.account_id).get(contact_id)
        if contact is None:
            raise NotFound("No contact with this id.")
        value, kind = contact.value, contact.kind
    if kind not in ("mobile", "phone"):
        raise Invalid("Only a phone number can be opted out of texts.", field="contact_id")
    return record_opt_out(uow, principal, OptOut(value, note, method="phone_call"))


@requires("customer:edit")
def record_opt_out_for_customer(
    uow: UnitOfWork,
    principal: Principal,
    address: str,
    *,
    source: str = "staff",
    note: str | None = None,
) -> bool:
    """:func:`record_opt_out` with the request's fields given one by one."""
    return record_opt_out(uow, principal, OptOut(address, note, source))  # type: ignore[arg-type]


@requires("customer:edit")
def record_staff_opt_out(uow: UnitOfWork, principal: Principal, command: OptOut) -> dict[str, Any]:
    """:func:`record_opt_out`, answered with the address's consent and history after it."""
    record_opt_out(uow, principal, command)
    return _consent_of(uow, principal.account_id, command.address)


def event_view(event: LedgerEntry) -> dict[str, Any]:
    """A ledger entry as the API and the export show it."""
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "address": event.address,
        "channel": event.channel,
        "scope": event.scope,
        "action": event.action,
        "source": event.source,
        "body": event.body,
        "provider_message_id": event.provider_message_id,
        "actor": event.actor,
        "via": event.via,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        "evidence": event.evidence,
        "stripe": event.stripe,
    }


def _consent_of(
    uow: UnitOfWork, account_id: str, address: str, *, labelled: bool = False
) -> dict[str, Any]:
    value, channel = parse_address(address)
    with uow.read() as tx:
        state = current_consent(tx, account_id, [value])[value]
        events = stored.entries(tx.session, account_id, address=value)
        marketing = marketing_of(tx, account_id, value)
        labels = actor_labels(tx, account_id, (e.actor for e in events)) if labelled else {}
    views = [event_view(e) for e in events]
    for view in views:
        if labelled:
            view["actor_label"] = labels[view["actor"]]
    return {
        "address": value,
        "channel": channel,
        "opted_out": channel == "sms" and state.sms_opted_out,
        "suppressed": channel == "email" and state.suppression != "none",
        "suppression": state.suppression,
        "scopes": sorted(state.opted_out_scopes),
        "events": views,
        "marketing": marketing,
    }


@requires("consent:export")
def address_consent(uow: UnitOfWork, principal: Principal, address: str) -> dict[str, Any]:
    """One address's consent now and every ledger entry about it, as evidence (consent:export)."""
    return _consent_of(uow, principal.account_id, address)


@requires("customer:view")
def consent_history(uow: UnitOfWork, principal: Principal, address: str) -> dict[str, Any]:
    """One address's consent now and its history, for the staff page (customer:view);
    each entry's actor labelled as the History panel labels it."""
    return _consent_of(uow, principal.account_id, address, labelled=True)


@requires("consent:export")
def ledger_events(
    uow: UnitOfWork, principal: Principal, since: datetime | None = None
) -> list[dict[str, Any]]:
    """The account's whole ledger from ``since`` on, oldest first (consent:export)."""
    with uow.read() as tx:
        events = stored.entries(tx.session, principal.account_id, since=since)
    return [event_view(e) for e in events]


@requires("customer:view")
def latest_events(uow: UnitOfWork, principal: Principal, limit: int = 20) -> list[dict[str, Any]]:
    """The account's latest consent changes, newest first (customer:view): what the
    consent page shows before an address is asked for."""
    with uow.read() as tx:
        events = stored.latest_entries(tx.session, principal.account_id, limit)
    return [event_view(e) for e in events]


def events_csv(events: list[dict[str, Any]]) -> Iterator[str]:
    yield csv_text(EVENT_FIELDS, ([event.get(f) for f in EVENT_FIELDS] for event in events))


def verify_ledger(uow: UnitOfWork, account_id: str) -> Problem | None:
    """The first thing that does not hold in the account's ledger: a broken link, a
    head that is not the last entry, or current consent that is not the ledger's fold
    (:func:`heed.services.ledger_check.verify_account` reports them all)."""
    report = verify_account(uow, account_id)
    return report.problems[0] if report.problems else None
