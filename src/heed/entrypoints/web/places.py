"""What the staff forms show and read of a place: address fields and the time-zone picker.

The address fields (templates/_address_fields.html) post ``<prefix>street``, ``unit``,
``city``, ``state``, ``postal_code`` and ``country``; ``address_from_form`` reads them
back into the object the services take (R-27). The picker offers the US and Canadian
zones by the names staff use; its empty choice means "from the postal code".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData

from heed.domain.errors import HeedError, Invalid
from heed.domain.street_address import (
    CA_PROVINCES,
    PARTS,
    US_STATES,
    StreetAddress,
    street_address_problems,
)
from heed.entrypoints.web import base
from heed.services.customer_commands import LocationChanges

#: (IANA name, what staff call it), by country, west to east within each.
TIME_ZONES: dict[str, tuple[tuple[str, str], ...]] = {
    "United States": (
        ("Pacific/Pago_Pago", "Samoa (American Samoa)"),
        ("Pacific/Honolulu", "Hawaii"),
        ("America/Adak", "Hawaii–Aleutian (Adak)"),
        ("America/Anchorage", "Alaska"),
        ("America/Los_Angeles", "Pacific"),
        ("America/Phoenix", "Mountain, no daylight saving (Arizona)"),
        ("America/Denver", "Mountain"),
        ("America/Boise", "Mountain (Boise)"),
        ("America/Chicago", "Central"),
        ("America/Indiana/Indianapolis", "Eastern (Indiana)"),
        ("America/Detroit", "Eastern (Michigan)"),
        ("America/Kentucky/Louisville", "Eastern (Kentucky)"),
        ("America/New_York", "Eastern"),
        ("America/Puerto_Rico", "Atlantic (Puerto Rico, U.S. Virgin Islands)"),
        ("Pacific/Guam", "Chamorro (Guam, Northern Mariana Islands)"),
    ),
    "Canada": (
        ("America/Vancouver", "Pacific (British Columbia)"),
        ("America/Whitehorse", "Yukon"),
        ("America/Edmonton", "Mountain (Alberta)"),
        ("America/Regina", "Central, no daylight saving (Saskatchewan)"),
        ("America/Winnipeg", "Central (Manitoba)"),
        ("America/Toronto", "Eastern (Ontario, Quebec)"),
        ("America/Halifax", "Atlantic (Maritimes)"),
        ("America/St_Johns", "Newfoundland"),
    ),
}
ZONE_NAMES = {zone: name for zones in TIME_ZONES.values() for zone, name in zones}
REGIONS = {"United States": US_STATES, "Canada": CA_PROVINCES}
COUNTRY_NAMES = {"US": "United States", "CA": "Canada"}
SOURCE_WORDS = {
    "given": "chosen",
    "postal_code": "from the postal code",
    "area_code": "from the area code",
}


def address_from_form(form: FormData, prefix: str = "") -> dict[str, str] | None:
    """The address typed into the fields, or None when they were left empty (the
    country is a choice, so it alone says nothing)."""
    parts = {part: base.text(form, f"{prefix}{part}") for part in PARTS}
    if not any(value for part, value in parts.items() if part != "country"):
        return None
    return parts


#: A location form's fields in the page's words, in the form's order: the first with a
#: problem gets the focus.
PLACE_LABELS = {
    "name": "The name",
    "street": "The street",
    "unit": "The unit",
    "city": "The city",
    "state": "The state or province",
    "postal_code": "The ZIP or postal code",
    "country": "The country",
    "time_zone": "The time zone",
}


def place_problems(data: Mapping[str, Any]) -> dict[str, str]:
    """Every field of a location form (``name``, the address parts, ``time_zone``) its
    verb would refuse, in plain words by field, in the form's order; {} when none is."""
    found: dict[str, Invalid] = {}
    for name in ("name", "time_zone"):
        try:
            LocationChanges.parse({name: data.get(name)})
        except Invalid as error:
            found[name] = error
    address = data.get("address")
    if isinstance(address, Mapping):
        found.update(street_address_problems(address))
    fields = {part: f"address.{part}" for part in PARTS}
    return {
        name: base.in_words(found[name], fields.get(name, name), label)
        for name, label in PLACE_LABELS.items()
        if name in found
    }


def address_values(address: dict[str, Any] | str | None) -> dict[str, str]:
    """A stored address as the fields show it; a plain-text one fills none of them."""
    if not isinstance(address, dict):
        return {}
    return {part: value or "" for part, value in address.items()}


def error_part(error: HeedError, field: str = "") -> str:
    """The location form's field a refusal names: ``address.postal_code`` →
    ``postal_code``; ``field`` is where the location sits in the command
    (``locations[0]`` for the new-customer form's first location)."""
    name = str(error.details.get("field") or "").removeprefix(f"{field}.")
    if name.startswith("address."):
        return name.removeprefix("address.")
    return "street" if name == "address" else re.split(r"[\[.]", name, maxsplit=1)[0]


def address_line(address: dict[str, Any] | str | None) -> str:
    """An address as one line for the page; "" for none."""
    if isinstance(address, dict):
        return StreetAddress(**address).one_line()
    return address or ""


def zone_label(zone: str | None) -> str:
    """A zone as staff read it: "Central (America/Chicago)"."""
    if not zone:
        return ""
    name = ZONE_NAMES.get(zone)
    return f"{name} ({zone})" if name else zone


base.TEMPLATES.env.globals["place_values"] = address_values
base.TEMPLATES.env.globals["TIME_ZONES"] = TIME_ZONES
base.TEMPLATES.env.globals["REGIONS"] = REGIONS
base.TEMPLATES.env.globals["COUNTRY_NAMES"] = COUNTRY_NAMES
base.TEMPLATES.env.globals["ZONE_NAMES"] = ZONE_NAMES
base.TEMPLATES.env.globals["SOURCE_WORDS"] = SOURCE_WORDS
base.TEMPLATES.env.filters["address_line"] = address_line
base.TEMPLATES.env.filters["zone_label"] = zone_label
