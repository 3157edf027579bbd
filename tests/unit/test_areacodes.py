"""Where a number rings, for the sending window (R-18)."""

from __future__ import annotations

import phonenumbers
import pytest

from heed.domain.areacodes import (
    FLORIDA,
    OKLAHOMA,
    area_code,
    in_service,
    jurisdiction_for,
    lookup,
    region_for,
    zones_for,
)

FLORIDA_CODES = [
    "239",
    "305",
    "321",
    "324",
    "352",
    "386",
    "407",
    "448",
    "561",
    "645",
    "656",
    "689",
    "727",
    "728",
    "754",
    "772",
    "786",
    "813",
    "850",
    "863",
    "904",
    "941",
    "954",
]
OKLAHOMA_CODES = ["405", "539", "572", "580", "918"]

# Exchanges spread over the range so at least one is assigned in every code.
_PROBES = ("2345678", "5550143", "2000000", "7000000", "9000000", "4560000", "3000000", "8000000")


def _geographic_us_and_canadian_codes() -> list[str]:
    codes = []
    for code in range(200, 1000):
        numbers = (phonenumbers.parse(f"+1{code}{probe}") for probe in _PROBES)
        number = next((n for n in numbers if phonenumbers.is_valid_number(n)), None)
        if number is None or not phonenumbers.is_number_geographical(number):
            continue
        if phonenumbers.region_code_for_number(number) in {"US", "CA"}:
            codes.append(str(code))
    return codes


GEOGRAPHIC = _geographic_us_and_canadian_codes()


def test_the_probe_finds_every_us_and_canadian_area_code() -> None:
    assert len(GEOGRAPHIC) > 380
    assert {"416", "604", "867", "709", "808", "907", "212"} <= set(GEOGRAPHIC)


def test_every_us_and_canadian_area_code_has_a_time_zone() -> None:
    missing = [code for code in GEOGRAPHIC if not zones_for(f"+1{code}2345678")]
    assert missing == []


def test_every_us_and_canadian_area_code_but_the_shared_ones_has_a_region() -> None:
    # 782/902 serve Nova Scotia and Prince Edward Island; 867 the three territories.
    missing = [code for code in GEOGRAPHIC if not region_for(f"+1{code}2345678")]
    assert missing == ["782", "867", "902"]
    assert lookup("902") is not None and lookup("902").regions == ("NS", "PE")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("e164", "zones"),
    [
        ("+14165550143", ("America/Toronto",)),
        ("+16045550143", ("America/Vancouver",)),
        ("+17095550143", ("America/Goose_Bay", "America/St_Johns")),
        ("+18085550143", ("Pacific/Honolulu",)),
        ("+17875550143", ("America/Puerto_Rico",)),
        ("+12065550143", ("America/Los_Angeles",)),
        ("+13055550143", ("America/New_York",)),
        ("+14055550143", ("America/Chicago",)),
    ],
)
def test_an_area_code_maps_to_its_time_zones(e164: str, zones: tuple[str, ...]) -> None:
    assert zones_for(e164) == zones


def test_alaska_and_canadas_north_span_several_zones() -> None:
    assert {"America/Anchorage", "America/Adak"} <= set(zones_for("+19075550143"))
    assert {"America/Edmonton", "America/Iqaluit", "America/Rankin_Inlet"} <= set(
        zones_for("+18675550143")
    )


def test_the_florida_panhandle_rings_in_both_central_and_eastern_time() -> None:
    assert zones_for("+18505550143") == ("America/Chicago", "America/New_York")
    assert zones_for("+14485550143") == ("America/Chicago", "America/New_York")


def test_orlandos_overlay_is_eastern_although_phonenumbers_says_central() -> None:
    assert zones_for("+16895550143") == ("America/New_York",)


@pytest.mark.parametrize("e164", ["+18005550143", "+18885550143", "+15005550143", "+16005550143"])
def test_non_geographic_codes_have_no_zone_or_region(e164: str) -> None:
    assert zones_for(e164) == ()
    assert region_for(e164) is None


@pytest.mark.parametrize("e164", ["+442079460958", "", "garbage", "+1206555014", "+11235550143"])
def test_anything_but_a_north_american_number_has_no_zone_or_region(e164: str) -> None:
    assert zones_for(e164) == ()
    assert region_for(e164) is None


def test_every_zone_is_sorted_unique_and_known() -> None:
    for code in GEOGRAPHIC:
        zones = zones_for(f"+1{code}2345678")
        assert list(zones) == sorted(set(zones))
        assert "Etc/Unknown" not in zones


@pytest.mark.parametrize("code", FLORIDA_CODES)
def test_every_florida_area_code_is_florida(code: str) -> None:
    assert region_for(f"+1{code}5550143") == FLORIDA


@pytest.mark.parametrize("code", OKLAHOMA_CODES)
def test_every_oklahoma_area_code_is_oklahoma(code: str) -> None:
    assert region_for(f"+1{code}5550143") == OKLAHOMA


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("416", "ON"),
        ("905", "ON"),
        ("604", "BC"),
        ("514", "QC"),
        ("709", "NL"),
        ("206", "WA"),
        ("202", "DC"),
        ("203", "CT"),
        ("310", "CA"),
        ("212", "NY"),
        ("713", "TX"),
        ("808", "HI"),
        ("907", "AK"),
        ("787", "PR"),
        ("340", "VI"),
        ("671", "GU"),
    ],
)
def test_an_area_code_maps_to_its_state_or_province(code: str, region: str) -> None:
    assert region_for(f"+1{code}5550143") == region


@pytest.mark.parametrize(
    ("text", "code"),
    [("+13055550143", "305"), ("13055550143", "305"), ("3055550143", "305"), ("+4420794609", None)],
)
def test_the_area_code_is_read_from_e164_or_bare_digits(text: str, code: str | None) -> None:
    assert area_code(text) == code


def test_the_committed_area_code_table_is_what_the_committed_report_gives() -> None:
    from heed.domain.area_code_table import REGIONS, ZONES
    from heed.domain.areacodes import build_table

    assert build_table() == (REGIONS, ZONES), "run scripts/areacodes"


@pytest.mark.parametrize(
    ("code", "zones"),
    [
        ("270", ("America/Chicago", "America/New_York")),
        ("364", ("America/Chicago", "America/New_York")),
        ("458", ("America/Denver", "America/Los_Angeles")),
        ("541", ("America/Denver", "America/Los_Angeles")),
        ("915", ("America/Chicago", "America/Denver")),
        ("931", ("America/Chicago", "America/New_York")),
        ("812", ("America/Chicago", "America/New_York")),
        ("930", ("America/Chicago", "America/New_York")),
    ],
)
def test_a_split_zone_code_exposes_every_zone(code: str, zones: tuple[str, ...]) -> None:
    found = lookup(code)
    assert found is not None and found.zones == zones and found.split_zone


@pytest.mark.parametrize(
    ("codes", "region"),
    [
        (("270", "364"), "KY"),
        (("812", "930"), "IN"),
        (("458", "541"), "OR"),
        (("367", "418", "581"), "QC"),
    ],
)
def test_the_codes_of_one_overlay_complex_answer_alike(codes: tuple[str, ...], region: str) -> None:
    entries = [lookup(code) for code in codes]
    assert all(entry is not None for entry in entries)
    assert {entry.region for entry in entries if entry} == {region}
    assert len({entry.zones for entry in entries if entry}) == 1
    for entry in entries:
        assert entry is not None and set(codes) <= set(entry.overlay_complex)


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("357", "CA"),
        ("436", "OH"),
        ("457", "LA"),
        ("621", "TX"),
        ("624", "NY"),
        ("679", "MI"),
        ("729", "TN"),
        ("837", "CA"),
        ("861", "IL"),
        ("924", "MN"),
    ],
)
def test_codes_newer_than_phonenumbers_are_in_service_with_a_region(code: str, region: str) -> None:
    assert in_service(code)
    assert in_service(f"+1{code}2345678")
    assert region_for(f"+1{code}2345678") == region
    assert zones_for(f"+1{code}2345678")


def test_the_jurisdiction_names_the_country_and_the_region() -> None:
    assert jurisdiction_for("+15125550143") == "US-TX"
    assert jurisdiction_for("+14185550143") == "CA-QC"
    assert jurisdiction_for("+17875550143") == "US-PR"
    assert jurisdiction_for("+19025550143") is None
    assert jurisdiction_for("+18005550143") is None


def test_a_code_of_another_nanp_country_or_unassigned_is_unknown() -> None:
    assert lookup("876") is None  # Jamaica
    assert lookup("800") is None  # toll-free
    assert lookup("387") is None  # unassigned
    assert not in_service("876")
