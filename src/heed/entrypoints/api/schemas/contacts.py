"""Contacts: phones and emails with their notification settings and sync."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from heed.domain.contacts import ContactEdit, ContactInput
from heed.entrypoints.api.limits import (
    Address,
    Id,
    Memo,
)
from heed.entrypoints.api.schemas.base import Kind, OwnerType, Public, Request, examples


class NotificationsIn(Request):
    job: bool | None = None
    invoice_statement: bool | None = None
    marketing: bool | None = None


class ContactCreate(Request):
    model_config = examples(
        {"kind": "mobile", "value": "(512) 867-5309", "memo": "cell"},
        {
            "kind": "email",
            "value": "Maria.Alvarez@Gmail.com",
            "notifications": {"invoice_statement": True},
        },
    )

    kind: Kind
    value: Address = Field(description="A North American phone number in any format, or an email.")
    memo: Memo | None = None
    notifications: NotificationsIn | None = None

    def command(self, field: str = "") -> ContactInput:
        """The new contact this asks for; errors name fields under ``field``."""
        return ContactInput.parse(self.sent(), field)


class ContactUpdate(Request):
    model_config = examples(
        {"value": "512-867-5310"}, {"kind": "phone"}, {"notifications": {"job": False}}
    )

    kind: Kind | None = None
    value: Address | None = None
    memo: Memo | None = None
    notifications: NotificationsIn | None = None

    def command(self) -> ContactEdit:
        """The change this asks for: only the fields sent; null clears the memo alone."""
        return ContactEdit.parse(self.sent())


class OwnerRef(Public):
    type: OwnerType
    id: str


class NotificationsPublic(Public):
    job: bool
    invoice_statement: bool
    marketing: bool


class ContactPublic(Public):
    model_config = examples(
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
            "marketing_consent": "none",
        }
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
    marketing_consent: Literal["consented", "pending", "not_on_record", "none", "withdrawn"] = (
        Field(
            description="Marketing consent on record for this address (R-24); "
            "not_on_record: marketing was on before heed kept evidence, and no marketing "
            "text goes until consent is recorded."
        )
    )


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
    model_config = examples(
        {"targets": ["con_2b3c4d5e6f7081920314"], "confirm_other_customers": False}
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
