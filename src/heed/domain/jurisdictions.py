"""Sending rules by jurisdiction (R-26): the pure evaluator over the rules table.

This module owns answering, for one automated text: may it go now, from when
may it go (the earliest moment open in every zone the number may ring in), or
is it over the jurisdiction's cap, with the rule that decided, the table's
version and words for staff. It reads no clock and no database: the caller
passes ``now``, the recipient's zones and how many counted texts went in the
last 24 hours (or when they went). It also picks the jurisdiction and zones
for a recipient. The decision (heed.domain.decision) asks it for every text a
rule of the table covers, passing the account's own window alongside.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from heed.domain import areacodes
from heed.domain.outcome import Outcome
from heed.domain.sending_rules import (
    DAYS,
    AppliesTo,
    Cap,
    Rule,
    Rules,
    explain,
    normalize_jurisdiction,
)
from heed.domain.sending_window import SendingWindow as Window

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
    *,
    sent: Iterable[datetime] | None = None,
    account: Window | None = None,
) -> Verdict:
    """The jurisdiction's answer for one automated text at ``now``.

    ``jurisdiction`` is the state or province ("TX", "US-TX"), None when unknown
    (the US-wide rules apply). ``zones`` are every zone the number may ring in:
    a split-zone area code must be open in all of them (none known: the four
    continental US zones). ``category`` "marketing" or anything else (another
    automated text). ``counted_last_24h`` is how many texts that count toward a
    cap went to this number in the 24 hours before ``now``.

    The decision (R-18) passes more: ``sent``, when the counted texts went (it
    replaces the count), and ``account``, the account's own window, which holds
    alongside the table's rules (the stricter wins; a Verdict it decides names
    no rule).

    Over a cap → blocked when only a count is known; with ``sent``, deferred
    until the oldest counted text leaves the cap's hours and every window is
    open. Closed now → deferred to the earliest moment open in every zone under
    every rule; never open within two weeks → blocked.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    laws = applicable(rules, jurisdiction, category == AppliesTo.MARKETING.value)
    every = (*laws, _account_rule(account)) if account is not None else laws
    resolved = resolve_zones(tuple(zones))
    capped = _over_cap(laws, category, now, counted_last_24h, sent)
    if capped is not None and capped.freed is None:
        return _capped(rules, capped.rule, capped.counted)
    earliest = capped.freed if capped is not None and capped.freed is not None else now
    closed = _closed_rule(every, resolved, earliest)
    if closed is None and capped is None:
        return _allowed(rules, laws)
    not_before = next_open(every, resolved, earliest)
    if capped is not None:
        return _cap_held(rules, capped, resolved, not_before)
    assert closed is not None
    rule, day_closed = closed
    return _held(rules, rule, day_closed, resolved, now, not_before)


@lru_cache(maxsize=512)
def applicable(rules: Rules, jurisdiction: str | None, marketing: bool) -> tuple[Rule, ...]:
    """The table's rules for a text to ``jurisdiction``, most local first."""
    return tuple(_most_local_first(rules.applicable(jurisdiction, marketing)))


def caps(rules: Rules, jurisdiction: str | None) -> bool:
    """Whether a rule caps marketing texts to ``jurisdiction``: deciding one needs the
    marketing texts already sent to the number."""
    return any(rule.cap is not None for rule in applicable(rules, jurisdiction, True))


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


@dataclass(frozen=True)
class _Capped:
    rule: Rule
    counted: int
    freed: datetime | None  # when the count drops below the cap; None: not known


def _over_cap(
    laws: tuple[Rule, ...],
    category: str,
    now: datetime,
    counted: int,
    sent: Iterable[datetime] | None,
) -> _Capped | None:
    """The most local cap reached at ``now``, if any."""
    marketing = category == AppliesTo.MARKETING.value
    for rule in laws:
        if rule.cap is None or not _counted(rule.cap, marketing):
            continue
        if sent is None:
            if counted >= rule.cap.messages:
                return _Capped(rule, counted, None)
            continue
        freed, recent = cap_freed_at(tuple(sent), now, rule.cap)
        if freed is not None:
            return _Capped(rule, recent, freed)
    return None


def cap_freed_at(
    sent: tuple[datetime, ...], now: datetime, cap: Cap
) -> tuple[datetime | None, int]:
    """(when the count of texts sent in the cap's trailing hours drops below the cap,
    None when it already is; that count). Counting ``(now - hours, now]``, it falls
    below the cap exactly ``hours`` after the cap's n-th most recent text."""
    period = timedelta(hours=cap.hours)
    recent = sorted(t for t in (_as_utc(s) for s in sent) if now - period < t <= now)
    if len(recent) < cap.messages:
        return None, len(recent)
    return recent[-cap.messages] + period, len(recent)


def _as_utc(moment: datetime) -> datetime:
    # Stored send times are UTC; some drivers hand them back naive.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@lru_cache(maxsize=256)
def resolve_zones(names: tuple[str, ...]) -> tuple[ZoneInfo, ...]:
    """The zones named that zoneinfo knows; none known: the four continental US zones."""
    zones = []
    for name in dict.fromkeys(names):
        try:
            zones.append(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue
    return tuple(zones) or tuple(ZoneInfo(name) for name in UNKNOWN_ZONES)


_ACCOUNT = "account"


@lru_cache(maxsize=64)
def _account_rule(window: Window) -> Rule:
    """The account's own window as a row beside the table's, every day alike."""
    return Rule(
        id=_ACCOUNT,
        jurisdiction="",
        place="This account's sending window",
        applies_to=AppliesTo.AUTOMATED,
        days=(window,) * len(DAYS),
        holiday_ban=False,
        cap=None,
        source="the account's settings",
    )


def _named(rule: Rule) -> Rule | None:
    """The rule a Verdict names: the account's own window is no jurisdiction's rule."""
    return None if rule.id == _ACCOUNT else rule


def _allowed(rules: Rules, applicable: tuple[Rule, ...]) -> Verdict:
    rule = applicable[0] if applicable else None
    words = explain(rule) if rule else "No jurisdiction rule applies to this text"
    return Verdict(
        Outcome.ALLOWED, Reason.OK, rule, rules.version, words, f"{words}; it may go now."
    )


def _capped(rules: Rules, rule: Rule, counted: int) -> Verdict:
    words = _cap_words(rule)
    assert rule.cap is not None
    message = (
        f"{words}; {counted} went in the last {rule.cap.hours} hours, so this one is not sent."
    )
    return Verdict(Outcome.BLOCKED, Reason.STATE_LIMIT, rule, rules.version, words, message)


def _cap_words(rule: Rule) -> str:
    assert rule.cap is not None
    what = "marketing texts" if rule.cap.counts is AppliesTo.MARKETING else "automated texts"
    return (
        f"{rule.place}: at most {rule.cap.messages} {what} to one number in {rule.cap.hours} hours"
    )


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
    return _deferral(rules, _named(rule), reason, words, zones, not_before)


def _cap_held(
    rules: Rules, capped: _Capped, zones: tuple[ZoneInfo, ...], not_before: datetime | None
) -> Verdict:
    words = _cap_words(capped.rule)
    return _deferral(rules, capped.rule, Reason.STATE_LIMIT, words, zones, not_before)


def _deferral(
    rules: Rules,
    rule: Rule | None,
    reason: Reason,
    words: str,
    zones: tuple[ZoneInfo, ...],
    not_before: datetime | None,
) -> Verdict:
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
