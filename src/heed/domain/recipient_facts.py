"""What heed has stored about a message's recipient, and how it becomes the decision's Facts.

The reader (heed.adapters.db.decision_facts) returns these records; ``FactsOf``
turns each request's records into ``Facts`` for ``heed.domain.decision.decide``:
the placeholder check, the area code's zones and state, the opt-out for the
sender's scope, the contact's setting for the category. Pure: no database here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import lru_cache
from operator import itemgetter
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from heed.domain import areacodes
from heed.domain.addresses import ContactKind, is_placeholder, is_placeholder_digits
from heed.domain.area_code_table import ZONES
from heed.domain.consent import AddressState, Suppression
from heed.domain.decision import (
    CONTINENTAL_US_ZONES,
    Category,
    Channel,
    Facts,
    SendingWindow,
)
from heed.domain.jurisdictions import caps, pick_jurisdiction
from heed.domain.marketing import implied_until, is_canadian
from heed.domain.placeholders import placeholder_list
from heed.domain.sending_rules import sending_rules

NOTHING_RECORDED = AddressState()
E164_NANP = re.compile(r"\+1\d{10}")
_PHONE_KINDS = frozenset(k.value for k in ContactKind if k.is_phone_like)
# zoneinfo keeps only the last few zones it built strongly and the rest weakly, so a
# batch spread over many area codes would re-read zone files from disk on every
# decision. Holding every zone the area-code table names (a few dozen) keeps them hot.
_ZONES_HELD = tuple(
    ZoneInfo(name)
    for name in sorted({z for zs in ZONES.values() for z in zs} | set(CONTINENTAL_US_ZONES))
)


class Asked(Protocol):
    """What a request asks that its facts depend on (a service's decision request)."""

    @property
    def channel(self) -> Channel: ...
    @property
    def category(self) -> Category: ...
    @property
    def manual(self) -> bool: ...
    @property
    def sender(self) -> str | None: ...


@dataclass(frozen=True)
class AccountRules:
    """The account's settings that a decision reads."""

    notifications_enabled: bool
    placeholders: tuple[str, ...]
    window: SendingWindow

    @classmethod
    def of(
        cls, enabled: bool, start: str, end: str, placeholders: list[str] | None
    ) -> AccountRules:
        return cls(
            bool(enabled), tuple(placeholders or ()), SendingWindow(_hhmm(start), _hhmm(end))
        )


@dataclass(frozen=True)
class MarketingFacts:
    """What marketing consent a stored contact has (R-24): express consent on record,
    whether CASL applies (a Canadian customer's email) and when implied consent ends."""

    consented: bool = False
    casl: bool = False
    implied_until: datetime | None = None

    @classmethod
    def of(
        cls,
        consented: bool,
        country: str | None,
        last_purchase_at: datetime | str | None,
        last_inquiry_at: datetime | str | None,
    ) -> MarketingFacts:
        if not consented and not country:
            return NO_MARKETING_FACTS
        return cls(
            consented,
            is_canadian(country),
            implied_until(_moment(last_purchase_at), _moment(last_inquiry_at)),
        )


NO_MARKETING_FACTS = MarketingFacts()


def _moment(value: datetime | str | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite's driver hands back naive text)."""
    if value is None:
        return None
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


StoredContact = tuple[
    str,  # kind
    str,  # value: the number (+1 and ten digits) or the email address
    bool,  # placeholder, as saved
    bool,  # notify_job: the contact's setting per category
    bool,  # notify_invoice_statement
    bool,  # notify_marketing
    bool,  # do_not_mail: its customer's flag
    str | None,  # time_zone: its location's
    str | None,  # region: its location's state or province ("US-TX") from a structured address
    bool,  # marketing_consented: express marketing consent on record for the address
    str | None,  # consent_country: what CASL reads
    datetime | str | None,  # last_purchase_at (text on SQLite's driver)
    datetime | str | None,  # last_inquiry_at
]
"""One stored contact with its customer's flag, its location's zone and state, and what
its marketing consent reads, as the batch reader hands it over. A plain tuple of plain
values: a batch holds a thousand, and the garbage collector stops watching such a
tuple at its first pass, where it watched an object per contact for as long as the
batch ran (about 1.2 ms of collections per 1,000, bench/RESULTS.md). Its consent rows
are folded apart (``FactsOf.stored``'s ``consent``); ``stored_contact`` builds one
from names."""

address_of = itemgetter(1)
"""A stored contact's value: its number or email address."""
region_of = itemgetter(8)
"""A stored contact's location's state or province, None when its address does not say."""


def stored_contact(
    kind: str,
    value: str,
    *,
    placeholder: bool = False,
    notify: tuple[bool, bool, bool] = (True, False, False),
    do_not_mail: bool = False,
    time_zone: str | None = None,
    region: str | None = None,
    marketing_consented: bool = False,
    consent_country: str | None = None,
    last_purchase_at: datetime | str | None = None,
    last_inquiry_at: datetime | str | None = None,
) -> StoredContact:
    """A stored contact from its values by name; ``notify`` is the setting per category:
    job, invoice_statement, marketing."""
    return (
        kind,
        value,
        placeholder,
        *notify,
        do_not_mail,
        time_zone,
        region,
        marketing_consented,
        consent_country,
        last_purchase_at,
        last_inquiry_at,
    )


@dataclass(frozen=True)
class RawRecords:
    """What the account's records say about an address named without a contact id: Do
    Not Mail on any of their customers, and the categories some record has on."""

    do_not_mail: bool
    enabled: frozenset[Category]


class FactsOf:
    """Builds the Facts of one account's requests. Equal facts come back as one
    object: a batch has only a few hundred distinct ones (facts name no address),
    so each is built once and the batch's decisions can be shared. The next batch
    of the same settings asks for mostly the same ones again, so they are kept
    (``_facts_built``): Facts are values, and a key names everything in them
    but the settings."""

    __slots__ = ("_built", "_phone_placeholder", "_regions", "_rules")

    def __init__(self, rules: AccountRules) -> None:
        self._rules = rules
        self._built = _facts_built(rules)
        if len(self._built) > FACTS_KEPT:
            self._built.clear()
        # A stored number's placeholder check with no account list of its own: the
        # data file's rules on its ten digits (is_placeholder_digits, without the calls).
        self._phone_placeholder = None if rules.placeholders else placeholder_list().phone
        # A location's state ("TX") → its jurisdiction ("US-TX"), once per batch.
        self._regions: dict[str, str | None] = {}

    def stored(
        self,
        asked: Asked,
        contact: StoredContact,
        consent: AddressState = NOTHING_RECORDED,
        marketing_sent: tuple[datetime, ...] = (),
        under_review: bool = False,
    ) -> Facts:
        """The facts of a request naming a stored contact, with the folded consent of
        its address.

        Every stored contact of a batch comes through here, so the steps of ``raw``
        are written out: the key is ``_facts``'s, worked out with fewer calls."""
        (
            kind,
            value,
            saved_as_placeholder,
            notify_job,
            notify_invoice_statement,
            notify_marketing,
            do_not_mail,
            time_zone,
            located,
            marketing_consented,
            consent_country,
            last_purchase_at,
            last_inquiry_at,
        ) = contact
        phone = value.startswith("+")
        # E164_NANP.fullmatch(value): \d is a Unicode decimal digit, as isdecimal reads.
        e164 = phone and len(value) == 12 and value[1] == "1" and value[2:].isdecimal()
        if saved_as_placeholder:
            placeholder = True
        elif e164 and self._phone_placeholder is not None and kind in _PHONE_KINDS:
            placeholder = self._phone_placeholder(value[2:])
        else:
            placeholder = _is_placeholder(kind, value, self._rules.placeholders, e164=e164)
        if e164:
            zones, region = _area_code_table(value[2:5])
        else:
            zones, region = _where(value, False)
        sms = asked.channel is Channel.SMS
        category = asked.category
        if time_zone:
            zones = (time_zone,)
        if located:
            found = self._regions.get(located, _UNSEEN)
            if found is _UNSEEN:
                found = self._regions[located] = pick_jurisdiction(located, None)
            region = found  # type: ignore[assignment]
        marketing = category is Category.MARKETING
        key = (
            asked.channel,
            category,
            asked.manual,
            (phone == sms) or (kind in _PHONE_KINDS) == phone,
            placeholder,
            kind,
            # Most contacts have nothing recorded, which opts out of nothing (None in
            # the key, read as _NOT_OPTED_OUT: a tuple hashes its enum on every look-up).
            None if consent is NOTHING_RECORDED else _opted_out(asked, value, consent),
            do_not_mail,
            notify_marketing
            if marketing
            else notify_job
            if category is Category.JOB
            else notify_invoice_statement,
            zones,
            region,
            marketing_sent,
            under_review and marketing and sms,
            # Only a marketing message reads consent (_marketing_for); None reads as none.
            MarketingFacts.of(
                marketing_consented, consent_country, last_purchase_at, last_inquiry_at
            )
            if marketing
            else None,
        )
        built = self._built.get(key)
        if built is None:
            built = self._built[key] = self._new(key)
        return built

    def raw(
        self,
        asked: Asked,
        address: str | None,
        state: AddressState,
        records: RawRecords | None,
        marketing_sent: tuple[datetime, ...] = (),
        under_review: bool = False,
        marketing_consented: bool = False,
    ) -> Facts:
        """The facts of a request naming a raw address (None: it did not parse)."""
        placeholder = address is not None and _is_placeholder(
            "mobile" if asked.channel is Channel.SMS else "email",
            address,
            self._rules.placeholders,
        )
        is_phone = address is not None and address.startswith("+")
        zones, region = _where(address, E164_NANP.fullmatch(address or "") is not None)
        return self._facts(
            asked,
            address is not None and is_phone == (asked.channel is Channel.SMS),
            placeholder,
            None,
            _opted_out(asked, address, state) if address is not None else _NOT_OPTED_OUT,
            bool(records and records.do_not_mail),
            asked.category in records.enabled if records else None,
            zones,
            region,
            marketing_sent,
            under_review and may_be_held(asked),
            _marketing_for(asked, MarketingFacts(consented=marketing_consented)),
        )

    def _facts(self, asked: Asked, *facts: Any) -> Facts:
        # Everything Facts holds except the account's settings, which one FactsOf shares.
        key = (asked.channel, asked.category, asked.manual, *facts)
        built = self._built.get(key)
        if built is None:
            built = self._built[key] = self._new(key)
        return built

    def _new(self, key: tuple[Any, ...]) -> Facts:
        """The Facts of a key of ``_facts`` or ``stored``: an opt-out or marketing
        facts of None are none (``_NOT_OPTED_OUT``, ``NO_MARKETING_FACTS``)."""
        (
            channel,
            category,
            manual,
            valid,
            placeholder,
            kind,
            opted_out,
            dnm,
            preference,
            zones,
            region,
            sent,
            held,
            marketing,
        ) = key
        marketing = marketing or NO_MARKETING_FACTS
        return Facts(
            channel=channel,
            category=category,
            manual=manual,
            address_valid=valid,
            placeholder=placeholder,
            kind=kind,
            sms_opted_out=(opted_out or _NOT_OPTED_OUT)[0],
            email_suppression=(opted_out or _NOT_OPTED_OUT)[1],
            notifications_enabled=self._rules.notifications_enabled,
            do_not_mail=dnm,
            preference_on=preference,
            time_zones=zones,
            region=region,
            window=self._rules.window,
            marketing_sent=sent,
            under_review=held,
            marketing_consent=marketing.consented,
            casl=marketing.casl,
            implied_consent_until=marketing.implied_until,
        )


_UNSEEN = object()

# Facts kept per account settings, a few batches' worth: most batches build none.
FACTS_KEPT = 4096


@lru_cache(maxsize=16)
def _facts_built(rules: AccountRules) -> dict[tuple[Any, ...], Facts]:
    """The Facts built so far under ``rules`` (equal settings, one dict), by key."""
    return {}


def _marketing_for(asked: Asked, marketing: MarketingFacts) -> MarketingFacts:
    # Only a marketing message reads consent: the rest share their facts whatever it is.
    return marketing if asked.category is Category.MARKETING else NO_MARKETING_FACTS


def needs_marketing_history(asked: Asked, address: str | None, region: str | None = None) -> bool:
    """A marketing text to a number whose jurisdiction caps them (a row of the rules
    table with a cap): deciding it needs the marketing texts already sent there.
    ``region`` is the location's state where its address says (``region_of`` a
    stored contact)."""
    if not (
        asked.category is Category.MARKETING
        and asked.channel is Channel.SMS
        and address is not None
        and address.startswith("+")
    ):
        return False
    if region is None:
        region = _where(address, E164_NANP.fullmatch(address) is not None)[1]
    return caps(sending_rules(), pick_jurisdiction(region, None))


def may_be_held(asked: Asked) -> bool:
    """Whether the review list can hold this request: a marketing text (R-29)."""
    return asked.category is Category.MARKETING and asked.channel is Channel.SMS


_NOT_OPTED_OUT = (False, Suppression.NONE)


def _opted_out(asked: Asked, address: str, state: AddressState) -> tuple[bool, Suppression]:
    """(the SMS opt-out for the sender's scope, the email suppression) of an address."""
    if address.startswith("+"):
        # Most numbers have nothing recorded, which opts out of nothing.
        return bool(state.opted_out_scopes) and state.sms_opted_out_for(asked.sender), (
            Suppression.NONE
        )
    return False, Suppression(state.suppression)


def _where(address: str | None, e164: bool) -> tuple[tuple[str, ...], str | None]:
    """The zones and jurisdiction ("US-TX") of a number's area code; none for an email.
    A location's state, where its address is structured, comes first (``region_of`` a
    stored contact, R-26)."""
    if e164:
        assert address is not None
        return _area_code_table(address[2:5])
    if address is not None and address.startswith("+"):
        return areacodes.zones_for(address), pick_jurisdiction(None, address)
    return (), None


@lru_cache(maxsize=1024)
def _area_code_table(code: str) -> tuple[tuple[str, ...], str | None]:
    # areacodes reads only the area code of a +1 number: any seven digits after it do.
    number = f"+1{code}5550100"
    return areacodes.zones_for(number), pick_jurisdiction(None, number)


def _is_placeholder(
    kind: str, value: str, extra: tuple[str, ...], *, e164: bool | None = None
) -> bool:
    """is_placeholder, without phonenumbers' digit extraction for a stored E.164 number
    (its ten digits after +1 are exactly what that extraction yields)."""
    if e164 is None:
        e164 = E164_NANP.fullmatch(value) is not None
    if not extra and kind in _PHONE_KINDS and e164:
        return is_placeholder_digits(value[2:])
    return is_placeholder(kind, value, extra)


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))
