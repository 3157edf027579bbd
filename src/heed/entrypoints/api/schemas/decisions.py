"""Decisions and recipients: may this message go, and to whom."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, ConfigDict, Field

from heed.entrypoints.api.limits import (
    Address,
    Id,
)
from heed.entrypoints.api.schemas.base import CategoryName, ChannelName, Public, Request, _examples


class DecisionRequest(Request):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {"channel": "sms", "to": "+15128675309", "category": "job"},
            {"channel": "email", "contact_id": "con_8c1f6a2b3d4e5f607182", "category": "marketing"},
        )
    )

    channel: ChannelName
    contact_id: Id | None = None
    to: Address | None = None
    category: CategoryName
    manual: bool = False
    from_: Address | None = Field(default=None, alias="from", description="A business number.")
    # Not strict: JSON carries times as ISO-8601 text, which strict mode would refuse.
    at: AwareDatetime | None = Field(
        default=None, strict=False, description="Decide for this moment (ISO-8601 with offset)."
    )


class RulePublic(Public):
    """The rules table's row that decided the timing, or the most local one that
    applied (R-26); null fields when none did. ``rules_version`` is always given."""

    jurisdiction: str | None = None
    name: str | None = None
    rules_version: str


class DecisionPublic(Public):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {
                "outcome": "deferred",
                "reason": "outside_sending_window",
                "message": "It is outside the sending window where this number rings; "
                "the message waits until 8:00.",
                "not_before": "2026-05-02T13:00:00+00:00",
                "warnings": [],
                "rule": {"jurisdiction": None, "name": None, "rules_version": "2026-12-06"},
            }
        )
    )

    outcome: Literal["allowed", "blocked", "deferred"]
    reason: str
    message: str
    not_before: str | None = None
    warnings: list[str]
    rule: RulePublic


class DecisionBatch(Request):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {
                "items": [
                    {"channel": "sms", "to": "+15128675309", "category": "job"},
                    {"channel": "email", "to": "maria@gmail.com", "category": "invoice_statement"},
                ]
            }
        )
    )

    items: list[DecisionRequest] = Field(min_length=1, max_length=1000)


class DecisionBatchPublic(Public):
    results: list[DecisionPublic]


class RecipientsRequest(Request):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {
                "customer_id": "cus_1a2b3c4d5e6f70819203",
                "location_id": "loc_0a1b2c3d4e5f60718293",
                "category": "job",
            }
        )
    )

    customer_id: Id
    location_id: Id | None = None
    category: CategoryName
    channel: ChannelName | None = None


class RecipientPublic(DecisionPublic):
    channel: ChannelName
    to: str
    contact_ids: list[str]


class RecipientsPublic(Public):
    recipients: list[RecipientPublic]
