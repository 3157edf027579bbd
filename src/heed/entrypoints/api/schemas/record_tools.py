"""Merging two customers and setting all bells of a customer at once."""

from __future__ import annotations

from pydantic import Field

from heed.entrypoints.api.limits import Id
from heed.entrypoints.api.schemas.base import CategoryName, Public, Request, examples


class CustomerMerge(Request):
    model_config = examples({"from_customer_id": "cus_5d6e7f8091a2b3c4d5e6"})

    from_customer_id: Id = Field(
        description="The customer whose contacts and locations move; it is then removed."
    )


class AllBells(Request):
    model_config = examples({"category": "job", "on": True})

    category: CategoryName
    on: bool


class SkippedBell(Public):
    contact_id: str
    display: str
    reason: str = Field(
        description="Why it stays: sms_opt_out, email_suppressed, do_not_mail, placeholder, "
        "not_carried or forbidden."
    )
    message: str


class AllBellsPublic(Public):
    model_config = examples(
        {
            "customer_id": "cus_8c1f6a2b3d4e5f607182",
            "category": "job",
            "on": True,
            "changed": ["con_8c1f6a2b3d4e5f607182"],
            "unchanged": [],
            "skipped": [
                {
                    "contact_id": "con_1a2b3c4d5e6f70819203",
                    "display": "(512) 867-5309",
                    "reason": "sms_opt_out",
                    "message": "This contact has opted out of SMS communication. "
                    "Only the customer can opt back in by texting START.",
                }
            ],
        }
    )

    customer_id: str
    category: CategoryName
    on: bool
    changed: list[str]
    unchanged: list[str]
    skipped: list[SkippedBell]
