"""Where a North American number rings, judged by its area code.

This module owns the area code → (IANA time zones, state/province) look-up that
the sending window (R-18) needs: the recipient's local time when no location
time zone is known, and the Florida/Oklahoma marketing rules. The data comes
from phonenumbers; the few entries it lacks or gets wrong are patched here.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from phonenumbers.tzdata import TIMEZONE_DATA

from heed.domain.area_code_table import REGIONS, ZONES

FLORIDA = "FL"
OKLAHOMA = "OK"

_UNKNOWN_ZONE = "Etc/Unknown"

# The USPS/Canada Post codes the geocoder's English names map to. "Washington
# State" and "British Colombia" (sic) are spelled as phonenumbers spells them.
_REGION_CODES: dict[str, str] = {
    "Alabama": "AL",
    "Alaska": "AK",
    "Arizona": "AZ",
    "Arkansas": "AR",
    "California": "CA",
    "Colorado": "CO",
    "Connecticut": "CT",
    "Delaware": "DE",
    "Florida": "FL",
    "Georgia": "GA",
    "Hawaii": "HI",
    "Idaho": "ID",
    "Illinois": "IL",
    "Indiana": "IN",
    "Iowa": "IA",
    "Kansas": "KS",
    "Kentucky": "KY",
    "Louisiana": "LA",
    "Maine": "ME",
    "Maryland": "MD",
    "Massachusetts": "MA",
    "Michigan": "MI",
    "Minnesota": "MN",
    "Mississippi": "MS",
    "Missouri": "MO",
    "Montana": "MT",
    "Nebraska": "NE",
    "Nevada": "NV",
    "New Hampshire": "NH",
    "New Jersey": "NJ",
    "New Mexico": "NM",
    "New York": "NY",
    "North Carolina": "NC",
    "North Dakota": "ND",
    "Ohio": "OH",
    "Oklahoma": "OK",
    "Oregon": "OR",
    "Pennsylvania": "PA",
    "Rhode Island": "RI",
    "South Carolina": "SC",
    "South Dakota": "SD",
    "Tennessee": "TN",
    "Texas": "TX",
    "Utah": "UT",
    "Vermont": "VT",
    "Virginia": "VA",
    "Washington": "WA",
    "Washington State": "WA",
    "West Virginia": "WV",
    "Wisconsin": "WI",
    "Wyoming": "WY",
    "District of Columbia": "DC",
    "Washington D.C.": "DC",
    "Puerto Rico": "PR",
    "U.S. Virgin Islands": "VI",
    "US Virgin Islands": "VI",
    "Guam": "GU",
    "Northern Mariana Islands": "MP",
    "American Samoa": "AS",
    "Alberta": "AB",
    "British Columbia": "BC",
    "British Colombia": "BC",
    "Manitoba": "MB",
    "New Brunswick": "NB",
    "Newfoundland and Labrador": "NL",
    "Newfoundland": "NL",
    "Nova Scotia": "NS",
    "Northwest Territories": "NT",
    "Nunavut": "NU",
    "Ontario": "ON",
    "Prince Edward Island": "PE",
    "Quebec": "QC",
    "Québec": "QC",
    "Saskatchewan": "SK",
    "Yukon": "YT",
}
_KNOWN_CODES = frozenset(_REGION_CODES.values())

# Used only where phonenumbers has nothing: US territories (the geocoder names
# no region for them) and the newest Florida/Oklahoma overlays, which older
# phonenumbers releases than the one pinned may not know yet. The Florida and
# Oklahoma rows matter most: the marketing rules are the law there.
_FALLBACK: dict[str, tuple[str, tuple[str, ...]]] = {
    "787": ("PR", ("America/Puerto_Rico",)),
    "939": ("PR", ("America/Puerto_Rico",)),
    "340": ("VI", ("America/St_Thomas",)),
    "671": ("GU", ("Pacific/Guam",)),
    "670": ("MP", ("Pacific/Saipan",)),
    "684": ("AS", ("Pacific/Pago_Pago",)),
    "324": (FLORIDA, ("America/New_York",)),
    "448": (FLORIDA, ("America/Chicago", "America/New_York")),
    "645": (FLORIDA, ("America/New_York",)),
    "656": (FLORIDA, ("America/New_York",)),
    "689": (FLORIDA, ("America/New_York",)),
    "728": (FLORIDA, ("America/New_York",)),
    "539": (OKLAHOMA, ("America/Chicago",)),
    "572": (OKLAHOMA, ("America/Chicago",)),
}

# phonenumbers 9.0 gives these overlays a zone their parent codes do not have.
# A wrong zone shifts the window by an hour, which for Florida marketing is a
# violation, so these win over the library's data.
_ZONE_CORRECTIONS: dict[str, tuple[str, ...]] = {
    "689": ("America/New_York",),  # Orlando overlay of 407/321; data says Chicago
    "448": ("America/Chicago", "America/New_York"),  # overlay of 850, which spans both
    "474": ("America/Regina",),  # Saskatchewan overlay of 306/639; data says Winnipeg
    "879": ("America/Halifax", "America/St_Johns"),  # overlay of 709; data says Puerto_Rico
}

_NANP = re.compile(r"(?:\+1|1)?([2-9]\d{2})\d{7}")


def area_code(e164: str) -> str | None:
    """The 3-digit area code of a +1 number (E.164 or bare 10/11 digits), else None."""
    match = _NANP.fullmatch(e164.strip())
    return match.group(1) if match else None


def zones_for(e164: str) -> tuple[str, ...]:
    """Every IANA zone a number in this area code may ring in, sorted; () if unknown.

    Several area codes straddle zones (850, 208, 605…): a caller enforcing a
    window should hold it in all of them.
    """
    code = area_code(e164)
    return ZONES.get(code, ()) if code else ()


def region_for(e164: str) -> str | None:
    """Two-letter state, province or territory code of the area code, else None.

    None also for non-geographic codes (toll-free, 5XX) and the few codes that
    stand for two regions with no way to tell them apart (782: NS or PE).
    """
    code = area_code(e164)
    return REGIONS.get(code) if code else None


def build_table() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Derive the area-code table from phonenumbers' data (scripts/generate_area_codes.py).

    Run once when phonenumbers is upgraded, not at run time: the place-name data
    covers every country and costs seconds and ~150 MB to load, which a server
    answering decisions must not pay.
    """
    regions: dict[str, str] = {}
    zones: dict[str, tuple[str, ...]] = {}
    for number in range(200, 1000):
        code = str(number)
        found_zones = _zones(code)
        if found_zones:
            zones[code] = found_zones
        region = _region(code)
        if region:
            regions[code] = region
    return regions, zones


@lru_cache(maxsize=1024)
def _zones(code: str) -> tuple[str, ...]:
    if code in _ZONE_CORRECTIONS:
        return _ZONE_CORRECTIONS[code]
    found = _zones_from_data(code)
    if found:
        return found
    fallback = _FALLBACK.get(code)
    return fallback[1] if fallback else ()


def _zones_from_data(code: str) -> tuple[str, ...]:
    # Union over every prefix under the area code, because the library keys many
    # codes only by exchange (208 has no entry of its own) and the area-code
    # entry alone can miss a zone (850's says Eastern; Pensacola is Central).
    country_wide = TIMEZONE_DATA.get("1")
    prefix = "1" + code
    zones: set[str] = set()
    for key, names in TIMEZONE_DATA.items():
        # The country-wide list is what the library says when it knows nothing.
        if key.startswith(prefix) and names != country_wide:
            zones.update(names)
    zones.discard(_UNKNOWN_ZONE)
    return tuple(sorted(zones))


@lru_cache(maxsize=1024)
def _region(code: str) -> str | None:
    found = _region_from_data(code)
    if found:
        return found
    fallback = _FALLBACK.get(code)
    return fallback[0] if fallback else None


def _region_from_data(code: str) -> str | None:
    whole, parts = _geodata().get(code, (None, ()))
    candidates = _codes_in(whole) if whole else ()
    if len(candidates) == 1:
        return candidates[0]
    # No single answer at the area-code level (203, 310 and 905 have no entry;
    # 867 names three territories): let the exchange-level places vote.
    votes: Counter[str] = Counter()
    for description in parts:
        named = _codes_in(description)
        if len(named) == 1 and (not candidates or named[0] in candidates):
            votes[named[0]] += 1
    ranked = votes.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _codes_in(description: str) -> tuple[str, ...]:
    """Region codes named by a geocoder description: "Florida", "Miami, FL", "A/B"."""
    city = re.search(r", ([A-Z]{2})$", description)
    if city:
        return (city.group(1),) if city.group(1) in _KNOWN_CODES else ()
    names = (name.strip() for name in description.split("/"))
    return tuple(_REGION_CODES[name] for name in names if name in _REGION_CODES)


@lru_cache(maxsize=1)
def _geodata() -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """Area code → (its own English description, descriptions of its exchanges)."""
    # Imported here, not at the top: the geocoder data is every country's, costs
    # seconds and ~150 MB to load, and only region_for needs it.
    from phonenumbers.geodata import GEOCODE_DATA

    whole: dict[str, str] = {}
    parts: dict[str, list[str]] = {}
    for key, names in GEOCODE_DATA.items():
        english = names.get("en")
        if not english or not key.startswith("1") or len(key) < 4:
            continue
        if len(key) == 4:
            whole[key[1:]] = english
        else:
            parts.setdefault(key[1:4], []).append(english)
    return {
        code: (whole.get(code), tuple(parts.get(code, ()))) for code in whole.keys() | parts.keys()
    }
