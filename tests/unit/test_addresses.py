"""Contact values (R-1) and placeholders (R-2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heed.domain.addresses import (
    ContactKind,
    ParsedValue,
    display_phone,
    is_placeholder,
    is_placeholder_digits,
    looks_like_email,
    normalize_email,
    normalize_phone,
    parse_contact_value,
    phone_query,
)
from heed.domain.errors import (
    InternationalNumber,
    Invalid,
    InvalidEmail,
    InvalidPhone,
    PlaceholderContact,
)

PHONEISH = st.from_regex(
    r"(\+?1[ .-]?)?\(?[2-9][0-9]{2}\)?[ .-]?[2-9][0-9]{2}[ .-]?[0-9]{4}( ?(x|ext\.?) ?[0-9]{1,4})?",
    fullmatch=True,
)
ANY_TEXT = st.one_of(st.text(), PHONEISH, st.emails())


@pytest.mark.parametrize(
    "text",
    [
        "(206) 555-0143",
        "206.555.0143",
        "206-555-0143",
        "+1 206 555 0143",
        "12065550143",
        "+12065550143",
        " 206 555 0143 ",
        "(206) 555-0143 ext. 12",
        "206-555-0143 x12",
    ],
)
def test_any_common_formatting_is_stored_as_e164(text: str) -> None:
    assert normalize_phone(text) == "+12065550143"


def test_the_fictional_555_01xx_block_is_accepted_because_phonenumbers_deems_it_valid() -> None:
    assert normalize_phone("(206) 555-0100") == "+12065550100"
    assert normalize_phone("(206) 555-0199") == "+12065550199"


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("(416) 555-0143", "+14165550143"),  # Toronto
        ("604 555 0143", "+16045550143"),  # Vancouver
        ("305-621-0000", "+13056210000"),  # Miami
        ("405.621.0000", "+14056210000"),  # Oklahoma City
        ("808 555 0143", "+18085550143"),  # Honolulu
    ],
)
def test_numbers_across_the_us_and_canada_are_accepted(text: str, e164: str) -> None:
    assert normalize_phone(text) == e164


@pytest.mark.parametrize(
    "text", ["+44 20 7946 0958", "+52 55 1234 5678", "011 44 20 7946 0958", "+33 1 23 45 67 89"]
)
def test_international_number_is_refused_with_its_own_code(text: str) -> None:
    with pytest.raises(InternationalNumber) as caught:
        normalize_phone(text, field="phone")
    assert caught.value.code == "international_number"
    assert caught.value.message == (
        "International numbers are not supported: only US and Canadian numbers can be saved."
    )
    assert caught.value.details["field"] == "phone"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "No phone number"),
        ("555-0143", "10 digits"),
        ("(123) 456-7890", "area codes never start with 0 or 1"),
        ("(206) 123-4567", "never start with 0 or 1"),
        ("call me maybe", "does not look like a phone number"),
        ("jane@example.com", "email address"),
        ("2" * 300, "too long"),
    ],
)
def test_an_invalid_number_is_refused_with_a_sentence_saying_why(text: str, why: str) -> None:
    with pytest.raises(InvalidPhone) as caught:
        normalize_phone(text)
    assert type(caught.value) is InvalidPhone
    assert why in caught.value.message
    assert caught.value.details["field"] == "value"


@given(ANY_TEXT)
def test_normalize_phone_only_ever_refuses_with_phone_errors_and_is_idempotent(text: str) -> None:
    try:
        once = normalize_phone(text)
    except InvalidPhone:  # InternationalNumber is an InvalidPhone
        return
    assert normalize_phone(once) == once
    assert once.startswith("+1") and len(once) == 12


def test_an_email_is_lowercased_throughout_so_consent_matches() -> None:
    assert normalize_email("  Jane.Doe@Example.COM ") == "jane.doe@example.com"


@pytest.mark.parametrize(
    ("text", "why"),
    [("", "No email"), ("jane", "@-sign"), ("jane@@acme.com", "@-sign"), ("jane@acme", "period")],
)
def test_an_invalid_email_is_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(InvalidEmail) as caught:
        normalize_email(text, field="email")
    assert why in caught.value.message
    assert caught.value.details["field"] == "email"


@given(ANY_TEXT)
def test_normalize_email_only_ever_refuses_with_invalid_email_and_is_idempotent(text: str) -> None:
    try:
        once = normalize_email(text)
    except InvalidEmail:
        return
    assert normalize_email(once) == once
    assert once == once.lower()


@pytest.mark.parametrize(
    "text",
    [
        "(123) 456-7890",
        "1234567890",
        "+1 123 456 7890",
        "000-000-0000",
        "0000000000",
        "1111111111",
        "9999999999",
        "555-555-5555",
        "987-654-3210",
        "0123456789",
        "(555) 123-4567",
        "(206) 555-5555",
        "(206) 000-0000",
        "(206) 123-4567",
        "555-5555",
        "+11234567890",
        "123-456-7890 ext 5",
        "222-AAA-AAAA",
    ],
)
def test_built_in_phone_placeholders_are_recognised(text: str) -> None:
    assert is_placeholder("mobile", text)
    assert is_placeholder("sms", text)


@pytest.mark.parametrize(
    "text", ["(206) 621-0143", "+12066210143", "(206) 621-1234", "(405) 555-1213", ""]
)
def test_real_looking_numbers_are_not_placeholders(text: str) -> None:
    assert not is_placeholder("phone", text)


def test_the_digit_check_accepts_a_leading_country_code() -> None:
    assert is_placeholder_digits("11234567890")
    assert not is_placeholder_digits("12066210143")
    assert is_placeholder_digits("12065550143")
    assert not is_placeholder_digits("")


@pytest.mark.parametrize(
    "text",
    [
        "noemail@gmail.com",
        "NoEmail@Gmail.com",
        "no-email@acme.com",
        "no.email@acme.com",
        "noemail+42@acme.com",
        "none@acme.com",
        "test@acme.com",
        "n/a@acme.com",
        "na@acme.com",
        "null@acme.com",
        "nobody@acme.com",
        "noreply@acme.com",
        "do-not-reply@acme.com",
        "declined@acme.com",
        "xxx@acme.com",
        "jane@example.com",
        "jane@example.org",
        "jane@example.net",
        "jane@mail.example.com",
        "jane@test.com",
        "jane@noemail.com",
        "jane@acme.invalid",
        "jane@localhost",
        "none",
        "N/A",
    ],
)
def test_built_in_email_placeholders_are_recognised(text: str) -> None:
    assert is_placeholder("email", text)


@pytest.mark.parametrize("text", ["jane@gmail.com", "nancy@acme.com", "testa@acme.com", ""])
def test_real_looking_emails_are_not_placeholders(text: str) -> None:
    assert not is_placeholder("email", text)


def test_the_accounts_own_phone_placeholders_match_however_they_were_typed() -> None:
    own = ["(206) 621-9999", "not a number"]
    assert is_placeholder("phone", "+12066219999", own)
    assert is_placeholder("mobile", "206.621.9999", own)
    assert not is_placeholder("mobile", "206.621.9998", own)


def test_the_accounts_own_email_placeholders_match_in_any_case() -> None:
    own = ["Office@Acme.com", "@nomail.acme.com"]
    assert is_placeholder("email", "office@acme.com", own)
    assert is_placeholder("email", "anyone@NOMAIL.acme.com", own)
    assert not is_placeholder("email", "jane@acme.com", own)


def test_a_placeholder_is_reported_as_such_before_it_is_judged_invalid() -> None:
    with pytest.raises(PlaceholderContact) as caught:
        parse_contact_value(ContactKind.MOBILE, "(123) 456-7890", field="phone")
    assert "placeholder" in caught.value.message
    assert caught.value.details == {"field": "phone", "value": "(123) 456-7890"}


def test_an_email_placeholder_entered_by_hand_is_refused() -> None:
    with pytest.raises(PlaceholderContact):
        parse_contact_value("email", "noemail@acme.com")


def test_an_imported_phone_placeholder_is_kept_flagged_with_its_ten_digits() -> None:
    parsed = parse_contact_value("phone", "(123) 456-7890", allow_placeholder=True)
    assert parsed == ParsedValue(value="+11234567890", placeholder=True)


def test_an_imported_email_placeholder_is_kept_flagged_and_lowercased() -> None:
    parsed = parse_contact_value("email", " NoEmail@Acme.com ", allow_placeholder=True)
    assert parsed == ParsedValue(value="noemail@acme.com", placeholder=True)


def test_an_accounts_own_placeholder_is_flagged_on_import() -> None:
    parsed = parse_contact_value(
        "fax", "206-621-9999", extra_placeholders=["(206) 621-9999"], allow_placeholder=True
    )
    assert parsed == ParsedValue(value="+12066219999", placeholder=True)


def test_a_real_value_comes_back_normalized_and_unflagged() -> None:
    assert parse_contact_value("mobile", "(206) 621-0143") == ParsedValue("+12066210143", False)
    assert parse_contact_value("email", "Jane@Acme.com") == ParsedValue("jane@acme.com", False)


def test_an_unknown_kind_is_refused_on_the_kind_field() -> None:
    with pytest.raises(Invalid) as caught:
        parse_contact_value("pager", "(206) 555-0143")
    assert caught.value.details["field"] == "kind"


def test_an_international_number_stays_an_international_refusal_when_parsed_as_a_contact() -> None:
    with pytest.raises(InternationalNumber):
        parse_contact_value("mobile", "+44 20 7946 0958")


@given(st.sampled_from(list(ContactKind)), ANY_TEXT, st.booleans())
def test_parse_contact_value_only_refuses_with_input_errors_and_is_idempotent(
    kind: ContactKind, text: str, allow_placeholder: bool
) -> None:
    try:
        once = parse_contact_value(kind, text, allow_placeholder=allow_placeholder)
    except (InvalidPhone, InvalidEmail, PlaceholderContact):
        return
    assert parse_contact_value(kind, once.value, allow_placeholder=allow_placeholder) == once


def test_phone_kinds_are_phone_like_and_email_is_not() -> None:
    assert ContactKind.MOBILE.is_phone_like
    assert ContactKind.PHONE.is_phone_like
    assert ContactKind.FAX.is_phone_like
    assert not ContactKind.EMAIL.is_phone_like


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("+12065550143", "(206) 555-0143"),
        ("+442079460958", "+442079460958"),
        ("garbage", "garbage"),
        ("+1206555014", "+1206555014"),
    ],
)
def test_display_phone_formats_north_american_numbers_and_leaves_the_rest(
    value: str, shown: str
) -> None:
    assert display_phone(value) == shown


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("(206) 555-0143", "+12065550143"),
        ("2065550143", "+12065550143"),
        ("(123) 456-7890", "+11234567890"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0143", None),
        ("jane@acme.com", None),
        ("", None),
        ("hello", None),
    ],
)
def test_phone_query_finds_stored_values_including_imported_placeholders(
    text: str, query: str | None
) -> None:
    assert phone_query(text) == query


@given(st.text())
def test_phone_query_never_raises(text: str) -> None:
    result = phone_query(text)
    assert result is None or result.startswith("+")


def test_an_at_sign_makes_a_search_an_email_search() -> None:
    assert looks_like_email("jane@")
    assert not looks_like_email("206 555")


@pytest.mark.parametrize("text", ["(809) 555-1234", "+1 876 555 1234", "1-242-357-1234"])
def test_caribbean_plus_one_numbers_are_refused_as_international(text: str) -> None:
    """R-1: NANP here means the US and Canada; Jamaica or the Bahamas dial +1 too."""
    with pytest.raises(InternationalNumber):
        normalize_phone(text)


@pytest.mark.parametrize("text", ["(787) 555-1234", "(416) 555-0199", "(907) 555-0100"])
def test_us_territories_and_canada_are_home_numbers(text: str) -> None:
    assert normalize_phone(text).startswith("+1")


@pytest.mark.parametrize(
    "text", ["512-TRY-HEED", "1-800-FLOWERS", "(512) 879-HEED", "Tel: 512-879-4333", "5l2-879-4333"]
)
def test_a_number_typed_with_letters_is_refused_rather_than_read_as_a_keypad(text: str) -> None:
    with pytest.raises(InvalidPhone) as caught:
        normalize_phone(text, field="mobile")
    assert type(caught.value) is InvalidPhone
    assert caught.value.code == "invalid_phone"
    assert "Letters are not accepted" in caught.value.message
    assert caught.value.details["field"] == "mobile"


@pytest.mark.parametrize(
    "text", ["(512) 879-4333 x12", "512-879-4333 ext. 12", "512.879.4333 EXT 7", "5128794333 #4"]
)
def test_an_extension_after_the_digits_is_still_accepted_and_dropped(text: str) -> None:
    assert normalize_phone(text) == "+15128794333"


def test_a_vanity_placeholder_is_still_recognised_as_a_placeholder() -> None:
    with pytest.raises(PlaceholderContact):
        parse_contact_value("mobile", "222-AAA-AAAA")
    assert parse_contact_value("mobile", "222-AAA-AAAA", allow_placeholder=True) == ParsedValue(
        "+12222222222", placeholder=True
    )
