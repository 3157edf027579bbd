"""A demo business with realistic customers, for trying heed in a minute."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heed.bootstrap import Heed
from heed.domain.errors import Conflict
from heed.services import accounts, consent, customers
from heed.services.common import PERMISSIONS, Principal
from heed.services.customer_commands import CustomerInput, LocationInput

DEMO_NUMBER = "+15125550100"


def _customers() -> list[dict[str, Any]]:
    """The demo's customers (demo_customers.json), each with the locations added after it."""
    text = Path(__file__).with_name("demo_customers.json").read_text("utf-8")
    entries: list[dict[str, Any]] = json.loads(text)
    return entries


@dataclass(frozen=True)
class Demo:
    account_id: str
    api_key: str
    email: str
    password: str


def _create_account(heed: Heed, business_number: str) -> tuple[accounts.NewAccount, str]:
    """The demo business, on the first free number of the fictional 555-01xx block:
    `heed demo` run again on the same database makes a second demo business."""
    candidates = [business_number] + [
        f"{business_number[:-2]}{i:02d}" for i in range(100) if i != int(business_number[-2:])
    ]
    for number in candidates:
        try:
            created = accounts.create_account(
                heed.uow,
                "Lone Star Plumbing & Air",
                [number],
                twilio_auth_token=secrets.token_hex(16),
            )
            return created, number
        except Conflict:
            continue
    raise Conflict("Every demo business number is taken; use a fresh database.")


def seed(heed: Heed, *, business_number: str = DEMO_NUMBER) -> Demo:
    created, business_number = _create_account(heed, business_number)
    staff = Principal(created.account_id, "demo", frozenset(PERMISSIONS))
    email = f"office+{created.account_id[-6:]}@lonestar.example.net"
    password = secrets.token_urlsafe(9)
    accounts.create_user(heed.uow, created.account_id, email, password, "admin", name="Dana Reyes")
    uow = heed.uow

    for entry in _customers():
        customer = customers.create_customer(uow, staff, CustomerInput.parse(entry["customer"]))
        for location in entry["locations"]:
            customers.create_location(uow, staff, customer["id"], LocationInput.parse(location))
    for i, (sender, text) in enumerate(
        [("+15125552148", "STOP"), ("+13055552123", "please stop texting me")]
    ):
        consent.record_inbound_sms(
            uow,
            created.account_id,
            from_number=sender,
            to_number=business_number,
            body=text,
            message_id=f"SMdemo{created.account_id[-6:]}{i}",
            via="demo",
        )
    return Demo(created.account_id, created.api_key, email, password)
