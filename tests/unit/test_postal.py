"""A location's time zone from its postal code (R-27)."""

from __future__ import annotations

import tomllib
from importlib import resources
from zoneinfo import ZoneInfo

import pytest

from heed.domain.postal import PostalZone, zone_for_postal


@pytest.mark.parametrize(
    ("country", "postal_code", "zone"),
    [
        ("US", "73301", "America/Chicago"),  # Austin
        ("US", "99501-1234", "America/Anchorage"),  # ZIP+4
        ("US", "96813", "Pacific/Honolulu"),
        ("US", "00901", "America/Puerto_Rico"),
        ("US", "79901", "America/Denver"),  # El Paso keeps Mountain time
        ("US", "86515", "America/Denver"),  # Window Rock, Navajo Nation
        ("US", "85001", "America/Phoenix"),
        ("us", " 10001 ", "America/New_York"),
        ("CA", "K1A 0B1", "America/Toronto"),
        ("CA", "h2x1y4", "America/Toronto"),
        ("CA", "V6B 1A1", "America/Vancouver"),
        ("CA", "S4P 3Y2", "America/Regina"),
        ("CA", "A1C 5M2", "America/St_Johns"),
        ("CA", "A2V 1A1", "America/Goose_Bay"),  # Labrador City
        ("CA", "P9N 1A1", "America/Winnipeg"),  # Kenora
        ("CA", "X0A 0H0", "America/Iqaluit"),
        ("CA", "Y1A", "America/Whitehorse"),  # the FSA alone
    ],
)
def test_a_postal_code_gives_its_zone_and_says_where_it_came_from(
    country: str, postal_code: str, zone: str
) -> None:
    assert zone_for_postal(country, postal_code) == PostalZone(zone, "postal_code")


@pytest.mark.parametrize(
    ("country", "postal_code"),
    [("US", "00000"), ("US", "7330"), ("US", "K1A 0B1"), ("CA", "D1A 1A1"), ("CA", "73301"),
     ("MX", "06600"), ("US", "")],
)  # fmt: skip
def test_an_unknown_or_malformed_postal_code_has_no_zone(country: str, postal_code: str) -> None:
    assert zone_for_postal(country, postal_code) is None


def test_every_canadian_zone_listed_is_a_real_zone_and_every_letter_is_covered() -> None:
    text = resources.files("heed.domain.data").joinpath("canada_postal_zones.toml")
    data = tomllib.loads(text.read_text("utf-8"))
    assert set(data["letters"]) == set("ABCEGHJKLMNPRSTVXY")
    for zone in [*data["letters"].values(), *data["fsa"].values()]:
        ZoneInfo(zone)
