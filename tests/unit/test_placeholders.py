"""Placeholders as data (R-2, R-28), and numbers in codes newer than phonenumbers."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import pytest

from heed.domain.addresses import (
    in_service_number,
    is_placeholder,
    normalize_phone,
    parse_contact_value,
)
from heed.domain.errors import InvalidPhone, PlaceholderContact
from heed.domain.placeholders import (
    PlaceholderListError,
    is_placeholder_digits,
    parse_placeholder_list,
    placeholder_list,
)


def _shipped() -> dict[str, Any]:
    text = resources.files("heed.domain.data").joinpath("placeholders.toml").read_text("utf-8")
    return tomllib.loads(text)


@pytest.mark.parametrize(
    "text",
    ["(212) 555-0100", "(212) 555-0199", "+15125550143", "416-555-0150", "(907) 555-0100"],
)
def test_the_fictional_555_01xx_range_is_a_placeholder_in_every_area_code(text: str) -> None:
    assert is_placeholder("mobile", text)
    with pytest.raises(PlaceholderContact):
        parse_contact_value("mobile", text)


@pytest.mark.parametrize("text", ["(212) 555-0099", "(212) 555-0200", "(212) 555-1213"])
def test_numbers_beside_the_fictional_range_are_not_placeholders(text: str) -> None:
    assert not is_placeholder("mobile", text)


@pytest.mark.parametrize("text", ["517-555-1212", "(212) 555-1212", "1-416-555-1212"])
def test_directory_assistance_in_any_area_code_is_a_placeholder(text: str) -> None:
    assert is_placeholder("phone", text)


def test_an_imported_fictional_number_is_flagged_not_refused() -> None:
    parsed = parse_contact_value("mobile", "(212) 555-0100", allow_placeholder=True)
    assert parsed.placeholder and parsed.value == "+12125550100"


def test_the_digit_check_used_on_stored_numbers_catches_the_fictional_range() -> None:
    assert is_placeholder_digits("2125550142")
    assert is_placeholder_digits("12125550142")
    assert not is_placeholder_digits("2126210142")


@pytest.mark.parametrize(
    "address",
    [
        "didnothaveemail@gmail.com",
        "didnotwanttogive@gmail.com",
        "didntgive@nowhere.com",
        "noname@gmail.zzz",
        "Didnt.Give@Yahoo.com",
        "did_not_give@hotmail.com",
        "no-email@comcast.net",
        "none2@gmail.com",
        "noemail+17@gmail.com",
        "doesnthave@gmail.com",
        "customer.declined@outlook.com",
        "jane@acme.invalid",
        "jane@acme.test",
        "jane@mail.example.org",
        "jane@printer.localhost",
        "jane@shop.zzz",
    ],
)
def test_crm_stand_ins_and_reserved_domains_are_placeholders(address: str) -> None:
    assert is_placeholder("email", address)


@pytest.mark.parametrize(
    "address",
    [
        "jane@acme.com",
        "nonna@gmail.com",
        "didier@gmail.com",
        "noel@none-such.com",
        "nadia@nasa.gov",
    ],
)
def test_real_addresses_that_look_alike_are_not_placeholders(address: str) -> None:
    assert not is_placeholder("email", address)


def test_the_accounts_own_list_still_applies() -> None:
    assert is_placeholder("email", "office@acme.com", ["office@acme.com"])
    assert is_placeholder("email", "x@ourshop.com", ["@ourshop.com"])
    assert is_placeholder("mobile", "(206) 621-9999", ["206-621-9999"])
    assert not is_placeholder("mobile", "(206) 621-9998", ["206-621-9999"])


def test_the_placeholder_list_is_versioned_and_read_once() -> None:
    assert placeholder_list() is placeholder_list()
    assert placeholder_list().version


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("version"), "version"),
        (lambda d: d["phone"].update(lines=["555"]), "lines"),
        (lambda d: d["phone"]["line_ranges"][0].pop("why"), "line_ranges[0]"),
        (lambda d: d["phone"]["line_ranges"][0].update(first="5550200"), "line_ranges[0]"),
        (lambda d: d["email"].update(tlds="zzz"), "tlds"),
        (lambda d: d.pop("email"), "[email]"),
    ],
)
def test_a_malformed_list_is_refused_naming_the_field(change: Any, field: str) -> None:
    data = _shipped()
    change(data)
    with pytest.raises(PlaceholderListError, match=field.replace("[", r"\[").replace("]", r"\]")):
        parse_placeholder_list(data)


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("(357) 234-5678", "+13572345678"),
        ("436-234-5678", "+14362345678"),
        ("457 234 5678", "+14572345678"),
        ("+1 621 234 5678", "+16212345678"),
        ("(624) 234-5678", "+16242345678"),
        ("(679) 234-5678", "+16792345678"),
        ("(729) 234-5678", "+17292345678"),
        ("(837) 234-5678", "+18372345678"),
        ("(861) 234-5678", "+18612345678"),
        ("(924) 234-5678", "+19242345678"),
    ],
)
def test_a_number_in_a_code_nanpa_lists_in_service_is_accepted(text: str, e164: str) -> None:
    assert normalize_phone(text) == e164
    assert parse_contact_value("mobile", text).value == e164


@pytest.mark.parametrize("national", ["3570345678", "3571345678", "3579115678", "3872345678"])
def test_an_impossible_exchange_or_a_code_not_in_service_stays_invalid(national: str) -> None:
    # 0XX and 1XX exchanges and N11 codes are never assigned; 387 is not assigned.
    assert not in_service_number(national)
    assert not in_service_number("2732345678")  # assigned to Quebec, not in service yet
    with pytest.raises(InvalidPhone):
        normalize_phone(national)


def test_a_fictional_number_in_a_new_code_is_still_a_placeholder() -> None:
    with pytest.raises(PlaceholderContact):
        parse_contact_value("mobile", "(357) 555-0123")
