"""Sending rules by jurisdiction (R-26): the rules table and its pure evaluator.

This module owns reading data/sending_rules.toml (a version, and per rule its
jurisdiction, what it applies to, weekday windows, Sunday and holiday bans, a
cap per 24 h and its statute) and answering, for one text: may it go now, from
when may it go, or is it over the cap. The evaluator reads no clock and no
database: the caller passes ``now``, the recipient's zones and how many counted
texts went in the last 24 hours. The account's own window is the decision's
business, not this module's.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Where a number rings when nothing says: anywhere in the continental US.
UNKNOWN_ZONES = ("America/Chicago", "America/Denver", "America/Los_Angeles", "America/New_York")
_WINDOW = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")
_JURISDICTION = re.compile(r"(US|CA)(?:-([A-Z]{2}))?")
_CANADA = frozenset({"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"})
_FIELDS = frozenset(
    {"jurisdiction", "place", "applies_to", "hours", "holidays", "cap", "source", "note", *DAYS}
)
# Windows repeat weekly; two weeks covers any weekly ban next to a holiday.
_HORIZON = timedelta(days=15)


class RulesError(ValueError):
    """sending_rules.toml is malformed; the message names the rule and the field."""


class AppliesTo(StrEnum):
    MARKETING = "marketing"  # marketing texts only
    AUTOMATED = "automated"  # every automated text, marketing included


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DEFERRED = "deferred"
    BLOCKED = "blocked"


class Reason(StrEnum):
    OK = "ok"
    OUTSIDE_SENDING_WINDOW = "outside_sending_window"
    QUIET_DAY = "quiet_day"
    STATE_LIMIT = "state_limit"


@dataclass(frozen=True)
class Window:
    """Local hours open on ``[start, end)``."""

    start: time
    end: time

    def describe(self) -> str:
        return f"{_clock(self.start)}–{_clock(self.end)}"


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

    def applicable(self, jurisdiction: str | None, marketing: bool) -> tuple[Rule, ...]:
        """The rules for a text to ``jurisdiction``: the country's, then the state's."""
        place = normalize_jurisdiction(jurisdiction)
        country = place.split("-")[0]
        return tuple(
            rule
            for rule in self.rules
            if rule.jurisdiction in {country, place} and rule.applies(marketing)
        )


@dataclass(frozen=True)
class Verdict:
    """The jurisdiction's answer for one text. ``rule`` is the one that decided
    (for an allowed text, the most local rule that applied; None when none did)."""

    outcome: Outcome
    reason: Reason
    rule: Rule | None
    rules_version: str
    explanation: (
        str  # the rule in staff's words: "Texas: marketing texts only 12:00–21:00 on Sundays"
    )
    message: str  # the whole sentence for staff
    not_before: datetime | None = None


# --- the table ------------------------------------------------------------------


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


# --- the evaluator --------------------------------------------------------------


def evaluate(
    rules: Rules,
    jurisdiction: str | None,
    zones: Iterable[str],
    category: str,
    now: datetime,
    counted_last_24h: int = 0,
) -> Verdict:
    """The jurisdiction's answer for one automated text at ``now``.

    ``jurisdiction`` is the state or province ("TX", "US-TX"), None when unknown
    (the US-wide rules apply). ``zones`` are every zone the number may ring in:
    a split-zone area code must be open in all of them (none known: the four
    continental US zones). ``category`` "marketing" or anything else (another
    automated text). ``counted_last_24h`` is how many texts that count toward a
    cap went to this number in the 24 hours before ``now``.

    Over a cap → blocked; closed now → deferred to the earliest moment open in
    every zone under every rule; never open within two weeks → blocked.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    marketing = category == AppliesTo.MARKETING.value
    applicable = rules.applicable(jurisdiction, marketing)
    resolved = _zones(zones)
    for rule in _most_local_first(applicable):
        if rule.cap and _counted(rule.cap, marketing) and counted_last_24h >= rule.cap.messages:
            return _capped(rules, rule, counted_last_24h)
    closed = _closed_rule(applicable, resolved, now)
    if closed is None:
        return _allowed(rules, applicable)
    rule, day_closed = closed
    not_before = next_open(applicable, resolved, now)
    return _held(rules, rule, day_closed, resolved, now, not_before)


def is_open(rules: Iterable[Rule], zones: Iterable[ZoneInfo], moment: datetime) -> bool:
    """Whether every rule's window is open at ``moment`` in every zone."""
    return _closed_rule(tuple(rules), tuple(zones), moment) is None


def next_open(rules: Iterable[Rule], zones: Iterable[ZoneInfo], now: datetime) -> datetime | None:
    """The earliest moment at or after ``now`` open under every rule in every zone.

    The moment a set of daily windows all open is ``now`` or one of their
    openings, so only those are tried. None when there is none within two weeks.
    """
    rules, zones = tuple(rules), tuple(zones)
    now = now.astimezone(UTC)
    candidates = sorted({now, *_openings(rules, zones, now)})
    return next((moment for moment in candidates if is_open(rules, zones, moment)), None)


def _openings(
    rules: tuple[Rule, ...], zones: tuple[ZoneInfo, ...], now: datetime
) -> Iterator[datetime]:
    for zone in zones:
        first = now.astimezone(zone).date()
        for offset in range(_HORIZON.days):
            day = first + timedelta(days=offset)
            for rule in rules:
                window = rule.window_on(day)
                if window is not None:
                    moment = datetime.combine(day, window.start, zone).astimezone(UTC)
                    if now <= moment <= now + _HORIZON:
                        yield moment


def _closed_rule(
    rules: tuple[Rule, ...], zones: tuple[ZoneInfo, ...], moment: datetime
) -> tuple[Rule, bool] | None:
    """The first rule (most local first) closed at ``moment`` somewhere, and
    whether its whole day is closed there; None when all are open everywhere."""
    for rule in _most_local_first(rules):
        for zone in zones:
            local = moment.astimezone(zone)
            window = rule.window_on(local.date())
            if window is None:
                return rule, True
            if not window.start <= local.time().replace(tzinfo=None) < window.end:
                return rule, False
    return None


def _most_local_first(rules: Iterable[Rule]) -> list[Rule]:
    return sorted(rules, key=lambda rule: "-" not in rule.jurisdiction)


def _counted(cap: Cap, marketing: bool) -> bool:
    return marketing or cap.counts is AppliesTo.AUTOMATED


def _zones(names: Iterable[str]) -> tuple[ZoneInfo, ...]:
    zones = []
    for name in dict.fromkeys(names):
        try:
            zones.append(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return tuple(zones) or tuple(ZoneInfo(name) for name in UNKNOWN_ZONES)


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


# --- words for staff ------------------------------------------------------------


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
        return (
            f"{rule.place}: {what} only {window.describe()} on {DAYS[on.weekday()].capitalize()}s"
        )
    usual = _usual(rule)
    words = f"{rule.place}: {what} only {usual.describe()}" if usual else f"{rule.place}: no {what}"
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


def _allowed(rules: Rules, applicable: tuple[Rule, ...]) -> Verdict:
    rule = _most_local_first(applicable)[0] if applicable else None
    words = explain(rule) if rule else "No jurisdiction rule applies to this text"
    return Verdict(
        Outcome.ALLOWED, Reason.OK, rule, rules.version, words, f"{words}; it may go now."
    )


def _capped(rules: Rules, rule: Rule, counted: int) -> Verdict:
    assert rule.cap is not None
    what = "marketing texts" if rule.cap.counts is AppliesTo.MARKETING else "automated texts"
    words = (
        f"{rule.place}: at most {rule.cap.messages} {what} to one number in {rule.cap.hours} hours"
    )
    message = (
        f"{words}; {counted} went in the last {rule.cap.hours} hours, so this one is not sent."
    )
    return Verdict(Outcome.BLOCKED, Reason.STATE_LIMIT, rule, rules.version, words, message)


def _held(
    rules: Rules,
    rule: Rule,
    day_closed: bool,
    zones: tuple[ZoneInfo, ...],
    now: datetime,
    not_before: datetime | None,
) -> Verdict:
    reason = Reason.QUIET_DAY if day_closed else Reason.OUTSIDE_SENDING_WINDOW
    local_day = _closed_day(rule, zones, now)
    words = explain(rule, local_day)
    if not_before is None:
        message = f"{words}; there is no time within two weeks when this text may go."
        return Verdict(Outcome.BLOCKED, reason, rule, rules.version, words, message)
    local = not_before.astimezone(zones[0])
    when = f"{DAYS[local.weekday()].capitalize()} {local:%H:%M} {local.tzname()}"
    message = f"{words}; deferred until {when}."
    return Verdict(Outcome.DEFERRED, reason, rule, rules.version, words, message, not_before)


def _closed_day(rule: Rule, zones: tuple[ZoneInfo, ...], now: datetime) -> date:
    """The local date, in the zone where ``rule`` is closed at ``now``."""
    for zone in zones:
        local = now.astimezone(zone)
        window = rule.window_on(local.date())
        if window is None or not window.start <= local.time().replace(tzinfo=None) < window.end:
            return local.date()
    return now.astimezone(zones[0]).date()


def _clock(moment: time) -> str:
    return f"{moment.hour}:{moment.minute:02d}"
