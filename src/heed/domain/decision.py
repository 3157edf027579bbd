"""The send decision (R-18): may this message go to this address, on this channel,
from this sender, now?

This module owns the order in which heed's sending rules are checked and the
answer each one gives: ``allowed``, ``blocked`` or ``deferred``, with a stable
reason code (CONTRACT.md), a sentence for office staff and, for a deferral, the
UTC moment it may go. It also owns the sending-window arithmetic across time
zones (``next_open``).

``decide`` is a pure function of plain facts: the caller has already looked up
the contact, resolved the opt-out for the sender's scope (R-13), the email
suppression, the recipient's time zones and recent marketing sends. "No" is a
value, never an exception; only a programming error (a naive ``now``) raises.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from heed.domain.consent import Suppression
from heed.domain.errors import SmsOptedOut


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"


class Category(StrEnum):
    JOB = "job"
    INVOICE_STATEMENT = "invoice_statement"
    MARKETING = "marketing"


class Outcome(StrEnum):
    ALLOWED = "allowed"
    BLOCKED = "blocked"
    DEFERRED = "deferred"


class Reason(StrEnum):
    OK = "ok"
    INVALID_ADDRESS = "invalid_address"
    PLACEHOLDER = "placeholder"
    FAX = "fax"
    SMS_OPT_OUT = "sms_opt_out"
    EMAIL_SUPPRESSED = "email_suppressed"
    NOTIFICATIONS_DISABLED = "notifications_disabled"
    DO_NOT_MAIL = "do_not_mail"
    PREFERENCE_OFF = "preference_off"
    OUTSIDE_SENDING_WINDOW = "outside_sending_window"
    STATE_LIMIT = "state_limit"
    # The number sent a text that may revoke consent and waits on the review list.
    REVOCATION_UNDER_REVIEW = "revocation_under_review"


SAVED_AS_LANDLINE = "saved_as_landline"

# When nothing tells us where a number rings, assume it could be anywhere in the
# continental US, so a text only goes when it is a decent hour in all of them.
CONTINENTAL_US_ZONES: tuple[str, ...] = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)

# Florida's telephone-solicitation law (FTSA) narrows marketing texts to
# 8:00-20:00 and caps them at 3 per 24 h; Oklahoma's copy of the law keeps the cap.
FLORIDA_MARKETING_HOURS = (time(8, 0), time(20, 0))
MARKETING_LIMIT = 3
MARKETING_LIMIT_PERIOD = timedelta(hours=24)
_REGION_NAMES = {"FL": "Florida", "OK": "Oklahoma"}
_NARROWED_WINDOW_REGIONS = frozenset({"FL"})
_LIMITED_REGIONS = frozenset({"FL", "OK"})

# Windows repeat daily, so if no simultaneous opening shows up within a week
# (DST shifts included), there is none to find.
_SEARCH_HORIZON = timedelta(days=7)

_KINDS_FOR_CHANNEL = {
    Channel.SMS: frozenset({"mobile", "phone"}),
    Channel.EMAIL: frozenset({"email"}),
}


@dataclass(frozen=True)
class SendingWindow:
    """Local hours during which texts may go, open on ``[start, end)``."""

    start: time = time(8, 0)
    end: time = time(21, 0)

    def __post_init__(self) -> None:
        # Wall-clock hours only: the zone comes from the recipient, not the window.
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("a sending window is in local wall-clock time; drop the tzinfo")
        if not self.start < self.end:
            raise ValueError("a sending window must open before it closes")

    def describe(self) -> str:
        return f"{_clock(self.start)}–{_clock(self.end)}"


@dataclass(frozen=True)
class Facts:
    """Everything the decision needs, already looked up by the caller."""

    channel: Channel
    category: Category
    manual: bool
    address_valid: bool
    placeholder: bool
    kind: str | None
    sms_opted_out: bool
    email_suppression: Suppression
    notifications_enabled: bool
    do_not_mail: bool
    preference_on: bool | None
    time_zones: tuple[str, ...]
    region: str | None
    window: SendingWindow = SendingWindow()
    marketing_sent: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: Reason
    message: str
    not_before: datetime | None = None
    warnings: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOWED


def decide(facts: Facts, now: datetime) -> Decision:
    """Answer R-18 for one message. The first rule that says no wins:

    1. The address itself: a fax gets no messages (``fax``); an address that
       does not parse for the channel, or a text to an email contact / an email
       to a phone contact (``invalid_address``); a placeholder (``placeholder``).
       Nothing later can make a wrong address right.
    2. The recipient's own word: an SMS opt-out blocks every text, manual ones
       too, and staff cannot override it (R-12, ``sms_opt_out``). Email
       suppression (R-14, ``email_suppressed``): a bounce or complaint blocks
       all email; an unsubscribe blocks automated email only.
    3-5. Automated messages only -- staff writing by hand skip these (R-10):
       the account's customer-notifications switch (R-7,
       ``notifications_disabled``), then Do Not Mail (R-8, ``do_not_mail``),
       then the contact's setting for the category (R-10, ``preference_off``).
       A raw address with no contact record has no setting: job and invoice
       messages go, but marketing needs express consent that nobody recorded,
       so it is blocked.
    6. Automated texts wait for the sending window in the recipient's local
       time (``outside_sending_window``, deferred, not dropped). Email is not
       held: quiet-hours law (TCPA, state rules) is about calls and texts, and
       an email waits in the inbox without waking anyone.
    7. Marketing texts, manual or automated, obey state rules: Florida numbers
       only 8:00-20:00 (narrowing the account's window), and at most 3 in any
       24 h to a Florida or Oklahoma number (``state_limit``).
    8. Otherwise ``ok``; a text to a number saved as a landline goes with the
       ``saved_as_landline`` warning, since the carrier may not deliver it.

    A deferral's ``not_before`` is the earliest moment every timing rule (6, 7)
    passes, so a caller that retries then is not deferred again; the reason is
    the first timing rule that fails now.
    """
    return _decide(facts, _as_utc(now, "now"), _Timing())


def decide_each(items: Iterable[tuple[Facts, datetime]]) -> list[Decision]:
    """``decide(facts, now)`` for each pair, in order, with the same answers.

    A batch repeats itself: a thousand reminders share a few dozen time zones,
    one sending window and usually one moment, and many share all their facts.
    So equal (facts, now) pairs are decided once, and each zone set's "is the
    window open now", next opening and its wording are worked out once per
    batch. The rules and their order are ``decide``'s own, not a copy.
    """
    timing = _Timing()
    answers: dict[tuple[Facts, datetime], Decision] = {}
    decided: list[Decision] = []
    for facts, now in items:
        key = (facts, now)
        answer = answers.get(key)
        if answer is None:
            answer = answers[key] = _decide(facts, _as_utc(now, "now"), timing)
        decided.append(answer)
    return decided


def _decide(facts: Facts, now: datetime, timing: _Timing) -> Decision:  # noqa: C901
    """``decide``'s rules, in the order its docstring gives; ``now`` is in UTC."""
    # 1. The address.
    if facts.kind == "fax":
        return _blocked(Reason.FAX, "This number is saved as a fax; faxes get no messages.")
    if not facts.address_valid or not _kind_fits_channel(facts):
        return _blocked(Reason.INVALID_ADDRESS, _invalid_address_message(facts))
    if facts.placeholder:
        return _blocked(
            Reason.PLACEHOLDER,
            "This address is a placeholder, not a real contact; it is never messaged. "
            "Replace it with the customer's real details.",
        )

    # 2. Consent withdrawn by the recipient.
    if facts.channel is Channel.SMS and facts.sms_opted_out:
        return _blocked(Reason.SMS_OPT_OUT, SmsOptedOut.MESSAGE)
    if facts.channel is Channel.EMAIL:
        if facts.email_suppression is Suppression.ALL:
            return _blocked(
                Reason.EMAIL_SUPPRESSED,
                "Email to this address bounced or was reported as spam, so no email "
                "(automated or manual) is sent to it.",
            )
        if facts.email_suppression is Suppression.AUTOMATED and not facts.manual:
            return _blocked(
                Reason.EMAIL_SUPPRESSED,
                "This address unsubscribed from automated email; you can still write "
                "to it by hand.",
            )

    # 3-5. Business settings, which staff may step past when writing by hand.
    if not facts.manual:
        if not facts.notifications_enabled:
            return _blocked(
                Reason.NOTIFICATIONS_DISABLED,
                "Customer notifications are turned off for this account, so no "
                "automated message is sent.",
            )
        if facts.do_not_mail:
            return _blocked(
                Reason.DO_NOT_MAIL,
                "This customer is marked Do Not Mail, so no automated message is sent.",
            )
        if not _preference_allows(facts):
            return _blocked(Reason.PREFERENCE_OFF, _preference_off_message(facts))

    # 6-7. Timing, for texts only.
    warnings = (SAVED_AS_LANDLINE,) if _is_landline_text(facts) else ()
    if facts.channel is Channel.SMS:
        held = _sms_timing(facts, now, timing)
        if held is not None:
            deferred = held.outcome is Outcome.DEFERRED
            return replace(held, warnings=warnings) if deferred else held

    # 8.
    message = "This message may be sent."
    if warnings:
        message = (
            "This text may be sent, but the number is saved as a landline, which may "
            "not receive texts."
        )
    return Decision(Outcome.ALLOWED, Reason.OK, message, warnings=warnings)


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
    now = _as_utc(now, "now")
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


# --- timing -------------------------------------------------------------------


def _sms_timing(facts: Facts, now: datetime, timing: _Timing) -> Decision | None:
    """Steps 6-7: None when the text may go now, else the deferral (or, when
    the state window and the account's window never overlap, a block)."""
    region = (facts.region or "").upper()
    marketing = facts.category is Category.MARKETING
    narrowed = marketing and region in _NARROWED_WINDOW_REGIONS
    limited = marketing and region in _LIMITED_REGIONS

    # Which window applies: the account's for automated texts; for marketing to
    # Florida, the stricter of the account's and Florida's, manual or not.
    window: SendingWindow | None = None if facts.manual else facts.window
    if narrowed:
        start = max(facts.window.start, FLORIDA_MARKETING_HOURS[0])
        end = min(facts.window.end, FLORIDA_MARKETING_HOURS[1])
        if not start < end:
            return _blocked(
                Reason.OUTSIDE_SENDING_WINDOW,
                f"The account's {facts.window.describe()} sending window never overlaps "
                f"Florida's {_clock(FLORIDA_MARKETING_HOURS[0])}–"
                f"{_clock(FLORIDA_MARKETING_HOURS[1])} hours for marketing texts, so "
                "this marketing text cannot be sent to a Florida number.",
            )
        window = SendingWindow(start, end)

    freed = _limit_freed_at(facts.marketing_sent, now) if limited else None
    outside = window is not None and not timing.is_open(now, facts.time_zones, window)
    if not outside and freed is None:
        return None

    earliest = max(now, freed) if freed is not None else now
    not_before = timing.next_open(earliest, facts.time_zones, window) if window else earliest
    when = timing.describe(not_before, facts.time_zones, window)
    if outside and window is not None:
        rule = f"the {window.describe()} sending window"
        if narrowed:
            rule += " for marketing texts to Florida numbers"
        return Decision(
            Outcome.DEFERRED,
            Reason.OUTSIDE_SENDING_WINDOW,
            f"Texts to this number are deferred until {when} (outside {rule}).",
            not_before=not_before,
        )
    state = _REGION_NAMES.get(region, region)
    return Decision(
        Outcome.DEFERRED,
        Reason.STATE_LIMIT,
        f"{state} allows at most {MARKETING_LIMIT} marketing texts to a number in 24 hours; "
        f"this one is deferred until {when}.",
        not_before=not_before,
    )


def _limit_freed_at(sent: tuple[datetime, ...], now: datetime) -> datetime | None:
    """When the trailing-24 h count of marketing texts drops below the limit, or
    None when it already is. Counting ``(now - 24 h, now]``, the count falls
    below 3 exactly 24 h after the third most recent send."""
    recent = sorted(
        t
        for t in (_as_utc(s, "marketing_sent", assume_utc=True) for s in sent)
        if now - MARKETING_LIMIT_PERIOD < t <= now
    )
    if len(recent) < MARKETING_LIMIT:
        return None
    return recent[-MARKETING_LIMIT] + MARKETING_LIMIT_PERIOD


class _Timing:
    """The window arithmetic ``_sms_timing`` asks for, each answer worked out once.

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
            zones = _resolve_zones(names)
            found = self._open[key] = _is_open(now, zones, window.start, window.end)
        return found

    def next_open(self, now: datetime, names: tuple[str, ...], window: SendingWindow) -> datetime:
        key = (now, names, window)
        found = self._next.get(key)
        if found is None:
            found = self._next[key] = next_open(now, names, window)
        return found

    def describe(
        self, moment: datetime, names: tuple[str, ...], window: SendingWindow | None
    ) -> str:
        key = (moment, names, window)
        found = self._described.get(key)
        if found is None:
            zones = _resolve_zones(names)
            found = self._described[key] = _describe_moment(moment, zones, window)
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


# --- small helpers ----------------------------------------------------------------


def _as_utc(moment: datetime, name: str, *, assume_utc: bool = False) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        if assume_utc:
            # Stored send times are documented as UTC; some drivers hand them
            # back naive, which is not worth refusing to answer over.
            return moment.replace(tzinfo=UTC)
        raise ValueError(f"{name} must be timezone-aware; got a naive datetime {moment!r}")
    return moment.astimezone(UTC)


def _kind_fits_channel(facts: Facts) -> bool:
    # A raw address has no saved kind; address_valid already covers it.
    return facts.kind is None or facts.kind in _KINDS_FOR_CHANNEL[facts.channel]


def _preference_allows(facts: Facts) -> bool:
    if facts.preference_on is None:
        return facts.category is not Category.MARKETING
    return facts.preference_on


def _is_landline_text(facts: Facts) -> bool:
    return facts.channel is Channel.SMS and facts.kind == "phone"


def _blocked(reason: Reason, message: str) -> Decision:
    return Decision(Outcome.BLOCKED, reason, message)


def _invalid_address_message(facts: Facts) -> str:
    if facts.address_valid and facts.channel is Channel.SMS:
        return "This contact is an email address; texts need a phone number."
    if facts.address_valid:
        return "This contact is a phone number; email needs an email address."
    if facts.channel is Channel.SMS:
        return "This is not a valid North American phone number, so it cannot be texted."
    return "This is not a valid email address, so it cannot be emailed."


_CATEGORY_NAMES = {
    Category.JOB: "job",
    Category.INVOICE_STATEMENT: "invoice and statement",
    Category.MARKETING: "marketing",
}


def _preference_off_message(facts: Facts) -> str:
    name = _CATEGORY_NAMES[facts.category]
    if facts.preference_on is None:
        return (
            "Marketing needs the customer's express consent, and this address has no "
            "contact record with marketing turned on, so no marketing message is sent."
        )
    return (
        f"This contact has {name} notifications turned off, so no automated {name} "
        "message is sent; you can still send a manual message."
    )


def _clock(moment: time) -> str:
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
    return f"{_clock(local.time())} on {local:%a %b} {local.day} in {zone.key}"
