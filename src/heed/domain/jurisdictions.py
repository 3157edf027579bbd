"""Sending rules by jurisdiction (R-26): the pure evaluator over the rules table.

This module owns answering, for one automated text: may it go now, from when
may it go (the earliest moment open in every zone the number may ring in), or
is it over the jurisdiction's cap, with the rule that decided, the table's
version and words for staff. It reads no clock and no database: the caller
passes ``now``, the recipient's zones and how many counted texts went in the
last 24 hours. It also picks the jurisdiction and zones for a recipient. The
account's own window is the decision's business, not this module's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from heed.domain import areacodes
from heed.domain.decision import Outcome
from heed.domain.sending_rules import (
    DAYS,
    AppliesTo,
    Cap,
    Rule,
    Rules,
    explain,
    normalize_jurisdiction,
)

# Where a number rings when nothing says: anywhere in the continental US.
UNKNOWN_ZONES = ("America/Chicago", "America/Denver", "America/Los_Angeles", "America/New_York")
# Windows repeat weekly; two weeks covers any weekly ban next to a holiday.
_HORIZON = timedelta(days=15)


class Reason(StrEnum):
    """The decision's reason codes (CONTRACT) a jurisdiction rule can give."""

    OK = "ok"
    OUTSIDE_SENDING_WINDOW = "outside_sending_window"
    QUIET_DAY = "quiet_day"
    STATE_LIMIT = "state_limit"


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


def pick_jurisdiction(location_region: str | None, number: str | None) -> str | None:
    """R-26: the location's state or province where known ("TX" → "US-TX"), else the
    area code's single state or province, else None (the US-wide rules apply)."""
    if location_region and location_region.strip():
        return normalize_jurisdiction(location_region)
    return areacodes.jurisdiction_for(number) if number else None


def pick_zones(location_zone: str | None, number: str | None) -> tuple[str, ...]:
    """The zones a text must be inside the window in: the location's zone where
    known, else every zone of the number's area code (R-26: a split-zone code with
    no location must be open in all of them); () when neither is known."""
    if location_zone and location_zone.strip():
        return (location_zone.strip(),)
    return areacodes.zones_for(number) if number else ()


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
