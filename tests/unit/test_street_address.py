"""Structured addresses (R-27): what a caller may give, how it is kept, what it tells."""

from __future__ import annotations

from typing import Any

import pytest

from heed.domain.errors import Invalid
from heed.domain.street_address import (
    StreetAddress,
    parse_street_address,
    street_address_problems,
)
from heed.services.customer_commands import (
    CustomerInput,
    LocationInput,
    address_from_columns,
    parse_address,
)

AUSTIN = {
    "street": "4100  Speedway ",
    "city": "Austin",
    "state": "tx",
    "postal_code": "787511234",
    "country": "us",
}
OTTAWA = {
    "street": "111 Wellington St",
    "unit": "Room 2",
    "city": "Ottawa",
    "state": "ON",
    "postal_code": "k1a0a9",
    "country": "CA",
}


def refused(data: dict[str, Any]) -> Invalid:
    with pytest.raises(Invalid) as caught:
        parse_street_address(data)
    return caught.value


def test_an_address_is_kept_with_codes_upper_case_and_the_zip_in_its_usual_form() -> None:
    address = parse_street_address(AUSTIN)
    assert address == StreetAddress("4100 Speedway", None, "Austin", "TX", "78751-1234", "US")
    assert address.jurisdiction == "US-TX"
    assert address.one_line() == "4100 Speedway, Austin, TX 78751-1234, US"


def test_a_canadian_address_keeps_its_postal_code_with_the_space() -> None:
    address = parse_street_address(OTTAWA)
    assert (address.postal_code, address.jurisdiction) == ("K1A 0A9", "CA-ON")
    assert address.one_line() == "111 Wellington St Room 2, Ottawa, ON K1A 0A9, CA"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"country": "MX"}, "address.country", '"US" or "CA"'),
        ({"state": "Texas"}, "address.state", "USPS state code"),
        ({"state": "QC"}, "address.state", "USPS state code"),
        ({"postal_code": "7875"}, "address.postal_code", "ZIP code"),
        ({"postal_code": "K1A 0A9"}, "address.postal_code", "ZIP code"),
        ({"street": ""}, "address.street", "required"),
        ({"city": None}, "address.city", "required"),
        ({"street": "x" * 201}, "address.street", "at most 200"),
        ({"unit": "x" * 51}, "address.unit", "at most 50"),
        ({"city": "Austin\x00"}, "address.city", "NUL"),
        ({"zip": "78751"}, "address.zip", "not part of an address"),
        ({"street": 4100}, "address.street", "must be text"),
    ],
)
def test_a_wrong_part_is_refused_naming_it(change: dict[str, Any], field: str, words: str) -> None:
    error = refused({**AUSTIN, **change})
    assert error.details["field"] == field
    assert words in error.message


def test_a_canadian_postal_code_must_belong_to_the_province() -> None:
    error = refused({**OTTAWA, "state": "QC"})
    assert error.details["field"] == "address.postal_code"
    assert "Quebec" in error.message
    # Letters Canada Post never uses are no postal code at all.
    assert refused({**OTTAWA, "postal_code": "D1A 0A9"}).details["field"] == "address.postal_code"


def test_the_territories_and_provinces_are_states_of_their_country() -> None:
    assert parse_street_address({**AUSTIN, "state": "PR", "postal_code": "00901"}).jurisdiction == (
        "US-PR"
    )
    yukon = {**OTTAWA, "state": "YT", "postal_code": "Y1A 1A1"}
    assert parse_street_address(yukon).jurisdiction == "CA-YT"


def test_a_plain_string_is_still_accepted_and_kept_as_text() -> None:
    assert parse_address("  4100 Speedway, Austin TX ") == "4100 Speedway, Austin TX"
    assert parse_address(None) is None
    assert isinstance(parse_address(AUSTIN), StreetAddress)


def test_commands_name_the_part_where_the_location_sits() -> None:
    with pytest.raises(Invalid) as caught:
        CustomerInput.parse(
            {"name": "Ann", "locations": [{"name": "Home", "address": {**AUSTIN, "state": "ZZ"}}]}
        )
    assert caught.value.details["field"] == "locations[0].address.state"
    with pytest.raises(Invalid) as billing:
        CustomerInput.parse({"name": "Ann", "billing_address": {**AUSTIN, "postal_code": "x"}})
    assert billing.value.details["field"] == "billing_address.postal_code"
    location = LocationInput.parse({"name": "Home", "address": AUSTIN})
    assert isinstance(location.address, StreetAddress)


def test_an_import_row_s_address_columns_make_an_address_or_none() -> None:
    row = {**AUSTIN, "unit": "", "external_id": "A-1", "customer_name": "Ann"}
    assert address_from_columns(row) == parse_street_address(AUSTIN)
    empty = dict.fromkeys(("street", "unit", "city", "state", "postal_code", "country"), "")
    assert address_from_columns({**empty, "customer_name": "Ann"}) is None
    with pytest.raises(Invalid) as caught:
        address_from_columns({**row, "postal_code": "x"}, "rows[3]")
    assert caught.value.details["field"] == "rows[3].postal_code"


def test_every_refused_part_of_an_address_is_named_at_once() -> None:
    problems = street_address_problems(
        {"street": "", "city": "Austin", "state": "ZZ", "postal_code": "7875", "country": "US"}
    )
    assert sorted(problems) == ["postal_code", "state", "street"]
    assert all(error.details["field"] == f"address.{p}" for p, error in problems.items())


def test_a_canadian_postal_code_waits_for_its_province_and_a_good_address_has_no_problems() -> None:
    typed = {"street": "1 Rue", "city": "Laval", "state": "XX", "postal_code": "H7N 1A1"}
    assert sorted(street_address_problems({**typed, "country": "CA"})) == ["state"]
    good = {**typed, "state": "QC", "country": "CA"}
    assert street_address_problems(good) == {}
    parse_street_address(good)
