"""Inbound texts and email events, the consent ledger and its answers."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from heed.entrypoints.api.limits import (
    Address,
    ConsentReference,
    ConsentWording,
    Id,
    InboundBody,
    Note,
    ProviderId,
    RelayedAddress,
)
from heed.entrypoints.api.schemas.base import ChannelName, Public, Request, _examples, examples


class InboundSms(Request):
    """A gateway relays the customer's text as it came: NULs are dropped rather than
    refused, and fields heed does not know are ignored, so a STOP is always recorded."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra=_examples(
            {"from": "+15128675309", "to": "+15125550100", "body": "STOP", "message_id": "gw-1"}
        ),
    )

    from_: RelayedAddress = Field(alias="from")
    to: RelayedAddress
    body: InboundBody
    message_id: ProviderId = Field(
        description="The gateway's id; a redelivery records nothing twice."
    )


class InboundSmsPublic(Public):
    model_config = examples(
        {
            "action": "opted_out",
            "reply": "Acme Plumbing: You're unsubscribed and will get no more texts from us. "
            "Reply START to resubscribe.",
            "duplicate": False,
        }
    )

    action: Literal["opted_out", "opted_in", "help", "none"]
    reply: str | None = Field(
        description="Text to send back, if any (R-16). A redelivered message_id gets its "
        "first delivery's reply again: a gateway redelivers when it lost that answer."
    )
    duplicate: bool = Field(description="This message_id was seen before; nothing changed.")


class InboundEmail(Request):
    model_config = examples(
        {"email": "maria.alvarez@gmail.com", "event": "bounce", "provider_message_id": "ev-9"}
    )

    email: Address
    event: Literal["unsubscribe", "bounce", "complaint"]
    provider_message_id: ProviderId | None = None


class StaffOptOut(Request):
    model_config = examples(
        {"note": "Asked on the phone not to be texted any more.", "method": "phone_call"}
    )

    note: Note | None = None
    method: Literal["phone_call", "in_person", "written"] | None = Field(
        default=None,
        description="How the customer asked; the ledger entry's source is then "
        "staff_<method> (e.g. staff_phone_call) instead of staff.",
    )


class InboundEmailPublic(Public):
    email: str
    event: str
    changed: bool = Field(description="False when the address was already suppressed.")


class ConsentEventPublic(Public):
    seq: int
    at: str
    address: str
    channel: ChannelName
    scope: str = Field(
        description='"*" (every business number) or the one number the opt-out covers.'
    )
    action: str
    source: str
    body: str | None
    provider_message_id: str | None
    actor: str
    via: str | None = Field(
        description="The credential that delivered the entry: twilio_webhook, "
        "gateway_key:<id>, user:<id>, api_key:<id>, preference_page, import, "
        "unsubscribe_link, provider_send; null on entries recorded before heed named it."
    )
    prev_hash: str
    hash: str
    evidence: str | None = Field(
        default=None,
        description="A marketing consent's evidence (R-24) as canonical JSON: method, "
        "disclosure, disclosure_version, and reference, ip, user_agent or "
        "request_message_id where they apply; part of the entry's hash.",
    )
    stripe: int | None = Field(
        default=None,
        description="The account's chain the entry belongs to: 0-15, the address's "
        "CRC-32 modulo 16; null for entries of the legacy segment, recorded before the "
        "ledger was striped. Part of the entry's hash when present.",
    )


class MarketingPublic(Public):
    """An address's marketing consent: the consent receipt (R-24)."""

    consented: bool
    method: Literal["sms_double_opt_in", "written", "web_form"] | None
    disclosure: str | None = Field(description="The exact wording the customer agreed to.")
    disclosure_version: str | None = Field(description="sha256: and 16 hex digits of it.")
    captured_at: str | None
    captured_via: str | None = Field(description="The credential that recorded it.")
    captured_by: str | None = Field(description="Who recorded it (customer:<number>, user:...).")
    reference: str | None = Field(description="The signed form's reference (written).")
    event_id: int | None = Field(description="The ledger entry's seq.")
    hash: str | None = Field(description="The ledger entry's hash.")
    withdrawn: bool
    ip: str | None = None
    user_agent: str | None = None
    pending_since: str | None = Field(
        default=None, description="A double opt-in text waits for the customer's YES."
    )
    request_message_id: str | None = None


class MarketingConsentCreate(Request):
    model_config = examples(
        {
            "method": "written",
            "reference": "Form 2026-114",
            "disclosure": "I agree to receive marketing texts from Acme Plumbing.",
        },
        {"method": "sms_double_opt_in"},
    )

    method: Literal["sms_double_opt_in", "written", "web_form"]
    disclosure: ConsentWording | None = None
    disclosure_version: Id | None = None
    reference: ConsentReference | None = None
    contact_id: Id | None = None
    ip: ConsentReference | None = Field(default=None, description="web_form: the sender's IP.")
    user_agent: ConsentWording | None = Field(
        default=None, description="web_form: the browser's user agent."
    )


class MarketingConsentRecorded(Public):
    status: Literal["pending", "consented"]
    request_message_id: str | None = None
    event_id: int | None = None


class MarketingWithdraw(Request):
    note: Note | None = None


class NotOnRecordItem(Public):
    contact_id: str
    customer_id: str
    customer_name: str
    location_id: str | None
    kind: str
    value: str


class NotOnRecordPublic(Public):
    items: list[NotOnRecordItem]


class ConsentPublic(Public):
    model_config = examples(
        {
            "address": "+15128675309",
            "channel": "sms",
            "opted_out": True,
            "suppressed": False,
            "suppression": "none",
            "scopes": ["*"],
            "events": [
                {
                    "seq": 1,
                    "at": "2026-05-01T15:04:05.123456+00:00",
                    "address": "+15128675309",
                    "channel": "sms",
                    "scope": "*",
                    "action": "opt_out",
                    "source": "keyword",
                    "body": "STOP",
                    "provider_message_id": "SM0123456789abcdef0123456789abcdef",
                    "actor": "customer:+15128675309",
                    "via": "twilio_webhook",
                    "prev_hash": "0" * 64,
                    "hash": "9f2c" + "0" * 60,
                }
            ],
            "marketing": {
                "consented": False,
                "method": None,
                "disclosure": None,
                "disclosure_version": None,
                "captured_at": None,
                "captured_via": None,
                "captured_by": None,
                "reference": None,
                "event_id": None,
                "hash": None,
                "withdrawn": True,
            },
        }
    )

    address: str
    channel: ChannelName
    opted_out: bool
    suppressed: bool
    suppression: Literal["none", "automated", "all"]
    scopes: list[str]
    events: list[ConsentEventPublic]
    marketing: MarketingPublic


class LedgerPublic(Public):
    events: list[ConsentEventPublic] = Field(
        description="In seq order: the legacy segment, then the 16 stripes' chains interleaved."
    )
