"""Inbound texts and email events, the consent ledger and its answers."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from heed.entrypoints.api.limits import (
    Address,
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
        }
    )

    address: str
    channel: ChannelName
    opted_out: bool
    suppressed: bool
    suppression: Literal["none", "automated", "all"]
    scopes: list[str]
    events: list[ConsentEventPublic]


class LedgerPublic(Public):
    events: list[ConsentEventPublic] = Field(description="Oldest first; one hash chain.")
