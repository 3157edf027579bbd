"""Customers, locations and caller-ID look-up."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from heed.domain import limits
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

# Published, not enforced here: the service checks each part and names it in its 422
# (``address.postal_code``), the same for the API, the staff pages and the import.
Street = Annotated[str, WithJsonSchema({"type": "string", "maxLength": limits.STREET})]
Unit = Annotated[str, WithJsonSchema({"type": "string", "maxLength": limits.UNIT})]
City = Annotated[str, WithJsonSchema({"type": "string", "maxLength": limits.CITY})]
StateCode = Annotated[str, WithJsonSchema({"type": "string", "maxLength": limits.STATE})]
PostalCode = Annotated[str, WithJsonSchema({"type": "string", "maxLength": limits.POSTAL_CODE})]
CountryCode = Annotated[str, WithJsonSchema({"type": "string", "maxLength": limits.COUNTRY})]


class StreetAddressCreate(BaseModel):
    """A structured address (R-27). It decides the jurisdiction and, for a location, the
    time zone when none is given. ``state``: the USPS or Canada Post two-letter code
    (TX, QC); ``postal_code``: a US ZIP (78751, 78751-1234) or a Canadian code (K1A 0B1);
    ``country``: "US" or "CA"; ``unit`` is optional."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "street": "4100 Speedway",
                    "unit": "Apt 2",
                    "city": "Austin",
                    "state": "TX",
                    "postal_code": "78751",
                    "country": "US",
                }
            ]
        },
    )

    street: Street | None = None
    unit: Unit | None = None
    city: City | None = None
    state: StateCode | None = None
    postal_code: PostalCode | None = None
    country: CountryCode | None = None


_TEXT: TypeAdapter[str] = TypeAdapter(PostalAddress)


def _one_error(error: ValidationError) -> PydanticCustomError:
    first = error.errors()[0]
    return PydanticCustomError(first["type"], first["msg"].replace("{", "(").replace("}", ")"))


def _address_given(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """An object or a string, refused at the field itself: a union's refusal would
    name each of its members (``billing_address.StreetAddressCreate``)."""
    try:
        if isinstance(value, dict):
            return StreetAddressCreate.model_validate(value)
        return _TEXT.validate_python(value, strict=True)
    except ValidationError as error:
        raise _one_error(error) from None


class StreetAddressPublic(Public):
    street: str
    unit: str | None
    city: str
    state: str
    postal_code: str
    country: Literal["US", "CA"]


AddressGiven = Annotated[StreetAddressCreate | PostalAddress, WrapValidator(_address_given)]
"""An address as a caller gives it: an object, or a plain string kept as text."""
AddressShown = StreetAddressPublic | str | None


class LocationCreate(Request):
    model_config = examples(
        {
            "name": "Home",
            "address": {
                "street": "4100 Speedway",
                "city": "Austin",
                "state": "TX",
                "postal_code": "78751",
                "country": "US",
            },
            "contacts": [{"kind": "mobile", "value": "737-209-4411", "memo": "tenant"}],
        }
    )

    name: Name
    address: AddressGiven | None = None
    time_zone: TimeZone | None = Field(
        default=None, description="IANA zone, e.g. America/Chicago; default: the postal code's."
    )
    contacts: list[ContactCreate] | None = None


class LocationUpdate(Request):
    model_config = examples({"time_zone": "America/Denver"})

    name: Name | None = None
    address: AddressGiven | None = None
    time_zone: TimeZone | None = None


class LocationPublic(Public):
    id: str
    customer_id: str
    name: str
    address: AddressShown
    time_zone: str | None
    time_zone_source: Literal["given", "postal_code", "area_code"] | None = Field(
        description="Where time_zone came from; null when nothing says."
    )
    jurisdiction: str | None = Field(
        description='The address\'s state or province, "US-TX", "CA-QC"; null when unknown.'
    )
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
    billing_address: AddressGiven | None = None
    contacts: list[ContactCreate] | None = None
    locations: list[LocationCreate] | None = Field(
        default=None, description="Needs location:edit as well."
    )


class CustomerUpdate(Request):
    model_config = examples({"do_not_mail": True})

    name: Name | None = None
    do_not_mail: bool | None = None
    invoice_delivery: list[Literal["mail", "email"]] | None = None
    billing_address: AddressGiven | None = None
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
    billing_address: AddressShown
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
    billing_address: AddressShown
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
