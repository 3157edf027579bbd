"""A demo business with realistic customers, for trying heed in a minute."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from heed.bootstrap import Heed
from heed.domain.errors import Conflict
from heed.services import accounts, consent, customers
from heed.services.common import PERMISSIONS, Principal
from heed.services.customer_commands import CustomerInput, LocationInput

DEMO_NUMBER = "+15125550100"


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
    accounts.create_user(heed.uow, created.account_id, email, password, "admin")
    uow = heed.uow

    maria = customers.create_customer(
        uow,
        staff,
        CustomerInput.parse(
            {
                "name": "Maria Alvarez",
                "invoice_delivery": ["email"],
                "billing_address": "4100 Speedway, Austin, TX 78751",
                "contacts": [
                    {"kind": "mobile", "value": "(512) 867-5309", "memo": "cell"},
                    {
                        "kind": "email",
                        "value": "maria.alvarez@gmail.com",
                        "notifications": {"invoice_statement": True},
                    },
                ],
            }
        ),
    )
    customers.create_location(
        uow,
        staff,
        maria["id"],
        LocationInput.parse(
            {
                "name": "Home",
                "address": "4100 Speedway, Austin, TX 78751",
                "time_zone": "America/Chicago",
                "contacts": [{"kind": "mobile", "value": "512-867-5309", "memo": "Maria"}],
            }
        ),
    )
    customers.create_location(
        uow,
        staff,
        maria["id"],
        LocationInput.parse(
            {
                "name": "Rental duplex",
                "address": "2207 E 12th St, Austin, TX 78702",
                "time_zone": "America/Chicago",
                "contacts": [{"kind": "mobile", "value": "737-209-4411", "memo": "tenant (Devin)"}],
            }
        ),
    )
    customers.create_customer(
        uow,
        staff,
        CustomerInput.parse(
            {
                "name": "Bob Nguyen",
                "invoice_delivery": ["mail", "email"],
                "billing_address": "88 Lakeshore Dr, Round Rock, TX 78664",
                "contacts": [
                    {"kind": "mobile", "value": "+1 512 555 2148"},
                    {"kind": "phone", "value": "512.244.9021", "memo": "home landline"},
                    {"kind": "email", "value": "bob.nguyen@outlook.com"},
                ],
            }
        ),
    )
    customers.create_customer(
        uow,
        staff,
        CustomerInput.parse(
            {
                "name": "Hill Country Dental Group",
                "invoice_delivery": ["email"],
                "billing_address": "500 W 5th St, Austin, TX 78701",
                "contacts": [
                    {"kind": "phone", "value": "(512) 474-2200", "memo": "front desk"},
                    {
                        "kind": "email",
                        "value": "ap@hillcountrydental.com",
                        "notifications": {"invoice_statement": True},
                    },
                    {"kind": "fax", "value": "(512) 474-2299"},
                ],
            }
        ),
    )
    customers.create_customer(
        uow,
        staff,
        CustomerInput.parse(
            {
                "name": "Priya Raman",
                "do_not_mail": True,
                "contacts": [
                    {"kind": "mobile", "value": "737-555-2199"},
                    {"kind": "email", "value": "priya.raman@yahoo.com"},
                ],
            }
        ),
    )
    customers.create_customer(
        uow,
        staff,
        CustomerInput.parse(
            {
                "name": "Danny O'Connell",
                "contacts": [
                    {"kind": "mobile", "value": "(305) 555-2123", "memo": "winter home, FL"}
                ],
            }
        ),
    )
    customers.create_customer(
        uow,
        staff,
        CustomerInput.parse(
            {
                "name": "Karen Whitfield",
                "invoice_delivery": ["email"],
                "contacts": [{"kind": "mobile", "value": "512-555-2177"}],
            }
        ),
    )
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
