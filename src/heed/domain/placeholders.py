"""Placeholder contact values (R-2, R-28): what stands in for a number or address nobody gave.

This module owns recognising them. The lists are data, data/placeholders.toml
(the fictional 555-0100…0199 range and NXX-555-1212 in every area code, CRM
stand-in addresses, reserved top-level domains, "no email" local parts), read
once; the patterns no list can hold (one digit repeated) are written here. The
account's own placeholders are passed in by the caller and checked too.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import phonenumbers

_EXTENSION = re.compile(r"(?:ext(?:ension)?\.?|x|#)\s*\d*\s*$", re.IGNORECASE)
_NOT_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9]")
# Channels as well as kinds, so R-18 can ask about "sms" or "voice" directly.
_PHONE_WORDS = frozenset({"mobile", "phone", "fax", "sms", "voice", "call"})


_RANGED_LINES_HELD = 100_000


class PlaceholderListError(ValueError):
    """data/placeholders.toml is malformed; the message names the field."""


@dataclass(frozen=True)
class PlaceholderList:
    """data/placeholders.toml, checked."""

    version: str
    numbers: frozenset[str]
    area_codes: frozenset[str]
    lines: frozenset[str]
    line_ranges: tuple[tuple[int, int], ...]
    addresses: frozenset[str]
    locals: frozenset[str]
    domains: frozenset[str]
    tlds: frozenset[str]
    labels: frozenset[str]
    # Every line of line_ranges as its seven digits, when they are few (the file's one
    # range holds 100): a set look-up in place of int() and a comparison per range.
    ranged_lines: frozenset[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        count = sum(last - first + 1 for first, last in self.line_ranges)
        lines = None
        if count <= _RANGED_LINES_HELD:
            lines = frozenset(
                f"{n:07d}" for first, last in self.line_ranges for n in range(first, last + 1)
            )
        object.__setattr__(self, "ranged_lines", lines)

    def phone(self, national: str) -> bool:
        """Whether 10 (or 7) national digits are a placeholder."""
        if (
            len(national) == 10
            and self.ranged_lines is not None
            and national.isascii()
            and national.isdigit()
        ):
            # A stored number's ten ASCII digits (every number of a batch decision): set
            # look-ups only. One digit repeated over ten is its line repeated.
            line = national[3:]
            return (
                national in self.numbers
                or national[:3] in self.area_codes
                or line in self.lines
                or line == line[0] * 7
                or line in self.ranged_lines
            )
        # "One digit repeated" compares strings rather than building sets: every stored
        # number of a batch decision comes through here.
        if len(national) >= 7 and national == national[0] * len(national):
            return True
        if len(national) == 7:
            return national in self.lines
        if len(national) != 10:
            return False
        line = national[3:]
        if (
            national in self.numbers
            or national[:3] in self.area_codes
            or line == line[0] * 7
            or line in self.lines
        ):
            return True
        number = int(line)
        return any(first <= number <= last for first, last in self.line_ranges)

    def email(self, address: str) -> bool:
        local, at, domain = address.rpartition("@")
        if not at:
            local, domain = address, ""
        if address in self.addresses:
            return True
        # "noemail+42@…" and "none2@…" are still placeholders: a tag or a number is
        # how people make such values unique.
        key = _NOT_LETTER_OR_DIGIT.sub("", local.split("+", 1)[0]).rstrip("0123456789")
        if key in self.locals or (key and not key.strip("x")):
            return True
        return bool(domain) and self._domain(domain)

    def _domain(self, domain: str) -> bool:
        labels = domain.rstrip(".").split(".")
        if labels[-1] in self.tlds or self.labels.intersection(labels):
            return True
        return any(".".join(labels[i:]) in self.domains for i in range(len(labels)))


def parse_placeholder_list(data: dict[str, Any]) -> PlaceholderList:
    """Check the file's content; PlaceholderListError names the field at fault."""
    phone, email = _table(data, "phone"), _table(data, "email")
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise PlaceholderListError("placeholders.toml: 'version' must be a non-empty string")
    return PlaceholderList(
        version=version,
        numbers=_digits(phone, "numbers", 10),
        area_codes=_digits(phone, "area_codes", 3),
        lines=_digits(phone, "lines", 7),
        line_ranges=_line_ranges(phone),
        addresses=_words(email, "addresses"),
        locals=_words(email, "locals"),
        domains=_words(email, "domains"),
        tlds=_words(email, "tlds"),
        labels=_words(email, "labels"),
    )


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    table = data.get(name)
    if not isinstance(table, dict):
        raise PlaceholderListError(f"placeholders.toml: [{name}] is missing")
    return table


def _strings(table: dict[str, Any], field: str) -> list[str]:
    values = table.get(field, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise PlaceholderListError(f"placeholders.toml: '{field}' must be a list of strings")
    return values


def _digits(table: dict[str, Any], field: str, length: int) -> frozenset[str]:
    values = _strings(table, field)
    for value in values:
        if not (value.isdigit() and len(value) == length):
            raise PlaceholderListError(
                f"placeholders.toml: '{field}' holds {value!r}, not {length} digits"
            )
    return frozenset(values)


def _words(table: dict[str, Any], field: str) -> frozenset[str]:
    return frozenset(value.strip().lower() for value in _strings(table, field))


def _line_ranges(phone: dict[str, Any]) -> tuple[tuple[int, int], ...]:
    items = phone.get("line_ranges", [])
    if not isinstance(items, list):
        raise PlaceholderListError("placeholders.toml: 'line_ranges' must be a list of tables")
    return tuple(_line_range(index, item) for index, item in enumerate(items))


def _line_range(index: int, item: object) -> tuple[int, int]:
    where = f"placeholders.toml: line_ranges[{index}]"
    if not isinstance(item, dict) or not isinstance(item.get("why"), str):
        raise PlaceholderListError(f"{where} needs 'first', 'last' and 'why'")
    first, last = item.get("first"), item.get("last")
    if not (isinstance(first, str) and isinstance(last, str)):
        raise PlaceholderListError(f"{where}: 'first' and 'last' must be 7-digit strings")
    if not (len(first) == len(last) == 7 and first.isdigit() and last.isdigit()):
        raise PlaceholderListError(f"{where}: 'first' and 'last' must be 7-digit strings")
    if int(first) > int(last):
        raise PlaceholderListError(f"{where}: 'first' comes after 'last'")
    return int(first), int(last)


@cache
def placeholder_list() -> PlaceholderList:
    """data/placeholders.toml, read and checked once."""
    text = resources.files("heed.domain.data").joinpath("placeholders.toml").read_text("utf-8")
    return parse_placeholder_list(tomllib.loads(text))


def is_placeholder_digits(digits: str) -> bool:
    """Whether a run of digits is a stand-in rather than a number.

    After dropping a leading 1 from 11 digits: one digit repeated (7 digits or
    more: 000-000-0000, 555-5555); and from data/placeholders.toml the listed
    numbers (123-456-7890...), area code 555, the listed lines in any area code
    (555-1212, 123-4567, 555-5555), the fictional 555-0100…0199 range in any
    area code; any one digit repeated after a real area code ((206) 555-5555).
    """
    national = national_digits(digits)
    return bool(national) and placeholder_list().phone(national)


def is_placeholder(kind_or_channel: str, value: str, extra: Iterable[str] = ()) -> bool:
    """Whether ``value`` is a placeholder (R-2) for this kind or channel.

    ``extra`` are the account's own placeholders as staff typed them; each is
    compared in normalized form. Never raises.
    """
    kind = str(kind_or_channel).strip().lower()
    phone_like = kind in _PHONE_WORDS or (kind != "email" and not looks_like_email(value))
    if phone_like:
        return _is_placeholder_phone(value, extra)
    return _is_placeholder_email(value, extra)


def _is_placeholder_phone(value: str, extra: Iterable[str]) -> bool:
    national = national_digits(phone_digits(value))
    if not national:
        return False
    if is_placeholder_digits(national):
        return True
    return any("@" not in own and national_digits(phone_digits(own)) == national for own in extra)


def _is_placeholder_email(value: str, extra: Iterable[str]) -> bool:
    address = value.strip().lower()
    if not address:
        return False
    if placeholder_list().email(address):
        return True
    domain = address.rpartition("@")[2] if "@" in address else ""
    for typed in extra:
        own = typed.strip().lower()
        if own and (own == address or (own.startswith("@") and own[1:] == domain)):
            return True
    return False


def looks_like_email(text: str) -> bool:
    """Whether a search box entry should be treated as an email address."""
    return "@" in text


def phone_digits(text: str) -> str:
    """ASCII digits of ``text`` as phonenumbers reads them, without an extension."""
    # Letters are converted as on a keypad because phonenumbers parses vanity
    # numbers that way: "222-AAA-AAAA" is 222-222-2222, a placeholder.
    without_extension = _EXTENSION.sub("", text.strip())
    keyed = phonenumbers.convert_alpha_characters_in_number(without_extension)
    digits: str = phonenumbers.normalize_digits_only(keyed)
    return digits


def national_digits(digits: str) -> str:
    """Digits without the leading country code 1 of an 11-digit NANP number."""
    if len(digits) == 11 and digits.startswith("1"):
        return digits[1:]
    return digits
