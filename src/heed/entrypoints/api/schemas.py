"""The API's request and response shapes (CONTRACT.md), apart from the domain's types.

Request models (``…Create``, ``…Update``, ``…Request``) are strict: a wrong JSON
type is a 422 ``validation_error`` naming the field, never a silent coercion
("true" is not true). They only check shape; the services own the rules (a valid
phone number, a placeholder, Do Not Mail), so routes pass
``model_dump(exclude_unset=True)`` on and an absent field stays absent.
Response models (``…Public``) mirror the plain dicts the services answer, so
/openapi.json describes every answer exactly.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from heed.entrypoints.api.limits import (
    Address,
    ClockTime,
    HelpText,
    Id,
    InboundBody,
    Memo,
    MessageBody,
    Name,
    Note,
    PostalAddress,
    ProviderId,
    RelayedAddress,
    Secret,
    TimeZone,
)

Kind = Literal["mobile", "phone", "email", "fax"]
CategoryName = Literal["job", "invoice_statement", "marketing"]
ChannelName = Literal["sms", "email"]
OwnerType = Literal["customer", "location"]


def _examples(*examples: dict[str, Any]) -> dict[str, Any]:
    return {"examples": list(examples)}


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class Public(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


# ---- errors -------------------------------------------------------------------------


class ErrorDetail(Public):
    code: str = Field(description="Stable code from CONTRACT.md, e.g. sms_opt_out.")
    message: str = Field(description="A sentence for people.")
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorPublic(Public):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {
                "error": {
                    "code": "sms_opt_out",
                    "message": "This contact has opted out of SMS communication. "
                    "Only the customer can opt back in by texting START.",
                    "details": {"field": "notifications.job"},
                }
            }
        )
    )

    error: ErrorDetail


# ---- account ------------------------------------------------------------------------


class SendingWindow(Request):
    start: ClockTime = Field(description="Local time the window opens, HH:MM.", examples=["08:00"])
    end: ClockTime = Field(description="Local time the window closes, HH:MM.", examples=["21:00"])


class SendingWindowPublic(Public):
    start: str
    end: str


class AccountUpdate(Request):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {
                "customer_notifications_enabled": True,
                "sms_opt_out_scope": "account",
                "sending_window": {"start": "08:00", "end": "21:00"},
                "help_text": "Acme Plumbing: reply STOP to stop texts. Call (512) 555-0100.",
            }
        )
    )

    name: Name | None = None
    customer_notifications_enabled: bool | None = None
    sms_opt_out_scope: Literal["account", "number"] | None = None
    business_numbers: list[Address] | None = Field(default=None, description="E.164 numbers.")
    sending_window: SendingWindow | None = None
    placeholders: list[Address] | None = Field(
        default=None, description="Extra values treated as placeholders (R-2)."
    )
    help_text: HelpText | None = Field(default=None, description="Reply to HELP (R-16).")
    twilio_auth_token: Secret | None = Field(
        default=None,
        description="Refused (403 forbidden): the Twilio auth token is set by the operator "
        "(heed account set-twilio-token, or HEED_TWILIO_AUTH_TOKEN), never through the API.",
        json_schema_extra={"deprecated": True},
    )


class AccountPublic(Public):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {
                "id": "acc_5f0c2d9e8a7b6c5d4e3f",
                "name": "Acme Plumbing",
                "customer_notifications_enabled": True,
                "sms_opt_out_scope": "account",
                "business_numbers": ["+15125550100"],
                "sending_window": {"start": "08:00", "end": "21:00"},
                "placeholders": [],
                "help_text": None,
                "twilio_auth_token_set": True,
            }
        )
    )

    id: str
    name: str
    customer_notifications_enabled: bool
    sms_opt_out_scope: Literal["account", "number"]
    business_numbers: list[str]
    sending_window: SendingWindowPublic
    placeholders: list[str]
    help_text: str | None
    twilio_auth_token_set: bool


# ---- contacts -----------------------------------------------------------------------


class NotificationsIn(Request):
    job: bool | None = None
    invoice_statement: bool | None = None
    marketing: bool | None = None


class ContactCreate(Request):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {"kind": "mobile", "value": "(512) 867-5309", "memo": "cell"},
            {
                "kind": "email",
                "value": "Maria.Alvarez@Gmail.com",
                "notifications": {"invoice_statement": True},
            },
        )
    )

    kind: Kind
    value: Address = Field(description="A North American phone number in any format, or an email.")
    memo: Memo | None = None
    notifications: NotificationsIn | None = None


class ContactUpdate(Request):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {"value": "512-867-5310"}, {"kind": "phone"}, {"notifications": {"job": False}}
        )
    )

    kind: Kind | None = None
    value: Address | None = None
    memo: Memo | None = None
    notifications: NotificationsIn | None = None


class OwnerRef(Public):
    type: OwnerType
    id: str


class NotificationsPublic(Public):
    job: bool
    invoice_statement: bool
    marketing: bool


class ContactPublic(Public):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {
                "id": "con_8c1f6a2b3d4e5f607182",
                "owner": {"type": "customer", "id": "cus_1a2b3c4d5e6f70819203"},
                "customer_id": "cus_1a2b3c4d5e6f70819203",
                "kind": "mobile",
                "value": "+15128675309",
                "display": "(512) 867-5309",
                "memo": "cell",
                "notifications": {"job": True, "invoice_statement": False, "marketing": False},
                "bell": "on",
                "sms_opted_out": False,
                "email_suppressed": False,
                "email_suppression": "none",
                "placeholder": False,
            }
        )
    )

    id: str
    owner: OwnerRef
    customer_id: str
    kind: Kind
    value: str = Field(description="E.164 or the normalized email.")
    display: str
    memo: str | None
    notifications: NotificationsPublic
    bell: Literal["on", "off", "opted_out", "locked"]
    sms_opted_out: bool
    email_suppressed: bool
    email_suppression: Literal["none", "automated", "all"]
    placeholder: bool


class SyncCandidate(Public):
    contact_id: str
    owner: OwnerRef
    customer_id: str
    customer_name: str | None
    other_customer: bool


class ContactUpdated(Public):
    contact: ContactPublic
    sync_candidates: list[SyncCandidate]


class SyncRequest(Request):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {"targets": ["con_2b3c4d5e6f7081920314"], "confirm_other_customers": False}
        )
    )

    targets: list[Id] = Field(description="Contacts that still carry the old value.")
    confirm_other_customers: bool = False


class SyncResult(Public):
    synced: list[str]


class ContactChangePublic(Public):
    old_value: str | None
    new_value: str | None
    actor: str
    at: str


# ---- customers and locations --------------------------------------------------------


class LocationCreate(Request):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {
                "name": "Home",
                "address": "4100 Speedway, Austin, TX 78751",
                "time_zone": "America/Chicago",
                "contacts": [{"kind": "mobile", "value": "737-209-4411", "memo": "tenant"}],
            }
        )
    )

    name: Name
    address: PostalAddress | None = None
    time_zone: TimeZone | None = Field(default=None, description="IANA zone, e.g. America/Chicago.")
    contacts: list[ContactCreate] | None = None


class LocationUpdate(Request):
    model_config = ConfigDict(json_schema_extra=_examples({"time_zone": "America/Denver"}))

    name: Name | None = None
    address: PostalAddress | None = None
    time_zone: TimeZone | None = None


class LocationPublic(Public):
    id: str
    customer_id: str
    name: str
    address: str | None
    time_zone: str | None
    contacts: list[ContactPublic]


class CustomerCreate(Request):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {
                "name": "Maria Alvarez",
                "invoice_delivery": ["email"],
                "billing_address": "4100 Speedway, Austin, TX 78751",
                "contacts": [
                    {"kind": "mobile", "value": "(512) 867-5309"},
                    {
                        "kind": "email",
                        "value": "maria.alvarez@gmail.com",
                        "notifications": {"invoice_statement": True},
                    },
                ],
            }
        )
    )

    name: Name
    do_not_mail: bool | None = None
    invoice_delivery: list[Literal["mail", "email"]] | None = Field(
        default=None, description='Default ["mail"].'
    )
    billing_address: PostalAddress | None = None
    contacts: list[ContactCreate] | None = None
    locations: list[LocationCreate] | None = Field(
        default=None, description="Needs location:edit as well."
    )


class CustomerUpdate(Request):
    model_config = ConfigDict(json_schema_extra=_examples({"do_not_mail": True}))

    name: Name | None = None
    do_not_mail: bool | None = None
    invoice_delivery: list[Literal["mail", "email"]] | None = None
    billing_address: PostalAddress | None = None


class CustomerPublic(Public):
    id: str
    name: str
    do_not_mail: bool
    invoice_delivery: list[Literal["mail", "email"]]
    billing_address: str | None
    contacts: list[ContactPublic]
    locations: list[LocationPublic]
    flags: list[str] = Field(description="e.g. email_delivery_without_invoice_contact (R-9).")


class CustomerSummary(Public):
    id: str
    name: str
    do_not_mail: bool
    invoice_delivery: list[Literal["mail", "email"]]
    billing_address: str | None
    flags: list[str]


class CustomerPage(Public):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {
                "items": [
                    {
                        "id": "cus_1a2b3c4d5e6f70819203",
                        "name": "Maria Alvarez",
                        "do_not_mail": False,
                        "invoice_delivery": ["email"],
                        "billing_address": "4100 Speedway, Austin, TX 78751",
                        "flags": ["email_delivery_without_invoice_contact"],
                    }
                ],
                "next_cursor": None,
            }
        )
    )

    items: list[CustomerSummary]
    next_cursor: str | None = Field(
        description="Pass as cursor for the next page; null at the end."
    )


class CustomerRef(Public):
    id: str
    name: str


class LocationRef(Public):
    id: str
    customer_id: str
    name: str


class LookupPublic(Public):
    phone: str
    customers: list[CustomerRef]
    locations: list[LocationRef]


# ---- decisions, recipients, messages ------------------------------------------------


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
            }
        )
    )

    outcome: Literal["allowed", "blocked", "deferred"]
    reason: str
    message: str
    not_before: str | None = None
    warnings: list[str]


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


class MessageCreate(Request):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {
                "channel": "sms",
                "contact_id": "con_8c1f6a2b3d4e5f607182",
                "body": "Acme Plumbing: your technician Luis is on the way.",
                "category": "job",
            }
        )
    )

    channel: ChannelName
    contact_id: Id | None = None
    to: Address | None = None
    body: MessageBody
    category: CategoryName | None = None
    manual: bool = False
    from_: Address | None = Field(default=None, alias="from")


class MessagePublic(Public):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {
                "id": "msg_3c4d5e6f708192a3b4c5",
                "status": "queued",
                "channel": "sms",
                "to": "+15128675309",
                "from": "+15125550100",
                "contact_id": "con_8c1f6a2b3d4e5f607182",
                "category": "job",
                "manual": False,
                "body": "Acme Plumbing: your technician Luis is on the way.",
                "reason": "ok",
                "not_before": None,
                "created_at": "2026-05-01T15:04:05+00:00",
                "sent_at": None,
                "provider_id": None,
                "error": None,
                "attempts": 0,
                "last_error": None,
            }
        )
    )

    id: str
    status: Literal["queued", "deferred", "sending", "sent", "delivered", "blocked", "failed"]
    channel: ChannelName
    to: str
    from_: str | None = Field(alias="from", serialization_alias="from")
    contact_id: str | None
    category: CategoryName
    manual: bool
    body: str
    reason: str | None
    not_before: str | None
    created_at: str
    sent_at: str | None
    provider_id: str | None
    error: str | None
    attempts: int = Field(description="Hand-overs to the provider so far (R-30).")
    last_error: str | None = Field(
        description="Why the last attempt did not go through; kept after a later success."
    )
    warnings: list[str] | None = None


# ---- consent ------------------------------------------------------------------------


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
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {
                "action": "opted_out",
                "reply": "Acme Plumbing: You're unsubscribed and will get no more texts from us. "
                "Reply START to resubscribe.",
                "duplicate": False,
            }
        )
    )

    action: Literal["opted_out", "opted_in", "help", "none"]
    reply: str | None = Field(
        description="Text to send back, if any (R-16). A redelivered message_id gets its "
        "first delivery's reply again: a gateway redelivers when it lost that answer."
    )
    duplicate: bool = Field(description="This message_id was seen before; nothing changed.")


class InboundEmail(Request):
    model_config = ConfigDict(
        json_schema_extra=_examples(
            {"email": "maria.alvarez@gmail.com", "event": "bounce", "provider_message_id": "ev-9"}
        )
    )

    email: Address
    event: Literal["unsubscribe", "bounce", "complaint"]
    provider_message_id: ProviderId | None = None


class StaffOptOut(Request):
    model_config = ConfigDict(
        json_schema_extra=_examples({"note": "Asked on the phone not to be texted any more."})
    )

    note: Note | None = None


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
    model_config = ConfigDict(
        json_schema_extra=_examples(
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


class HealthPublic(Public):
    status: Literal["ok"]
