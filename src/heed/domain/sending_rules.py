"""heed's sending rules table (R-26): data/sending_rules.toml, read and checked once.

This module owns the table's shape (a version; per rule its jurisdiction, what
it applies to, weekday windows, Sunday and holiday bans, a cap per 24 h and its
statute), the check that names the rule and field at fault, each rule's window
on a local date (the `holidays` package knows the states' holidays) and the
rule in staff's words. heed.domain.jurisdictions evaluates it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import holidays

# A rule's window on one day is the same local [start, end) the account's window is.
from heed.domain.sending_window import SendingWindow as Window

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WINDOW = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")
_JURISDICTION = re.compile(r"(US|CA)(?:-([A-Z]{2}))?")
_CANADA = frozenset({"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"})
_FIELDS = frozenset(
    {"jurisdiction", "place", "applies_to", "hours", "holidays", "cap", "source", "note", *DAYS}
)


class RulesError(ValueError):
    """sending_rules.toml is malformed; the message names the rule and the field."""


class AppliesTo(StrEnum):
    MARKETING = "marketing"  # marketing texts only
    AUTOMATED = "automated"  # every automated text, marketing included


@dataclass(frozen=True)
class Cap:
    messages: int
    hours: int
    counts: AppliesTo  # which texts count toward it


@dataclass(frozen=True)
class Rule:
    id: str
    jurisdiction: str  # "US", "US-TX", "CA-QC"
    place: str
    applies_to: AppliesTo
    days: tuple[Window | None, ...]  # Monday first; None: closed all day
    holiday_ban: bool
    cap: Cap | None
    source: str
    note: str = ""

    def applies(self, marketing: bool) -> bool:
        return marketing or self.applies_to is AppliesTo.AUTOMATED

    def window_on(self, day: date) -> Window | None:
        """The window on a local date; None when the day is closed (Sunday, holiday)."""
        if self.holiday_ban and _is_holiday(self.jurisdiction, day):
            return None
        return self.days[day.weekday()]

    def what(self) -> str:
        return "marketing texts" if self.applies_to is AppliesTo.MARKETING else "automated texts"


@dataclass(frozen=True)
class Rules:
    version: str
    rules: tuple[Rule, ...]
    # Hashed once: every text's decision looks its jurisdiction's rules up with the
    # table as part of the key (jurisdictions.applicable), and hashing every rule's
    # windows each time was a tenth of a batch decision.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.version, self.rules)))

    def __hash__(self) -> int:
        return self._hash

    def name(self, rule: Rule | None) -> dict[str, str | None]:
        """How an answer names the rule that decided (CONTRACT v2 ``rule``): null
        fields when none did, the table's version always."""
        return {
            "jurisdiction": rule.jurisdiction if rule else None,
            "name": rule.id if rule else None,
            "rules_version": self.version,
        }

    @property
    def longest_cap(self) -> timedelta:
        """How far back a cap may count: the longest cap's hours (24 h when none)."""
        return timedelta(hours=max((r.cap.hours for r in self.rules if r.cap), default=24))

    def applicable(self, jurisdiction: str | None, marketing: bool) -> tuple[Rule, ...]:
        """The rules for a text to ``jurisdiction``: the country's, then the state's."""
        place = normalize_jurisdiction(jurisdiction)
        country = place.split("-")[0]
        return tuple(
            rule
            for rule in self.rules
            if rule.jurisdiction in {country, place} and rule.applies(marketing)
        )


def parse_rules(data: Mapping[str, Any]) -> Rules:
    """Check the file's content; RulesError names the rule and the field at fault."""
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise RulesError("sending_rules.toml: 'version' must be a non-empty string")
    rows = data.get("rules")
    if not isinstance(rows, dict) or not rows:
        raise RulesError("sending_rules.toml: no [rules.<id>] tables")
    return Rules(version=version, rules=tuple(_rule(rule_id, row) for rule_id, row in rows.items()))


def _rule(rule_id: str, row: object) -> Rule:
    if not isinstance(row, dict):
        raise RulesError(f"sending_rules.toml: rule '{rule_id}' must be a table")
    unknown = sorted(set(row) - _FIELDS)
    if unknown:
        raise _field_error(rule_id, unknown[0], "is not a field heed knows")
    jurisdiction = _text(rule_id, row, "jurisdiction")
    if not _JURISDICTION.fullmatch(jurisdiction):
        raise _field_error(rule_id, "jurisdiction", 'must be "US", "US-XX" or "CA-XX"')
    hours = _window(rule_id, "hours", _text(rule_id, row, "hours"))
    return Rule(
        id=rule_id,
        jurisdiction=jurisdiction,
        place=_text(rule_id, row, "place"),
        applies_to=_applies_to(rule_id, "applies_to", row.get("applies_to")),
        days=tuple(_day(rule_id, row, day, hours) for day in DAYS),
        holiday_ban=_holidays(rule_id, row.get("holidays", "open")),
        cap=_cap(rule_id, row["cap"]) if "cap" in row else None,
        source=_text(rule_id, row, "source"),
        note=str(row.get("note", "")),
    )


def _field_error(rule_id: str, field: str, problem: str) -> RulesError:
    return RulesError(f"sending_rules.toml: rule '{rule_id}': '{field}' {problem}")


def _text(rule_id: str, row: Mapping[str, Any], field: str) -> str:
    value = row.get(field)
    if not isinstance(value, str) or not value.strip():
        raise _field_error(rule_id, field, "is required (a non-empty string)")
    return value.strip()


def _applies_to(rule_id: str, field: str, value: object) -> AppliesTo:
    try:
        return AppliesTo(str(value))
    except ValueError:
        raise _field_error(rule_id, field, 'must be "marketing" or "automated"') from None


def _window(rule_id: str, field: str, value: object) -> Window:
    match = _WINDOW.fullmatch(str(value))
    if not match:
        raise _field_error(rule_id, field, f"must be 'HH:MM-HH:MM', not {value!r}")
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) >= (h2, m2):
        raise _field_error(rule_id, field, f"must open before it closes, within a day: {value!r}")
    return Window(time(h1, m1), time(h2, m2))


def _day(rule_id: str, row: Mapping[str, Any], day: str, hours: Window) -> Window | None:
    if day not in row:
        return hours
    return None if row[day] == "closed" else _window(rule_id, day, row[day])


def _holidays(rule_id: str, value: object) -> bool:
    if value not in {"closed", "open"}:
        raise _field_error(rule_id, "holidays", f'must be "closed" or "open", not {value!r}')
    return value == "closed"


def _cap(rule_id: str, value: object) -> Cap:
    if not isinstance(value, dict):
        raise _field_error(rule_id, "cap", "must be { messages, hours, counts }")
    messages, hours = value.get("messages"), value.get("hours")
    if not isinstance(messages, int) or messages < 1:
        raise _field_error(rule_id, "cap.messages", "must be a whole number of 1 or more")
    if not isinstance(hours, int) or hours < 1:
        raise _field_error(rule_id, "cap.hours", "must be a whole number of 1 or more")
    return Cap(messages, hours, _applies_to(rule_id, "cap.counts", value.get("counts")))


@cache
def sending_rules() -> Rules:
    """data/sending_rules.toml, read and checked once (call it at start-up to fail early)."""
    text = resources.files("heed.domain.data").joinpath("sending_rules.toml").read_text("utf-8")
    return parse_rules(tomllib.loads(text))


def normalize_jurisdiction(jurisdiction: str | None) -> str:
    """ "TX", "us-tx" or "US-TX" → "US-TX"; "QC" → "CA-QC"; None → "US" (somewhere in the US)."""
    if not jurisdiction or not jurisdiction.strip():
        return "US"
    code = jurisdiction.strip().upper()
    if _JURISDICTION.fullmatch(code):
        return code
    return f"CA-{code}" if code in _CANADA else f"US-{code}"


@cache
def _holiday_calendar(jurisdiction: str, year: int) -> holidays.HolidayBase:
    country, _, subdivision = jurisdiction.partition("-")
    return holidays.country_holidays(country, subdiv=subdivision or None, years=year)


def _is_holiday(jurisdiction: str, day: date) -> bool:
    return day in _holiday_calendar(jurisdiction, day.year)


def holiday_name(jurisdiction: str, day: date) -> str | None:
    """The state holiday on ``day`` in ``jurisdiction`` ("US-AL"), else None."""
    name = _holiday_calendar(jurisdiction, day.year).get(day)
    return str(name) if name else None


def explain(rule: Rule, on: date | None = None) -> str:
    """The rule in staff's words; ``on`` names that day's own window or ban."""
    what = rule.what()
    if on is not None and rule.window_on(on) is None:
        holiday = holiday_name(rule.jurisdiction, on) if rule.holiday_ban else None
        if holiday:
            return f"{rule.place}: no {what} on state holidays ({holiday})"
        return f"{rule.place}: no {what} on {DAYS[on.weekday()].capitalize()}s"
    if on is not None and rule.days[on.weekday()] != _usual(rule):
        window = rule.days[on.weekday()]
        assert window is not None
        return f"{rule.place}: {what} only {_span(window)} on {DAYS[on.weekday()].capitalize()}s"
    usual = _usual(rule)
    words = f"{rule.place}: {what} only {_span(usual)}" if usual else f"{rule.place}: no {what}"
    return words + _bans(rule)


def _usual(rule: Rule) -> Window | None:
    """The window most weekdays have."""
    windows = [window for window in rule.days if window is not None]
    return max(windows, key=windows.count) if windows else None


def _bans(rule: Rule) -> str:
    closed = [DAYS[i].capitalize() + "s" for i, window in enumerate(rule.days) if window is None]
    if rule.holiday_ban:
        closed.append("state holidays")
    return f", never on {' or '.join(closed)}" if closed else ""


def _span(window: Window) -> str:
    """The window as "12:00–21:00", on the 24-hour clock the rules table is written in."""
    return f"{_clock(window.start)}–{_clock(window.end)}"


def _clock(moment: time) -> str:
    return f"{moment.hour}:{moment.minute:02d}"
