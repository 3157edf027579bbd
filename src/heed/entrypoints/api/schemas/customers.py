"""Customers, locations and caller-ID look-up."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from heed.entrypoints.api.limits import (
    Id as ClockStamp,
)
from heed.entrypoints.api.limits import (
    Name,
    PostalAddress,
    TimeZone,
)
from heed.entrypoints.api.schemas.base import Public, Request, examples
from heed.entrypoints.api.schemas.contacts import ContactCreate, ContactPublic


class LocationCreate(Request):
    model_config = examples(
        {
            "name": "Home",
            "address": "4100 Speedway, Austin, TX 78751",
            "time_zone": "America/Chicago",
            "contacts": [{"kind": "mobile", "value": "737-209-4411", "memo": "tenant"}],
        }
    )

    name: Name
    address: PostalAddress | None = None
    time_zone: TimeZone | None = Field(default=None, description="IANA zone, e.g. America/Chicago.")
    contacts: list[ContactCreate] | None = None


class LocationUpdate(Request):
    model_config = examples({"time_zone": "America/Denver"})

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
    model_config = examples(
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
    model_config = examples({"do_not_mail": True})

    name: Name | None = None
    do_not_mail: bool | None = None
    invoice_delivery: list[Literal["mail", "email"]] | None = None
    billing_address: PostalAddress | None = None
    consent_country: Literal["US", "CA"] | None = Field(
        default=None,
        description='The country whose marketing email law applies (R-24): "CA" needs '
        "express consent or CASL's implied consent.",
    )
    last_purchase_at: ClockStamp | None = Field(
        default=None,
        description="The customer's last purchase, ISO-8601 with offset: CASL implied "
        "consent for 2 years.",
    )
    last_inquiry_at: ClockStamp | None = Field(
        default=None,
        description="The customer's last inquiry, ISO-8601 with offset: CASL implied "
        "consent for 6 months.",
    )


class CustomerPublic(Public):
    id: str
    name: str
    do_not_mail: bool
    invoice_delivery: list[Literal["mail", "email"]]
    billing_address: str | None
    consent_country: Literal["US", "CA"] | None = None
    last_purchase_at: str | None = None
    last_inquiry_at: str | None = None
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
    model_config = examples(
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
