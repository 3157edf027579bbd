"""The staff record page of a customer or one of its locations, read in one transaction.

A record gathers the customer with its contacts, consent and locations, and the
latest messages to the contacts on the page. Job recipients (R-19) come from
services.recipients.recipients_in, inside the same read: one transaction a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from heed.adapters.db import accounts as stored_accounts
from heed.adapters.db import customers as db
from heed.adapters.db import messages as stored_messages
from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.decision import Category, Channel
from heed.domain.errors import NotFound
from heed.services import contacts, messages, recipients
from heed.services.common import Principal
from heed.services.customers import load_customer, load_location
from heed.services.messages import message_view
from heed.services.permissions import checked_inside, requires
from heed.services.views import customer_view

RECENT_MESSAGES = 10
SENDABLE_KINDS = ("mobile", "phone", "email")


@dataclass(frozen=True)
class CustomerRecord:
    """What a record page shows: the customer, the locations on the page (each with its
    job contacts), the contacts a message may go to, and the latest messages."""

    customer: dict[str, Any]
    locations: list[dict[str, Any]]
    location: dict[str, Any] | None
    sendable: list[dict[str, Any]]
    messages: list[dict[str, Any]] = field(default_factory=list)
    # The account's business numbers a text may leave from (for who may send).
    senders: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        if self.location is not None:
            return f"/locations/{self.location['id']}"
        return f"/customers/{self.customer['id']}"


@checked_inside
def customer_record(
    uow: UnitOfWork,
    principal: Principal,
    customer_id: str | None = None,
    location_id: str | None = None,
) -> CustomerRecord:
    """The customer's page (customer:view), or one location's (location:view).

    With only ``location_id``, the location must exist. With both, the location's page
    if it is the customer's, else the customer's: how a change answers with the page it
    was made from.
    """
    principal.require("location:view" if location_id else "customer:view")
    account_id = principal.account_id
    with uow.read() as tx:
        customer_row, location = _rows(tx, account_id, customer_id, location_id)
        if location is None:
            principal.require("customer:view")
        customer = customer_view(tx, customer_row)
        locations = _shown_locations(principal, customer, location.id if location else None)
        shown = ([] if location else customer["contacts"]) + [
            c for loc in locations for c in loc["contacts"]
        ]
        sent = (
            stored_messages.latest_to_contacts(
                tx, account_id, [c["id"] for c in shown], RECENT_MESSAGES
            )
            if principal.can("messages:send")
            else []
        )
        senders = (
            stored_accounts.business_numbers(tx, account_id)
            if principal.can("messages:send")
            else []
        )
        for loc in locations:
            loc["job_contacts"] = recipients.recipients_in(
                tx, account_id, recipients.Job(customer["id"], loc["id"], Category.JOB, Channel.SMS)
            )
    return CustomerRecord(
        customer=customer,
        locations=locations,
        location=locations[0] if location else None,
        sendable=[c for c in shown if c["kind"] in SENDABLE_KINDS],
        messages=_messages(sent, shown),
        senders=senders,
    )


def _rows(
    tx: Transaction, account_id: str, customer_id: str | None, location_id: str | None
) -> tuple[t.Customer, t.Location | None]:
    """The record's customer and, for a location's page, the location."""
    if customer_id is None:
        asked = load_location(tx, account_id, location_id or "")
        return load_customer(tx, account_id, asked.customer_id), asked
    found = db.location(tx, account_id, location_id) if location_id else None
    customer = load_customer(tx, account_id, customer_id)
    return customer, found if found is not None and found.customer_id == customer_id else None


def _shown_locations(
    principal: Principal, customer: dict[str, Any], location_id: str | None
) -> list[dict[str, Any]]:
    if not principal.can("location:view"):
        return []
    locations: list[dict[str, Any]] = customer["locations"]
    if location_id is None:
        return locations
    return [loc for loc in locations if loc["id"] == location_id]


def _messages(sent: list[Any], shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {c["id"]: c for c in shown}
    views = []
    for message in sent:
        view = message_view(message)
        contact = by_id.get(view["contact_id"] or "")
        view["to_display"] = contact["display"] if contact else view["to"]
        views.append(view)
    return views


@dataclass(frozen=True)
class Sent:
    """A message sent from a record: the contact it went to and the message."""

    contact: dict[str, Any]
    channel: str
    message: dict[str, Any]


@requires("messages:send")
def send_from_record(
    uow: UnitOfWork,
    principal: Principal,
    customer_id: str,
    contact_id: str,
    body: str,
    sender: str | None = None,
) -> Sent:
    """A manual message to one of the customer's contacts (or its locations'), by the
    channel its kind takes: email to an email, a text to a phone (R-21 decides), a
    text from ``sender`` (one of the business's numbers) when given."""
    contact = contacts.get_contact(uow, principal, contact_id)
    if contact["customer_id"] != customer_id:
        raise NotFound("Choose one of this customer's contacts.", field="contact_id")
    channel = "email" if contact["kind"] == "email" else "sms"
    message = messages.send_message(
        uow,
        principal,
        messages.SendMessage(
            channel,
            body,
            contact_id=contact_id,
            manual=True,
            sender=sender if channel == "sms" else None,
        ),
    )
    return Sent(contact, channel, message)
