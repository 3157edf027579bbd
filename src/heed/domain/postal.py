"""A location's time zone from its postal code (R-27), when staff did not give one.

US ZIP codes: the `zipcodes` package's time zone for the 5-digit ZIP (one zone
per ZIP; the few ZIPs that straddle a zone line get the one it records).
Canadian postal codes: data/canada_postal_zones.toml, by the forward sortation
area's first letter (the province's main zone) with the FSAs it lists where a
province spans zones; its header says what that precision misses.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import NamedTuple

import zipcodes

POSTAL_CODE = "postal_code"  # Location.time_zone_source when the zone came from here
_ZIP = re.compile(r"(\d{5})(?:-?\d{4})?")
_CANADIAN = re.compile(r"([ABCEGHJ-NPRSTVXY]\d[A-Z])\s*(?:\d[A-Z]\d)?")


class PostalZone(NamedTuple):
    zone: str
    source: str  # always "postal_code": what CONTRACT's time_zone_source says


def zone_for_postal(country: str, postal_code: str) -> PostalZone | None:
    """The IANA zone of a US ZIP ("73301", "73301-1234") or Canadian postal code
    ("K1A 0B1", or its first three characters); None when unknown or malformed."""
    code = postal_code.strip().upper()
    match country.strip().upper():
        case "US":
            zone = _us_zone(code)
        case "CA":
            zone = _canadian_zone(code)
        case _:
            zone = None
    return PostalZone(zone, POSTAL_CODE) if zone else None


def _us_zone(code: str) -> str | None:
    match = _ZIP.fullmatch(code)
    if not match:
        return None
    # zipcodes ships no type hints; it returns a list of dicts.
    found: list[dict[str, object]] = zipcodes.matching(match.group(1))  # type: ignore[no-untyped-call]
    zone = found[0].get("timezone") if found else None
    return str(zone) if zone else None


@cache
def _canadian_table() -> tuple[dict[str, str], dict[str, str]]:
    text = resources.files("heed.domain.data").joinpath("canada_postal_zones.toml")
    data = tomllib.loads(text.read_text("utf-8"))
    return dict(data["letters"]), dict(data["fsa"])


def _canadian_zone(code: str) -> str | None:
    match = _CANADIAN.fullmatch(code)
    if not match:
        return None
    fsa = match.group(1)
    letters, exceptions = _canadian_table()
    return exceptions.get(fsa) or letters.get(fsa[0])
