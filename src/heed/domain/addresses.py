"""Contact values: what a phone number or email address is, as heed stores it.

This module owns turning what staff, imports and the API type into an address
(R-1: North American phones as E.164, emails syntax-checked and lowercased),
recognising placeholder values (R-2; the lists live in heed.domain.placeholders),
and the small helpers for showing and searching phone numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import NumberParseException, PhoneNumberFormat

from heed.domain import areacodes
from heed.domain.area_code_table import IN_SERVICE
from heed.domain.errors import (
    InternationalNumber,
    Invalid,
    InvalidEmail,
    InvalidPhone,
    PlaceholderContact,
)
from heed.domain.placeholders import (
    is_placeholder,
    is_placeholder_digits,
    looks_like_email,
)
from heed.domain.placeholders import national_digits as _national
from heed.domain.placeholders import phone_digits as _phone_digits

# Kept importable from here: services and tests ask addresses for them.
__all__ = [
    "INTERNATIONAL_MESSAGE",
    "LETTERS_MESSAGE",
    "ContactKind",
    "ParsedValue",
    "display_phone",
    "in_service_number",
    "is_placeholder",
    "is_placeholder_digits",
    "looks_like_email",
    "normalize_email",
    "normalize_phone",
    "parse_contact_value",
    "phone_query",
]

INTERNATIONAL_MESSAGE = (
    "International numbers are not supported: only US and Canadian numbers can be saved."
)
LETTERS_MESSAGE = (
    "Letters are not accepted in a phone number: type it as digits "
    "(512-879-4333, not 512-TRY-HEED)."
)
# R-1 means the US (with its territories) and Canada. The other +1 countries (Jamaica,
# the Dominican Republic, ...) dial like area codes but are international texts.
_HOME_REGIONS = frozenset({"US", "CA", "PR", "VI", "GU", "MP", "AS"})


class ContactKind(StrEnum):
    MOBILE = "mobile"
    PHONE = "phone"
    EMAIL = "email"
    FAX = "fax"

    @property
    def is_phone_like(self) -> bool:
        return self is not ContactKind.EMAIL


@dataclass(frozen=True)
class ParsedValue:
    value: str
    placeholder: bool


_EXTENSION = re.compile(r"(?:ext(?:ension)?\.?|x|#)\s*\d*\s*$", re.IGNORECASE)
_E164_NANP = re.compile(r"\+1(\d{3})(\d{3})(\d{4})")


def normalize_phone(text: str, *, field: str = "value") -> str:
    """A North American number as E.164 (``+1NXXNXXXXXX``); extensions are dropped.

    Raises InternationalNumber outside +1 and InvalidPhone for anything else that
    is not a valid number, never anything else. Letters are refused: phonenumbers
    would read "512-TRY-HEED" as keypad digits, and a number nobody typed as digits
    is a guess. A trailing extension ("x12", "ext. 12", "#12") is still accepted.

    A number in an area code NANPA lists as in service is accepted even where
    phonenumbers' metadata does not know the code yet (R-28: 357, 436, 621...).
    Whether it is a placeholder (the fictional 555-01XX block) is
    parse_contact_value's question, not this one's.
    """
    # Gateways send E.164 (a STOP's From and To): a number in an in-service code with
    # a dialable exchange is the answer as it stands, with no parse. phonenumbers reads
    # every such number the same (tests/unit/test_addresses_fast_path.py holds it to
    # that for every code in the table).
    if _E164_IN_SERVICE.fullmatch(text) and text[2:5] in IN_SERVICE and text[6:8] != "11":
        return text
    return _parsed_phone(text, field)


# ASCII digits only: phonenumbers reads other scripts' digits too, and rewrites them.
_E164_IN_SERVICE = re.compile(r"\+1[2-9][0-9]{2}[2-9][0-9]{6}")


def _parsed_phone(text: str, field: str) -> str:
    """normalize_phone through phonenumbers, for any text."""
    stripped = text.strip()
    if not stripped:
        raise InvalidPhone("No phone number was given.", field=field)
    if "@" in stripped:
        raise InvalidPhone(
            "This looks like an email address, not a phone number.", field=field, value=stripped
        )
    if _has_letters(stripped):
        raise InvalidPhone(LETTERS_MESSAGE, field=field, value=stripped)
    try:
        number = phonenumbers.parse(stripped, "US")
    except NumberParseException as exc:
        raise InvalidPhone(_why_unparsable(exc), field=field, value=stripped) from exc
    if number.country_code != 1:
        raise InternationalNumber(INTERNATIONAL_MESSAGE, field=field, value=stripped)
    if not phonenumbers.is_valid_number(number):
        national = phonenumbers.national_significant_number(number)
        if in_service_number(national):
            return "+1" + national
        raise InvalidPhone(_why_invalid(national), field=field, value=stripped)
    if phonenumbers.region_code_for_number(number) not in _HOME_REGIONS:
        raise InternationalNumber(INTERNATIONAL_MESSAGE, field=field, value=stripped)
    e164: str = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return e164


def in_service_number(national: str) -> bool:
    """Whether 10 national digits are a dialable number in an in-service US/Canadian code.

    The exchange follows NANP's rules: it never starts with 0 or 1 and is never
    an N11 service code (211, 411, 911...).
    """
    if len(national) != 10 or not national.isdigit():
        return False
    exchange = national[3:6]
    if exchange[0] in "01" or exchange[1:] == "11":
        return False
    return areacodes.in_service(national[:3])


def _has_letters(text: str) -> bool:
    """Whether a phone number holds letters besides a trailing extension.

    Text with no digit at all is left to the parser, which says it does not look
    like a phone number at all.
    """
    number = _EXTENSION.sub("", text)
    return any(c.isalpha() for c in number) and any(c.isdigit() for c in number)


def _why_unparsable(exc: NumberParseException) -> str:
    reasons = {
        NumberParseException.INVALID_COUNTRY_CODE: (
            "This is not a phone number heed can read: the country code is not recognised."
        ),
        NumberParseException.TOO_SHORT_AFTER_IDD: "This phone number is too short.",
        NumberParseException.TOO_SHORT_NSN: "This phone number is too short.",
        NumberParseException.TOO_LONG: "This phone number is too long.",
    }
    return reasons.get(exc.error_type, "This does not look like a phone number.")


def _why_invalid(national: str) -> str:
    if len(national) != 10:
        return (
            "A North American phone number has 10 digits (area code and number); "
            f"this one has {len(national)}."
        )
    if national[0] in "01":
        return f"{national[:3]} is not an area code: area codes never start with 0 or 1."
    if national[3] in "01":
        return "The 3 digits after the area code never start with 0 or 1."
    return (
        f"{_format_national(national)} is not a valid North American number: "
        "check the area code and the number."
    )


def normalize_email(text: str, *, field: str = "value") -> str:
    """An email address checked for syntax (no DNS) and lowercased throughout.

    The local part is lowercased too: heed matches consent by address, and a
    customer who unsubscribes as Jane@x.com must stay unsubscribed as jane@x.com.
    """
    stripped = text.strip()
    if not stripped:
        raise InvalidEmail("No email address was given.", field=field)
    try:
        # Lowercase first so the validated string is the one returned, which keeps
        # normalize_email(normalize_email(x)) == normalize_email(x).
        result = validate_email(stripped.lower(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(str(exc), field=field, value=stripped) from exc
    return result.normalized


def parse_contact_value(
    kind: ContactKind | str,
    text: str,
    *,
    extra_placeholders: Iterable[str] = (),
    allow_placeholder: bool = False,
    field: str = "value",
) -> ParsedValue:
    """Normalize ``text`` as a value of ``kind``, recognising placeholders first.

    A placeholder is refused (PlaceholderContact) unless ``allow_placeholder``
    (imports), where it comes back flagged with a best-effort value. Otherwise
    raises what normalize_phone / normalize_email raise, or Invalid(field="kind").
    """
    resolved = _contact_kind(kind)
    extras = tuple(extra_placeholders)
    if is_placeholder(resolved, text, extras):
        return _placeholder(resolved, text, allow_placeholder, field)
    if resolved.is_phone_like:
        value = normalize_phone(text, field=field)
    else:
        value = normalize_email(text, field=field)
    # phonenumbers may read the text differently from the digit scan above (a
    # national prefix, an IDD), so the value actually stored is checked too.
    if is_placeholder(resolved, value, extras):
        return _placeholder(resolved, value, allow_placeholder, field)
    return ParsedValue(value=value, placeholder=False)


def _contact_kind(kind: ContactKind | str) -> ContactKind:
    try:
        return ContactKind(str(kind).strip().lower())
    except ValueError:
        allowed = ", ".join(k.value for k in ContactKind)
        raise Invalid(
            f"Unknown contact kind {kind!r}: use one of {allowed}.", field="kind"
        ) from None


def _placeholder(kind: ContactKind, text: str, allowed: bool, field: str) -> ParsedValue:
    if kind.is_phone_like:
        national = _national(_phone_digits(text))
        value = "+1" + national if len(national) == 10 else national
        what = "phone number"
    else:
        value = text.strip().lower()
        what = "email address"
    if not allowed:
        raise PlaceholderContact(
            f"{text.strip()} is a placeholder, not a real {what}. "
            "Leave it empty if the customer has none.",
            field=field,
            value=text.strip(),
        )
    return ParsedValue(value=value, placeholder=True)


def display_phone(e164: str) -> str:
    """``+12065550143`` → ``(206) 555-0143``; anything else comes back unchanged."""
    match = _E164_NANP.fullmatch(e164)
    if not match:
        return e164
    area, exchange, line = match.groups()
    return f"({area}) {exchange}-{line}"


def phone_query(text: str) -> str | None:
    """Best-effort E.164 to look a number up by (search, caller ID); never raises.

    Looser than normalize_phone on purpose: imported placeholders are stored as
    ``+1`` and their 10 digits and must still be findable.
    """
    if not text.strip() or looks_like_email(text):
        return None
    try:
        return normalize_phone(text)
    except InternationalNumber:
        try:
            number = phonenumbers.parse(text.strip(), None)
        except NumberParseException:
            return None
        if not phonenumbers.is_possible_number(number):
            return None
        e164: str = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        return e164
    except InvalidPhone:
        national = _national(_phone_digits(text))
        return "+1" + national if len(national) == 10 else None


def _format_national(national: str) -> str:
    return f"({national[:3]}) {national[3:6]}-{national[6:]}"
