"""What a caller may ask of customers and locations, checked once where it arrives.

The API builds these from its request schemas, the staff pages from their forms and
the import from its rows; the customer verbs take them and parse nothing again. Each
refusal names the field the way the caller spelled it (``contacts[0].value``,
``customers[3].locations[0].time_zone``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from heed.domain import limits
from heed.domain.errors import Invalid
from heed.domain.street_address import PARTS, StreetAddress, parse_street_address
from heed.services.contacts import ContactInput

INVOICE_DELIVERIES = ("mail", "email")


def _text(value: object, field: str, *, required: bool, limit: int = limits.NAME) -> str | None:
    if value is None:
        if required:
            raise Invalid(f"{field} is required.", field=field)
        return None
    if not isinstance(value, str):
        raise Invalid(f"{field} must be text.", field=field)
    value = value.strip()
    if required and not value:
        raise Invalid(f"{field} must not be empty.", field=field)
    if len(value) > limit:
        raise Invalid(f"{field} must be at most {limit} characters.", field=field)
    return value or None


def _name(value: object, field: str) -> str:
    name = _text(value, field, required=True)
    assert name is not None
    return name


Address = StreetAddress | str | None
"""A location's or a customer's billing address as given: structured (it decides the
jurisdiction and the time zone, R-26, R-27), plain text (kept, deciding nothing), or none."""


def parse_address(value: object, field: str = "address") -> Address:
    """An address object ``{street, unit?, city, state, postal_code, country}`` checked into
    a StreetAddress, a plain string kept as text, or None; errors name the part
    (``address.postal_code``). The import and every other face take addresses through it."""
    if isinstance(value, Mapping):
        return parse_street_address(value, field)
    return _text(value, field, required=False, limit=limits.POSTAL_ADDRESS)


def _country(value: object, field: str) -> str | None:
    """The customer's country for consent law (R-24): ISO 3166 "US" or "CA", or null."""
    if value is None:
        return None
    if not isinstance(value, str) or value.strip().upper() not in ("US", "CA"):
        raise Invalid(f"{field} must be US, CA or null.", field=field)
    return value.strip().upper()


def _moment(value: object, field: str) -> datetime | None:
    """A time with its offset, or null (CASL's purchase and inquiry dates)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise Invalid(f"{field} must be an ISO-8601 time.", field=field) from None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise Invalid(f"{field} must be a time with its offset (e.g. Z).", field=field)
    return value


def _flag(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"{field} must be true or false.", field=field)
    return value


def parse_invoice_delivery(value: object, field: str = "invoice_delivery") -> str:
    """Mail, email or both (R-9), stored as ``mail``, ``email`` or ``mail,email``."""
    if not isinstance(value, list | tuple) or not value:
        raise Invalid(f'{field} must list "mail", "email" or both.', field=field)
    if not all(isinstance(v, str) for v in value) or not set(value) <= set(INVOICE_DELIVERIES):
        raise Invalid(f'{field} may only contain "mail" and "email".', field=field)
    chosen = set(value)
    return ",".join(part for part in INVOICE_DELIVERIES if part in chosen)


def address_from_columns(row: Mapping[str, object], field: str = "address") -> Address:
    """An import row's ``street, unit, city, state, postal_code, country`` columns as an
    address: None when all are empty, else checked as parse_address checks an object
    (errors name ``<field>.postal_code``). Put it in LocationInput.address or
    CustomerInput.billing_address."""
    parts = {part: row.get(part) for part in PARTS}
    if not any(isinstance(v, str) and v.strip() for v in parts.values()):
        return None
    return parse_street_address(parts, field)


def parse_time_zone(value: object, field: str = "time_zone") -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Invalid(f"{field} must be an IANA time zone such as America/Chicago.", field=field)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"{field} {value!r} is not a known IANA time zone (e.g. America/Chicago).",
            field=field,
        ) from None
    return value


def _prefix(field: str) -> str:
    return f"{field}." if field else ""


def _object(data: object, field: str) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise Invalid(f"{field or 'body'} must be an object.", field=field or "body")
    return data


def _list(value: object, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid(f"{field} must be a list.", field=field)
    return value


def _parsed(
    data: object,
    field: str,
    parsers: Mapping[str, Callable[[Any, str], Any]],
    defaults: Mapping[str, object] | None = None,
) -> dict[str, Any]:
    """Each of ``parsers``' fields of the object ``data``, parsed in order; errors name
    them under ``field``."""
    given, p = _object(data, field), _prefix(field)
    unset = defaults or {}
    return {
        name: parse(given.get(name, unset.get(name)), f"{p}{name}")
        for name, parse in parsers.items()
    }


def _contact_inputs(value: object, field: str) -> list[ContactInput]:
    return [ContactInput.parse(c, f"{field}[{i}]") for i, c in enumerate(_list(value, field))]


@dataclass(frozen=True)
class LocationInput:
    """A new location with its contacts."""

    name: str
    address: Address
    time_zone: str | None
    contacts: list[ContactInput]

    @classmethod
    def parse(cls, data: object, field: str = "") -> LocationInput:
        return cls(**_parsed(data, field, _LOCATION_INPUT))


@dataclass(frozen=True)
class CustomerInput:
    """A new customer with its contacts and locations (and theirs)."""

    name: str
    do_not_mail: bool
    invoice_delivery: str
    billing_address: Address
    contacts: list[ContactInput]
    locations: list[LocationInput]

    @classmethod
    def parse(cls, data: object, field: str = "") -> CustomerInput:
        return cls(**_parsed(data, field, _CUSTOMER_INPUT, _CUSTOMER_DEFAULTS))


def _location_inputs(value: object, field: str) -> list[LocationInput]:
    return [LocationInput.parse(loc, f"{field}[{i}]") for i, loc in enumerate(_list(value, field))]


_LOCATION_INPUT: dict[str, Callable[[Any, str], Any]] = {
    "name": _name,
    "address": parse_address,
    "time_zone": parse_time_zone,
    "contacts": _contact_inputs,
}
_CUSTOMER_INPUT: dict[str, Callable[[Any, str], Any]] = {
    "name": _name,
    "do_not_mail": _flag,
    "invoice_delivery": parse_invoice_delivery,
    "billing_address": parse_address,
    "contacts": _contact_inputs,
    "locations": _location_inputs,
}
_CUSTOMER_DEFAULTS: dict[str, object] = {"do_not_mail": False, "invoice_delivery": ["mail"]}


def _given(data: Mapping[str, object], parsers: Mapping[str, Any]) -> dict[str, Any]:
    """Each field of ``data`` that ``parsers`` knows, parsed; the others are not changes."""
    return {name: parse(data[name], name) for name, parse in parsers.items() if name in data}


_CUSTOMER_FIELDS = {
    "name": _name,
    "billing_address": parse_address,
    "invoice_delivery": parse_invoice_delivery,
    "do_not_mail": _flag,
    "consent_country": _country,
    "last_purchase_at": _moment,
    "last_inquiry_at": _moment,
}
_LOCATION_FIELDS = {"name": _name, "address": parse_address, "time_zone": parse_time_zone}


@dataclass(frozen=True)
class CustomerChanges:
    """Changes to a customer: only the fields named in ``given`` change."""

    given: frozenset[str] = frozenset()
    name: str = ""
    billing_address: Address = None
    invoice_delivery: str = "mail"
    do_not_mail: bool = False
    consent_country: str | None = None
    last_purchase_at: datetime | None = None
    last_inquiry_at: datetime | None = None

    @classmethod
    def parse(cls, data: Mapping[str, object]) -> CustomerChanges:
        found = _given(data, _CUSTOMER_FIELDS)
        return cls(given=frozenset(found), **found)


@dataclass(frozen=True)
class LocationChanges:
    """Changes to a location: only the fields named in ``given`` change."""

    given: frozenset[str] = frozenset()
    name: str = ""
    address: Address = None
    time_zone: str | None = None

    @classmethod
    def parse(cls, data: Mapping[str, object]) -> LocationChanges:
        found = _given(data, _LOCATION_FIELDS)
        return cls(given=frozenset(found), **found)
