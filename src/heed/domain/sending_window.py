"""When texts may go (R-18): the account's sending-window arithmetic across time
zones: is a window open now in every zone a number may ring in, when does it next
open, and a moment said in words.

Pure standard library. ``heed.domain.decision`` decides *whether* a window applies;
the jurisdictions' hours and caps are a table (R-26, ``heed.domain.jurisdictions``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

# When nothing tells us where a number rings, assume it could be anywhere in the
# continental US, so a text only goes when it is a decent hour in all of them.
CONTINENTAL_US_ZONES: tuple[str, ...] = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)


# Windows repeat daily, so if no simultaneous opening shows up within a week
# (DST shifts included), there is none to find.
_SEARCH_HORIZON = timedelta(days=7)


@dataclass(frozen=True)
class SendingWindow:
    """Local hours during which texts may go, open on ``[start, end)``."""

    start: time = time(8, 0)
    end: time = time(21, 0)
    # Hashed once: every deferral of a batch looks its window up by value (Timing),
    # several times.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Wall-clock hours only: the zone comes from the recipient, not the window.
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("a sending window is in local wall-clock time; drop the tzinfo")
        if not self.start < self.end:
            raise ValueError("a sending window must open before it closes")
        object.__setattr__(self, "_hash", hash((self.start, self.end)))

    def __hash__(self) -> int:
        return self._hash

    def describe(self) -> str:
        return _hours(self.start, self.end)


def next_open(now: datetime, zones: tuple[str, ...], window: SendingWindow) -> datetime:
    """The earliest UTC moment at or after ``now`` when ``window`` is open in
    every one of ``zones`` -- an area code can span zones, and a text must not
    land at 7 AM in the western half. ``now`` itself when already open.

    Unknown zones (an empty tuple, or names zoneinfo does not know) mean the
    four continental US zones. The search steps over candidate moments (each
    zone's next local opening times) rather than minute by minute, and looks a
    week ahead. If the window is never open everywhere at once (Hawaii and New
    York with a narrow window), no answer would ever satisfy every zone, so it
    falls back to the next opening in the first zone (the location's zone, or
    the area code's main one).
    """
    now = as_utc(now, "now")
    resolved = _resolve_zones(zones)
    if _is_open(now, resolved, window.start, window.end):
        return now
    horizon = now + _SEARCH_HORIZON
    candidates = sorted(
        {
            moment
            for zone in resolved
            for moment in _openings(now, zone, window.start)
            if moment <= horizon
        }
    )
    for moment in candidates:
        if _is_open(moment, resolved, window.start, window.end):
            return moment
    return next(_openings(now, resolved[0], window.start))


class Timing:
    """The window arithmetic the decision asks for, each answer worked out once.

    Every answer is a pure function of its arguments, so remembering them cannot
    change a decision; one instance lives for one ``decide`` call or one batch.
    """

    __slots__ = ("_described", "_next", "_open")

    def __init__(self) -> None:
        self._open: dict[tuple[datetime, tuple[str, ...], SendingWindow], bool] = {}
        self._next: dict[tuple[datetime, tuple[str, ...], SendingWindow], datetime] = {}
        self._described: dict[tuple[datetime, tuple[str, ...], SendingWindow | None], str] = {}

    def is_open(self, now: datetime, names: tuple[str, ...], window: SendingWindow) -> bool:
        key = (now, names, window)
        found = self._open.get(key)
        if found is None:
            shut = _SHUT.get((names, window))
            if shut is not None and shut[0] <= now < shut[1]:
                found = self._open[key] = False
            else:
                zones = _resolve_zones(names)
                found = self._open[key] = _is_open(now, zones, window.start, window.end)
        return found

    def next_open(self, now: datetime, names: tuple[str, ...], window: SendingWindow) -> datetime:
        key = (now, names, window)
        found = self._next.get(key)
        if found is None:
            found = self._next[key] = _next_open_remembered(now, names, window)
        return found

    def describe(
        self, moment: datetime, names: tuple[str, ...], window: SendingWindow | None
    ) -> str:
        key = (moment, names, window)
        found = self._described.get(key)
        if found is None:
            found = self._described[key] = _described(moment, names, window)
        return found


@lru_cache(maxsize=4096)
def _described(moment: datetime, names: tuple[str, ...], window: SendingWindow | None) -> str:
    # Pure, and asked again by the next batch while a window stays shut (_SHUT).
    return _describe_moment(moment, _resolve_zones(names), window)


# When a window stays shut, from one batch to the next: (zones, window) → (since,
# until), the window shut in some zone at ``since`` and first open in all at ``until``.
# No moment of [since, until) is open in all, so next_open of each is ``until``: a
# batch at 3 AM and the next, seconds later, share the search (about 0.2 ms a zone set).
_SHUT: dict[tuple[tuple[str, ...], SendingWindow], tuple[datetime, datetime]] = {}
_SHUT_HELD = 4096


def _next_open_remembered(now: datetime, names: tuple[str, ...], window: SendingWindow) -> datetime:
    """``next_open(now, names, window)``, from _SHUT when ``now`` lies in a remembered
    shut spell; a new spell is remembered when the answer is a moment, later than
    ``now``, open in every zone (not next_open's fallback to the first zone)."""
    key = (names, window)
    shut = _SHUT.get(key)
    if shut is not None and shut[0] <= now < shut[1]:
        return shut[1]
    found = next_open(now, names, window)
    if found > now and _is_open(found, _resolve_zones(names), window.start, window.end):
        if len(_SHUT) >= _SHUT_HELD:
            _SHUT.clear()
        _SHUT[key] = (now, found)
    return found


@lru_cache(maxsize=1024)
def _resolve_zones(names: tuple[str, ...]) -> tuple[ZoneInfo, ...]:
    # An unknown name is treated like no name: guessing it away would risk a
    # text at night, so fall back to the conservative continental set. Remembered
    # (a few dozen zone sets exist), since zoneinfo keeps only 8 zones strongly.
    known = tuple(zone for zone in (_zone(name) for name in names) if zone is not None)
    if known:
        return known
    return tuple(ZoneInfo(name) for name in CONTINENTAL_US_ZONES)


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return None


def _is_open(moment: datetime, zones: tuple[ZoneInfo, ...], start: time, end: time) -> bool:
    return all(start <= moment.astimezone(zone).time() < end for zone in zones)


def _openings(after: datetime, zone: ZoneInfo, start: time) -> Iterator[datetime]:
    """Each UTC moment after ``after`` when ``zone``'s wall clock reaches
    ``start``, over the next eight days, in order."""
    first = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(10):
        moment = _wall_clock_reaches(first + timedelta(days=offset), start, zone)
        if moment > after:
            yield moment


def _wall_clock_reaches(day: date, start: time, zone: ZoneInfo) -> datetime:
    """The first UTC moment on ``day`` when ``zone``'s clock shows ``start`` or later.

    On a fall-back day a repeated time's first occurrence (fold=0) is meant. On a
    spring-forward day a time inside the skipped hour never shows, so the window
    opens when the clock jumps past it: found by bisection between the two
    readings zoneinfo offers, which bracket the jump.
    """
    wall = datetime.combine(day, start)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if second >= first:  # an ordinary or a repeated time
        return first
    low, high = second, first  # the clock reads before ``wall`` at low, after at high
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def as_utc(moment: datetime, name: str, *, assume_utc: bool = False) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        if assume_utc:
            # Stored send times are documented as UTC; some drivers hand them
            # back naive, which is not worth refusing to answer over.
            return moment.replace(tzinfo=UTC)
        raise ValueError(f"{name} must be timezone-aware; got a naive datetime {moment!r}")
    return moment.astimezone(UTC)


@lru_cache(maxsize=64)
def _hours(start: time, end: time) -> str:
    # Said in every deferral's message: a batch at night says it a hundred times.
    return f"{clock(start)}–{clock(end)}"


def clock(moment: time) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def _describe_moment(
    moment: datetime, zones: tuple[ZoneInfo, ...], window: SendingWindow | None
) -> str:
    """Say ``moment`` in the zone that held it back: the one whose window opens
    exactly then, else the first zone."""
    zone = zones[0]
    if window is not None:
        opening = [z for z in zones if moment.astimezone(z).time() == window.start]
        zone = opening[0] if opening else zone
    local = moment.astimezone(zone)
    return f"{clock(local.time())} on {local:%a %b} {local.day} in {zone.key}"
