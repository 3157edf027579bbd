"""normalize_phone answers E.164 in an in-service code without parsing it: the answer
must be the one phonenumbers' path gives, for every code in heed's table and for the
numbers around it that are not valid (R-1, R-28)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heed.domain import addresses
from heed.domain.addresses import normalize_phone
from heed.domain.area_code_table import IN_SERVICE
from heed.domain.errors import HeedError

# Exchanges that are service codes, fictional, special or not dialable, and some plain ones.
EXCHANGES = [
    *(f"{n}11" for n in range(2, 10)),
    *(f"{n}{m}1" for n in range(2, 10) for m in (0, 2, 9)),
    "555",
    "950",
    "958",
    "959",
    "976",
    "700",
    "800",
    "999",
    "200",
    "201",
    "234",
    "456",
    "789",
    "100",
    "011",
    "111",
]
LINES = ["0000", "0100", "0155", "0199", "1212", "4567", "9999"]


def outcome(text: str, *, parsed: bool) -> tuple[str, str, object]:
    """What normalize_phone makes of ``text``: its value, or its refusal in full."""
    try:
        value = (
            addresses._parsed_phone(text, "from") if parsed else normalize_phone(text, field="from")
        )
    except HeedError as refused:
        return (type(refused).__name__, refused.message, refused.details)
    return ("value", value, None)


def same_answer(text: str) -> None:
    assert outcome(text, parsed=False) == outcome(text, parsed=True), text


def test_every_in_service_code_reads_the_same_without_a_parse_for_its_usual_and_odd_exchanges() -> (
    None
):
    rng = random.Random(18)
    for code in sorted(IN_SERVICE):
        exchanges = EXCHANGES + [f"{rng.randint(200, 999)}" for _ in range(12)]
        for exchange in exchanges:
            line = rng.choice(LINES) if rng.random() < 0.5 else f"{rng.randint(0, 9999):04d}"
            same_answer(f"+1{code}{exchange}{line}")


def test_every_area_code_whatever_its_state_reads_the_same() -> None:
    for code in range(0, 1000):
        for exchange in ("212", "555", "911", "023"):
            same_answer(f"+1{code:03d}{exchange}4567")


@pytest.mark.parametrize(
    "text",
    [
        "+15125550100",
        "+15125550100 ",
        " +15125550100",
        "+1512555010",
        "+151255501000",
        "+1512555010x",
        "+1 512 555 0100",
        "+1(512)555-0100",
        "15125550100",
        "5125550100",
        "+15129110100",
        "+15121110100",
        "+15120110100",
        "+11125550100",
        "+10125550100",
        "+18005550100",
        "+18765550100",
        "+14415550100",
        "+16495550100",
        "+442071838750",
        "+15125550100\n",
        "+1512\u0665550100",
        "+\u0661\u0665\u0661\u0662\u0665\u0665\u0665\u0660\u0661\u0660\u0660",
        "+1512555O100",
        "+1512TRYHEED",
        "+15125550100@x.com",
        "",
        "+",
        "+1",
    ],
)
def test_odd_gateway_values_read_the_same_with_or_without_the_shortcut(text: str) -> None:
    same_answer(text)


@given(st.from_regex(r"\+1[0-9]{10}", fullmatch=True))
def test_any_plus_one_and_ten_digits_reads_the_same(text: str) -> None:
    same_answer(text)
