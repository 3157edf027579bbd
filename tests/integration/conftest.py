"""Helpers for the integration tests: they drive the services against a real database.

Everything here is a thin shortcut over a service call, so a test reads as the
story it tells: make a customer, add a contact, text STOP, ask for a decision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from integration_support import NOON_CENTRAL, message_id, written_consent

from heed.bootstrap import Heed
from heed.domain.contacts import ContactInput
from heed.services import common, consent, contacts, customers, decisions
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput, LocationInput


@pytest.fixture
def make_customer(heed: Heed, staff: Principal) -> Callable[..., dict[str, Any]]:
    """``make_customer(name, **fields)`` -> the created customer's view, in the staff account."""

    def make(
        name: str = "Dana Whitfield", principal: Principal | None = None, **fields: Any
    ) -> dict[str, Any]:
        return customers.create_customer(
            heed.uow, principal or staff, CustomerInput.parse({"name": name, **fields})
        )

    return make


@pytest.fixture
def add_contact(heed: Heed, staff: Principal) -> Callable[..., dict[str, Any]]:
    """``add_contact(owner_id, kind, value, **extra)``: owner is a customer or location id.

    A phone asking for marketing has the customer's signed consent recorded first (R-24),
    as staff would; ``consent=False`` leaves it out."""

    def add(
        owner_id: str, kind: str, value: str, principal: Principal | None = None, **extra: Any
    ) -> dict[str, Any]:
        where = (
            {"location_id": owner_id} if owner_id.startswith("loc_") else {"customer_id": owner_id}
        )
        imported = extra.pop("imported", False)
        wants_marketing = (extra.get("notifications") or {}).get("marketing")
        if extra.pop("consent", True) and wants_marketing and kind != "email":
            written_consent(heed, staff, value)
        return contacts.add_contact(
            heed.uow,
            principal or staff,
            ContactInput.parse({"kind": kind, "value": value, **extra}),
            imported=imported,
            **where,
        )

    return add


@pytest.fixture
def make_location(heed: Heed, staff: Principal) -> Callable[..., dict[str, Any]]:
    def make(customer_id: str, name: str = "Lake house", **fields: Any) -> dict[str, Any]:
        return customers.create_location(
            heed.uow, staff, customer_id, LocationInput.parse({"name": name, **fields})
        )

    return make


@pytest.fixture
def inbound(
    heed: Heed, staff: Principal, business_number: str
) -> Callable[..., consent.InboundResult]:
    """``inbound(from_number, body, to=business_number, message_id=fresh)``: a customer texts."""

    def receive(
        sender: str, body: str, *, to: str | None = None, msg_id: str | None = None
    ) -> consent.InboundResult:
        return consent.record_inbound_sms(
            heed.uow,
            staff.account_id,
            from_number=sender,
            to_number=to or business_number,
            body=body,
            message_id=msg_id or message_id(),
            via="twilio_webhook",
        )

    return receive


@pytest.fixture
def decide(heed: Heed, staff: Principal) -> Callable[..., dict[str, Any]]:
    """``decide(contact_id=..., channel="sms", category="job", manual=False, at=NOON)``."""

    def answer(**request: Any) -> dict[str, Any]:
        request.setdefault("channel", "sms")
        request.setdefault("category", "job")
        request.setdefault("at", NOON_CENTRAL)
        return decisions.decide_one(heed.uow, staff, decisions.DecisionRequest.parse(request))

    return answer


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[datetime], None]]:
    """Set the services' clock: ``frozen_clock(moment)``; starts at NOON_CENTRAL."""
    moment = [NOON_CENTRAL]
    monkeypatch.setattr(common, "clock", lambda: moment[0])

    def set_to(value: datetime) -> None:
        moment[0] = value

    yield set_to
