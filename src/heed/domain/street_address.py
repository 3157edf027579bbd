"""Structured postal addresses (R-27): a location's address and a customer's billing address.

This module owns what a structured address is (street, unit, city, state or province,
postal code, country US or CA), checking one as staff, the API or an import gives it
(the state a USPS or Canada Post two-letter code of its country, the postal code in
its country's format, each part within its length), and what it tells the rest of
heed: its jurisdiction ("US-TX") and, through heed.domain.postal, its time zone. A
plain-text address is still accepted elsewhere; it decides nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from heed.domain import limits
from heed.domain.errors import Invalid

COUNTRIES = ("US", "CA")

#: USPS two-letter codes: the states, DC, the territories whose numbers are NANP
#: (R-28) and the armed forces' mail codes.
US_STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
    "AA": "Armed Forces Americas",
    "AE": "Armed Forces Europe",
    "AP": "Armed Forces Pacific",
}

#: Canada Post's two-letter codes.
CA_PROVINCES: dict[str, str] = {
    "AB": "Alberta",
    "BC": "British Columbia",
    "MB": "Manitoba",
    "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador",
    "NS": "Nova Scotia",
    "NT": "Northwest Territories",
    "NU": "Nunavut",
    "ON": "Ontario",
    "PE": "Prince Edward Island",
    "QC": "Quebec",
    "SK": "Saskatchewan",
    "YT": "Yukon",
}

_REGIONS = {"US": US_STATES, "CA": CA_PROVINCES}

# Canada Post: a postal code's first letter names its province (X: both territories).
_CANADIAN_LETTERS: dict[str, tuple[str, ...]] = {
    "A": ("NL",),
    "B": ("NS",),
    "C": ("PE",),
    "E": ("NB",),
    "G": ("QC",),
    "H": ("QC",),
    "J": ("QC",),
    "K": ("ON",),
    "L": ("ON",),
    "M": ("ON",),
    "N": ("ON",),
    "P": ("ON",),
    "R": ("MB",),
    "S": ("SK",),
    "T": ("AB",),
    "V": ("BC",),
    "X": ("NT", "NU"),
    "Y": ("YT",),
}

_ZIP = re.compile(r"(\d{5})(?:[- ]?(\d{4}))?")
# D, F, I, O, Q and U never appear; W and Z never lead.
_CANADIAN = re.compile(r"([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])\s?(\d[ABCEGHJ-NPRSTV-Z]\d)")

PARTS = ("street", "unit", "city", "state", "postal_code", "country")
_LIMITS = {
    "street": limits.STREET,
    "unit": limits.UNIT,
    "city": limits.CITY,
    # Codes are checked against their lists and formats, which say more than a length.
    "state": limits.NAME,
    "postal_code": limits.NAME,
    "country": limits.NAME,
}
_REQUIRED = ("street", "city", "state", "postal_code", "country")


@dataclass(frozen=True)
class StreetAddress:
    """A checked structured address: state and country upper-case two-letter codes, the
    postal code in its country's canonical form ("78751", "78751-1234", "K1A 0B1")."""

    street: str
    unit: str | None
    city: str
    state: str
    postal_code: str
    country: str

    @property
    def jurisdiction(self) -> str:
        """The state or province as the rules table names it: "US-TX", "CA-QC"."""
        return f"{self.country}-{self.state}"

    def one_line(self) -> str:
        """The address as one line of text, as the plain-text column keeps it."""
        street = f"{self.street} {self.unit}" if self.unit else self.street
        return f"{street}, {self.city}, {self.state} {self.postal_code}, {self.country}"

    def as_dict(self) -> dict[str, str | None]:
        return {part: getattr(self, part) for part in PARTS}


def parse_street_address(data: Mapping[str, object], field: str = "address") -> StreetAddress:
    """Check an address object as a caller gives it; Invalid names the part
    (``address.postal_code``) and says why."""
    unknown = sorted(set(data) - set(PARTS))
    if unknown:
        raise Invalid(
            f"{field}.{unknown[0]} is not part of an address: give "
            "street, unit, city, state, postal_code and country.",
            field=f"{field}.{unknown[0]}",
        )
    parts = {part: _part(data.get(part), f"{field}.{part}", part) for part in PARTS}
    country = _country(parts["country"], f"{field}.country")
    state = _state(parts["state"], country, f"{field}.state")
    postal_code = _postal_code(parts["postal_code"], country, state, f"{field}.postal_code")
    street, city = parts["street"], parts["city"]
    assert street is not None and city is not None
    return StreetAddress(street, parts["unit"], city, state, postal_code, country)


def street_address_problems(
    data: Mapping[str, object], field: str = "address"
) -> dict[str, Invalid]:
    """Every part of an address that ``parse_street_address`` would refuse, by part
    (``{"postal_code": Invalid(...)}``): the same checks, all of them at once. The state
    and postal code are checked against a country only once the country stands."""
    problems: dict[str, Invalid] = {}
    parts: dict[str, str | None] = {}
    for part in PARTS:
        try:
            parts[part] = _part(data.get(part), f"{field}.{part}", part)
        except Invalid as error:
            problems[part] = error
    if "country" not in problems:
        _regional_problems(parts, field, problems)
    return problems


def _regional_problems(
    parts: Mapping[str, str | None], field: str, problems: dict[str, Invalid]
) -> None:
    try:
        country = _country(parts["country"], f"{field}.country")
    except Invalid as error:
        problems["country"] = error
        return
    state = ""
    if "state" not in problems:
        try:
            state = _state(parts["state"], country, f"{field}.state")
        except Invalid as error:
            problems["state"] = error
    # A Canadian postal code is checked against its province, so only once that stands.
    if "postal_code" not in problems and (state or country == "US"):
        try:
            _postal_code(parts["postal_code"], country, state, f"{field}.postal_code")
        except Invalid as error:
            problems["postal_code"] = error


def _part(value: object, field: str, part: str) -> str | None:
    if value is None or value == "":
        if part in _REQUIRED:
            raise Invalid(f"{field} is required in a structured address.", field=field)
        return None
    if not isinstance(value, str):
        raise Invalid(f"{field} must be text.", field=field)
    why = limits.too_long(value.strip(), _LIMITS[part]) or limits.refused_character(value)
    if why is not None:
        raise Invalid(f"{field} {why}.", field=field)
    text = " ".join(value.split())
    if not text and part in _REQUIRED:
        raise Invalid(f"{field} must not be empty.", field=field)
    return text or None


def _country(value: str | None, field: str) -> str:
    code = (value or "").upper()
    if code not in COUNTRIES:
        raise Invalid(f'{field} must be "US" or "CA" (got {value!r}).', field=field)
    return code


def _state(value: str | None, country: str, field: str) -> str:
    code = (value or "").upper()
    regions = _REGIONS[country]
    if code not in regions:
        what = (
            "a USPS state code such as TX"
            if country == "US"
            else ("a Canada Post province code such as QC")
        )
        raise Invalid(f"{field} {value!r} is not {what} of {country}.", field=field)
    return code


def _postal_code(value: str | None, country: str, state: str, field: str) -> str:
    text = (value or "").upper()
    if country == "US":
        zip_match = _ZIP.fullmatch(text)
        if zip_match is None:
            raise Invalid(
                f"{field} {value!r} is not a US ZIP code (12345 or 12345-6789).", field=field
            )
        five, four = zip_match.groups()
        return f"{five}-{four}" if four else five
    match = _CANADIAN.fullmatch(text)
    if match is None:
        raise Invalid(f"{field} {value!r} is not a Canadian postal code (A1A 1A1).", field=field)
    fsa, ldu = match.groups()
    if state not in _CANADIAN_LETTERS.get(fsa[0], ()):
        raise Invalid(
            f"{field} {fsa} {ldu} is not a postal code of {CA_PROVINCES[state]}: "
            "check the postal code and the province.",
            field=field,
        )
    return f"{fsa} {ldu}"


def region_name(country: str, state: str) -> str:
    """The state's or province's name ("Texas"), or the code when unknown."""
    return _REGIONS.get(country, {}).get(state, state)
