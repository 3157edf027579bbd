"""The send decision over stored facts (R-18, R-19), for one message or many.

Facts for a whole batch are read in a fixed number of queries; the rules
themselves live in heed.domain.decision.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache, partial
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, String, and_, bindparam, func, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import ARRAY

from heed.adapters.db import tables as t
from heed.adapters.db.engine import statement_connection
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain import areacodes
from heed.domain.addresses import (
    is_placeholder,
    is_placeholder_digits,
    normalize_email,
    normalize_phone,
    phone_query,
)
from heed.domain.area_code_table import ZONES
from heed.domain.consent import AddressState, Suppression
from heed.domain.decision import (
    CONTINENTAL_US_ZONES,
    Category,
    Channel,
    Decision,
    Facts,
    SendingWindow,
    decide,
    decide_each,
)
from heed.domain.errors import Invalid, NotFound
from heed.services.common import Principal, get_account, now
from heed.services.review import HELD, hold_marketing, may_hold, numbers_under_review
from heed.services.views import (
    NO_CONSENT_RECORDED,
    PHONE_KINDS,
    consent_for,
    fold_consent,
)

MAX_BATCH = 1000
_STATE_LIMITED = frozenset({"FL", "OK"})


class DecisionRequest(NamedTuple):
    """One request, checked. A named tuple rather than a frozen dataclass: a batch
    builds a thousand of them, and a frozen dataclass costs four times as much to build
    (1.35 us against 0.56 us here)."""

    channel: Channel
    category: Category
    manual: bool
    contact_id: str | None
    to: str | None
    sender: str | None
    at: datetime | None

    @classmethod
    def parse(cls, data: object, field: str = "") -> DecisionRequest:  # noqa: C901
        # Error texts are built only on error: a batch parses a thousand of these.
        if not isinstance(data, dict):
            raise Invalid(f"{field or 'body'} must be an object.", field=field or "body")
        channel = data.get("channel")
        chosen = _CHANNELS.get(channel) if isinstance(channel, str) else None
        if chosen is None:
            raise _invalid(field, "channel", "must be sms or email.")
        category = data.get("category", "job")
        about = _CATEGORIES.get(category) if isinstance(category, str) else None
        if about is None:
            raise _invalid(field, "category", "must be job, invoice_statement or marketing.")
        manual = data.get("manual", False)
        if manual is not False and manual is not True:
            raise _invalid(field, "manual", "must be true or false.")
        contact_id, to = data.get("contact_id"), data.get("to")
        if (contact_id is None) == (to is None):
            raise _invalid(field, "contact_id", "or to is required (exactly one).")
        if contact_id is not None and not isinstance(contact_id, str):
            raise _invalid(field, "contact_id", "must be text.")
        if to is not None and not isinstance(to, str):
            raise _invalid(field, "to", "must be text.")
        sender = data.get("from")
        if sender is not None:
            if not isinstance(sender, str):
                raise _invalid(field, "from", "must be a business number.")
            normalized = phone_query(sender) if channel == "sms" else sender.strip().lower()
            if normalized is None:
                raise _invalid(field, "from", "must be one of the business's numbers.")
            sender = normalized
        at = data.get("at")
        if at is not None:
            at = _parse_time(at, f"{field}.at" if field else "at")
        return cls(chosen, about, manual, contact_id, to, sender, at)


def _invalid(field: str, name: str, says: str) -> Invalid:
    where = f"{field}.{name}" if field else name
    return Invalid(f"{where} {says}", field=where)


_CHANNELS = {str(c): c for c in Channel}
_CATEGORIES = {str(c): c for c in Category}


def _parse_time(value: object, field: str) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise Invalid(
                f"{field} must be an ISO-8601 time such as 2026-05-01T14:00:00Z.", field=field
            ) from None
    else:
        raise Invalid(f"{field} must be an ISO-8601 time.", field=field)
    if parsed.tzinfo is None:
        raise Invalid(f"{field} must carry a time zone offset (e.g. Z).", field=field)
    return parsed


def decision_view(decision: Decision) -> dict[str, Any]:
    return {
        "outcome": str(decision.outcome),
        "reason": str(decision.reason),
        "message": decision.message,
        "not_before": decision.not_before.isoformat() if decision.not_before else None,
        "warnings": list(decision.warnings),
    }


@dataclass(frozen=True)
class Resolved:
    """One request with what the database knows about it."""

    request: DecisionRequest
    address: str | None
    facts: Facts
    contact_id: str | None


# Everything a decision needs about a stored contact, in one statement: the contact,
# its customer's Do Not Mail flag, its location's time zone and the consent rows of
# its address (one per scope; none when nothing was ever recorded). Built once: the
# statement's shape never changes, so SQLAlchemy compiles it once per dialect.
_CONTACT_FACTS = (
    select(
        t.Contact.id,
        t.Contact.kind,
        t.Contact.value,
        t.Contact.placeholder,
        t.Contact.notify_job,
        t.Contact.notify_invoice_statement,
        t.Contact.notify_marketing,
        t.Customer.do_not_mail,
        t.Location.time_zone,
        t.ConsentState.scope,
        t.ConsentState.opted_out,
        t.ConsentState.suppression,
    )
    .select_from(t.Contact)
    .join(
        t.Customer,
        and_(t.Customer.account_id == t.Contact.account_id, t.Customer.id == t.Contact.customer_id),
    )
    .outerjoin(
        t.Location,
        and_(t.Location.account_id == t.Contact.account_id, t.Location.id == t.Contact.location_id),
    )
    .outerjoin(
        t.ConsentState,
        and_(
            t.ConsentState.account_id == t.Contact.account_id,
            t.ConsentState.address == t.Contact.value,
        ),
    )
)
_CONTACTS_BY_ID = _CONTACT_FACTS.where(
    t.Contact.account_id == bindparam("account_id"),
    t.Contact.id.in_(bindparam("contact_ids", expanding=True)),
)
# SQLite runs the same statement's SQL as text: SQLAlchemy's handling of a thousand
# expanding parameters and of its result types costs about 1 us per contact, a twentieth
# of a batch decision (7.8 against 6.9 ms of CPU per 1,000). Rows come back with
# SQLite's 0/1 for booleans, which _Stored turns into bool.
_CONTACTS_BY_ID_SQLITE = (
    str(
        _CONTACT_FACTS.where(t.Contact.account_id == bindparam("account_id")).compile(
            dialect=sqlite.dialect()
        )
    )
    + " AND contacts.id IN ({})"
)
# PostgreSQL takes the ids as one array parameter: the statement's text is then the
# same for every batch size, and neither side handles a thousand separate parameters
# (client CPU per 1,000 ids: 2.5 ms against 6.7 ms with IN (...)).
_CONTACTS_BY_ID_ARRAY = _CONTACT_FACTS.where(
    t.Contact.account_id == bindparam("account_id"),
    t.Contact.id == func.any(bindparam("contact_ids", type_=ARRAY(String))),
)
# One decision about one contact is this one statement: the account's settings ride along.
_ONE_CONTACT_AND_ACCOUNT = (
    _CONTACT_FACTS.add_columns(
        t.Account.customer_notifications_enabled,
        t.Account.window_start,
        t.Account.window_end,
        t.Account.placeholders,
    )
    .join(t.Account, t.Account.id == t.Contact.account_id)
    .where(
        t.Contact.account_id == bindparam("account_id"),
        t.Contact.id == bindparam("contact_id"),
    )
)
# On SQLite the one decision statement runs as its SQL on the pooled sqlite3
# connection itself: SQLAlchemy's connection, execution context and result types
# cost about six times the statement (≈ 14 us in SQLite against ≈ 90 us around it;
# bench/profiles/decide_one-sqlite-10k-now.txt). Booleans come back as 0/1 and the
# placeholders as JSON text; _Stored and _rules_of read both.
_ONE_CONTACT_AND_ACCOUNT_SQLITE = str(_ONE_CONTACT_AND_ACCOUNT.compile(dialect=sqlite.dialect()))
assert _ONE_CONTACT_AND_ACCOUNT.compile(dialect=sqlite.dialect()).positiontup == [
    "account_id",
    "contact_id",
]
_ACCOUNT_RULES = select(
    t.Account.customer_notifications_enabled,
    t.Account.window_start,
    t.Account.window_end,
    t.Account.placeholders,
).where(t.Account.id == bindparam("account_id"))
_E164_NANP = re.compile(r"\+1\d{10}")
# zoneinfo keeps only the last few zones it built strongly and the rest weakly, so a
# batch spread over many area codes would re-read zone files from disk on every
# decision. Holding every zone the area-code table names (a few dozen) keeps them hot.
_ZONES_HELD = tuple(
    ZoneInfo(name)
    for name in sorted({z for zs in ZONES.values() for z in zs} | set(CONTINENTAL_US_ZONES))
)


@dataclass(frozen=True)
class _Rules:
    """The account's settings that a decision reads."""

    notifications_enabled: bool
    placeholders: tuple[str, ...]
    window: SendingWindow

    @classmethod
    def of(cls, enabled: bool, start: str, end: str, placeholders: list[str] | None) -> _Rules:
        return cls(enabled, tuple(placeholders or ()), SendingWindow(_hhmm(start), _hhmm(end)))


class _Stored:
    """One stored contact with its customer's flag, its location's zone and its consent."""

    __slots__ = (
        "consent",
        "do_not_mail",
        "id",
        "kind",
        "notify_invoice_statement",
        "notify_job",
        "notify_marketing",
        "placeholder",
        "time_zone",
        "value",
    )

    def __init__(self, row: Any) -> None:
        self.id: str = row[0]
        self.kind: str = row[1]
        self.value: str = row[2]
        self.placeholder: bool = bool(row[3])
        self.notify_job: bool = bool(row[4])
        self.notify_invoice_statement: bool = bool(row[5])
        self.notify_marketing: bool = bool(row[6])
        self.do_not_mail: bool = bool(row[7])
        self.time_zone: str | None = row[8]
        self.consent: AddressState = NO_CONSENT_RECORDED


def _stored_contacts(rows: Any) -> dict[str, _Stored]:
    contacts: dict[str, _Stored] = {}
    consent_rows: list[tuple[str, str | None, bool | None, str | None]] = []
    for row in rows:
        if row[0] not in contacts:
            contacts[row[0]] = _Stored(row)
        if row[9] is not None:
            consent_rows.append((row[0], row[9], row[10], row[11]))
    for contact_id, state in fold_consent(consent_rows).items():
        contacts[contact_id].consent = state
    return contacts


def resolve(
    tx: Transaction,
    account: t.Account,
    requests: list[DecisionRequest],
    *,
    at: datetime | None = None,
    field: str = "items",
) -> list[Resolved]:
    """Gather the facts for many requests in a fixed number of queries: one for every
    stored contact named (with its consent), one for the consent of raw addresses,
    and one for recent marketing texts when a state limits them."""
    rules = _Rules.of(
        account.customer_notifications_enabled,
        account.window_start,
        account.window_end,
        account.placeholders,
    )
    gathered = _gather(tx, account.id, rules, requests, at=at, field=field)
    return [
        Resolved(request, address, facts, contact_id)
        for request, address, facts, contact_id in zip(
            requests, gathered.addresses, gathered.facts, gathered.contact_ids, strict=True
        )
    ]


@dataclass(frozen=True)
class _Gathered:
    """Per request, in order: its address, its facts and its stored contact's id."""

    addresses: list[str | None]
    facts: list[Facts]
    contact_ids: list[str | None]


def _gather(
    tx: Transaction,
    account_id: str,
    rules: _Rules,
    requests: list[DecisionRequest],
    *,
    at: datetime | None,
    field: str,
) -> _Gathered:
    contact_ids = sorted({r.contact_id for r in requests if r.contact_id})
    contacts: dict[str, _Stored] = {}
    if contact_ids:
        # Core rows straight from the connection: no ORM loading for plain columns.
        connection = tx.session.connection()
        if connection.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(
                _CONTACTS_BY_ID_SQLITE.format(",".join("?" * len(contact_ids))),
                (account_id, *contact_ids),
            ).all()
        else:
            statement = (
                _CONTACTS_BY_ID_ARRAY
                if connection.dialect.name == "postgresql"
                else _CONTACTS_BY_ID
            )
            rows = connection.execute(
                statement, {"account_id": account_id, "contact_ids": contact_ids}
            ).all()
        contacts = _stored_contacts(rows)
    addresses: list[str | None] = []
    found: list[_Stored | None] = []
    raw: list[str] = []
    for i, request in enumerate(requests):
        if request.contact_id is not None:
            contact = contacts.get(request.contact_id)
            if contact is None:
                where = f"{field}[{i}].contact_id" if len(requests) > 1 else "contact_id"
                raise NotFound("No contact with this id.", field=where)
            addresses.append(contact.value)
            found.append(contact)
        else:
            address = _raw_address(request)
            addresses.append(address)
            found.append(None)
            if address:
                raw.append(address)
    consent = consent_for(tx, account_id, raw) if raw else {}
    records = _records_for(tx, account_id, raw) if raw else {}
    _check_senders(tx, account_id, requests, field)
    sent = _marketing_sent(tx, account_id, requests, addresses, at)
    facts_of = _FactsOf(rules)
    facts: list[Facts] = []
    for request, address, contact in zip(requests, addresses, found, strict=True):
        if contact is not None:
            stored = contact.value
            facts.append(facts_of(request, stored, contact, contact.consent, sent.get(stored, ())))
            continue
        state = consent.get(address, NO_CONSENT_RECORDED) if address else NO_CONSENT_RECORDED
        facts.append(
            facts_of(
                request,
                address,
                None,
                state,
                sent.get(address, ()) if address else (),
                records.get(address) if address else None,
            )
        )
    return _Gathered(addresses, facts, [c.id if c else None for c in found])


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _raw_address(request: DecisionRequest) -> str | None:
    assert request.to is not None
    if request.channel is Channel.SMS:
        try:
            return normalize_phone(request.to, field="to")
        except Invalid:
            # Not textable (R-1: outside NANP, or invalid), unless it is a placeholder,
            # which is stored as +1 and ten digits and must say so.
            found = phone_query(request.to)
            return found if found and is_placeholder("sms", found) else None
    try:
        return normalize_email(request.to, field="to")
    except Invalid:
        return None


_NOTIFY = {
    Category.JOB: "notify_job",
    Category.INVOICE_STATEMENT: "notify_invoice_statement",
    Category.MARKETING: "notify_marketing",
}


class _FactsOf:
    """Builds the Facts of one account's requests. Equal facts come back as one
    object: a batch has only a few hundred distinct ones (facts name no address),
    so each is built once and the batch's decisions can be shared."""

    __slots__ = ("_built", "_rules")

    def __init__(self, rules: _Rules) -> None:
        self._rules = rules
        self._built: dict[tuple[Any, ...], Facts] = {}

    def __call__(
        self,
        request: DecisionRequest,
        address: str | None,
        contact: _Stored | None,
        state: AddressState,
        marketing_sent: tuple[datetime, ...],
        records: _Records | None = None,
    ) -> Facts:
        rules = self._rules
        channel = request.channel
        is_phone = address is not None and address.startswith("+")
        # One check serves both the placeholder shortcut and the area-code look-up.
        e164 = is_phone and _E164_NANP.fullmatch(address or "") is not None
        if contact is not None:
            kind: str | None = contact.kind
            placeholder = contact.placeholder or _is_placeholder(
                contact.kind, contact.value, rules.placeholders, e164=e164
            )
            preference: bool | None = getattr(contact, _NOTIFY[request.category])
            do_not_mail = contact.do_not_mail
        else:
            kind = None
            placeholder = address is not None and _is_placeholder(
                "mobile" if channel is Channel.SMS else "email", address, rules.placeholders
            )
            preference = request.category in records.enabled if records else None
            do_not_mail = bool(records and records.do_not_mail)
        if e164:
            assert address is not None
            zones, region = _area_code_table(address[2:5])
        elif is_phone:
            assert address is not None
            zones, region = areacodes.zones_for(address), areacodes.region_for(address)
        else:
            zones, region = (), None
        location_zone = contact.time_zone if contact is not None else None
        # Everything Facts holds except the account's settings, which one _FactsOf
        # shares across its requests.
        key = (
            channel,
            request.category,
            request.manual,
            address is not None
            and (is_phone == (channel is Channel.SMS) or (kind in PHONE_KINDS) == is_phone),
            placeholder,
            kind,
            # Most addresses have no consent recorded, which opts out of nothing.
            is_phone
            and state is not NO_CONSENT_RECORDED
            and state.sms_opted_out_for(request.sender),
            Suppression.NONE if is_phone else Suppression(state.suppression),
            do_not_mail,
            preference,
            (location_zone,) if location_zone else zones,
            region,
            marketing_sent,
        )
        facts = self._built.get(key)
        if facts is None:
            facts = self._built[key] = Facts(
                channel=channel,
                category=request.category,
                manual=request.manual,
                address_valid=key[3],
                placeholder=placeholder,
                kind=kind,
                sms_opted_out=key[6],
                email_suppression=key[7],
                notifications_enabled=rules.notifications_enabled,
                do_not_mail=do_not_mail,
                preference_on=preference,
                time_zones=key[10],
                region=region,
                window=rules.window,
                marketing_sent=marketing_sent,
            )
        return facts


def _area_code_facts(e164: str) -> tuple[tuple[str, ...], str | None]:
    """The zones and region of a number's area code (heed.domain.areacodes)."""
    if _E164_NANP.fullmatch(e164):
        return _area_code_table(e164[2:5])
    return areacodes.zones_for(e164), areacodes.region_for(e164)


@lru_cache(maxsize=1024)
def _area_code_table(code: str) -> tuple[tuple[str, ...], str | None]:
    # areacodes reads only the area code of a +1 number: any seven digits after it do.
    number = f"+1{code}5550100"
    return areacodes.zones_for(number), areacodes.region_for(number)


@dataclass(frozen=True)
class _Records:
    """What the account's records say about an address named without a contact id."""

    do_not_mail: bool
    enabled: frozenset[str]


def _records_for(tx: Transaction, account_id: str, addresses: list[str]) -> dict[str, _Records]:
    """A raw ``to`` is held to the records that list it (R-8, R-10): Do Not Mail on any
    of their customers blocks automated messages, and a category goes only where some
    record has it on. An address no record lists has no recorded setting."""
    rows = tx.session.execute(
        select(
            t.Contact.value,
            t.Customer.do_not_mail,
            t.Contact.notify_job,
            t.Contact.notify_invoice_statement,
            t.Contact.notify_marketing,
        )
        .join(
            t.Customer,
            and_(
                t.Customer.account_id == t.Contact.account_id,
                t.Customer.id == t.Contact.customer_id,
            ),
        )
        .where(t.Contact.account_id == account_id, t.Contact.value.in_(sorted(set(addresses))))
    ).all()
    found: dict[str, tuple[bool, set[str]]] = {}
    for value, dnm, job, invoice, marketing in rows:
        any_dnm, enabled = found.setdefault(value, (False, set()))
        enabled.update(
            category
            for category, on in (
                ("job", job),
                ("invoice_statement", invoice),
                ("marketing", marketing),
            )
            if on
        )
        found[value] = (any_dnm or bool(dnm), enabled)
    return {value: _Records(dnm, frozenset(enabled)) for value, (dnm, enabled) in found.items()}


def _check_senders(
    tx: Transaction, account_id: str, requests: list[DecisionRequest], field: str
) -> None:
    """A text leaves from one of the business's own numbers, or not at all (R-13)."""
    senders = {r.sender for r in requests if r.sender and r.channel is Channel.SMS}
    if not senders:
        return
    known = set(
        tx.session.scalars(
            select(t.BusinessNumber.number).where(
                t.BusinessNumber.account_id == account_id,
                t.BusinessNumber.number.in_(sorted(senders)),
            )
        ).all()
    )
    for i, request in enumerate(requests):
        if request.sender and request.channel is Channel.SMS and request.sender not in known:
            where = f"{field}[{i}].from" if len(requests) > 1 else "from"
            raise Invalid(
                f"{where} must be one of the business's own numbers; {request.sender} is not.",
                field=where,
            )


def _is_placeholder(
    kind: str, value: str, extra: tuple[str, ...], *, e164: bool | None = None
) -> bool:
    """is_placeholder, without phonenumbers' digit extraction for a stored E.164 number
    (its ten digits after +1 are exactly what that extraction yields). ``e164`` is
    whether ``value`` is +1 and ten digits, when the caller has already checked."""
    if e164 is None:
        e164 = _E164_NANP.fullmatch(value) is not None
    if not extra and kind in PHONE_KINDS and e164:
        return is_placeholder_digits(value[2:])
    return is_placeholder(kind, value, extra)


def _limited_marketing(request: DecisionRequest, address: str) -> bool:
    """A marketing text to a number in a state that caps them (FL, OK): it needs history."""
    return (
        request.category is Category.MARKETING
        and request.channel is Channel.SMS
        and address.startswith("+")
        and _area_code_facts(address)[1] in _STATE_LIMITED
    )


def _marketing_sent(
    tx: Transaction,
    account_id: str,
    requests: list[DecisionRequest],
    addresses: list[str | None],
    at: datetime | None,
) -> dict[str, tuple[datetime, ...]]:
    """Marketing texts already sent in the last 24 h, for numbers where a state limits them."""
    wanted = sorted(
        {
            a
            for r, a in zip(requests, addresses, strict=True)
            if r.category is Category.MARKETING and a and _limited_marketing(r, a)
        }
    )
    if not wanted:
        return {}
    # Each request is decided at its own ``at``: read back far enough for the earliest.
    moment = at or now()
    earliest = min(
        (r.at or moment for r in requests if r.category is Category.MARKETING), default=moment
    )
    since = earliest - timedelta(hours=24)
    rows = (
        tx.session.connection()
        .execute(
            select(t.Message.to, t.Message.sent_at).where(
                t.Message.account_id == account_id,
                t.Message.to.in_(wanted),
                t.Message.category == "marketing",
                t.Message.channel == "sms",
                t.Message.status == "sent",
                t.Message.sent_at >= since,
            )
        )
        .all()
    )
    sent: dict[str, list[datetime]] = {}
    for to, sent_at in rows:
        if sent_at is not None:
            sent.setdefault(to, []).append(sent_at)
    return {k: tuple(sorted(v)) for k, v in sent.items()}


def decide_many(
    uow: UnitOfWork, principal: Principal, items: list[object], *, field: str = "items"
) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not items:
        raise Invalid(f"{field} must list at least one decision request.", field=field)
    if len(items) > MAX_BATCH:
        raise Invalid(f"{field} may hold at most {MAX_BATCH} requests.", field=field)
    requests = [DecisionRequest.parse(item, f"{field}[{i}]") for i, item in enumerate(items)]
    moment = now()
    with uow.read() as tx:
        row = (
            tx.session.connection()
            .execute(_ACCOUNT_RULES, {"account_id": principal.account_id})
            .first()
        )
        if row is None:
            raise NotFound("No such account.")
        rules = _Rules.of(row[0], row[1], row[2], row[3])
        gathered = _gather(tx, principal.account_id, rules, requests, at=None, field=field)
        held = numbers_under_review(
            tx,
            principal.account_id,
            [a for r, a in zip(requests, gathered.addresses, strict=True) if a and may_hold(r)],
        )
    # Equal facts are one object (_FactsOf), so the batch's distinct (facts, moment)
    # pairs are found by identity, decided together, and each answer is put into
    # words once. gathered.facts keeps every object alive, so no id is reused.
    slots: dict[tuple[int, datetime], int] = {}
    pairs: list[tuple[Facts, datetime]] = []
    order: list[int] = []
    for facts, request in zip(gathered.facts, requests, strict=True):
        at = request.at or moment
        key = (id(facts), at)
        slot = slots.get(key)
        if slot is None:
            slot = slots[key] = len(pairs)
            pairs.append((facts, at))
        order.append(slot)
    views = [decision_view(decision) for decision in decide_each(pairs)]
    answers = [{**views[slot], "warnings": list(views[slot]["warnings"])} for slot in order]
    if held:
        # A number whose text waits for review gets no marketing.
        for i, (request, address) in enumerate(zip(requests, gathered.addresses, strict=True)):
            if address in held and may_hold(request) and answers[i]["outcome"] != "blocked":
                answers[i] = decision_view(HELD)
    return answers


def decide_one(uow: UnitOfWork, principal: Principal, data: object) -> dict[str, Any]:
    request = DecisionRequest.parse(data)
    resolved = _resolve_one_contact(
        partial(_one_contact_rows, uow.engine), principal.account_id, request
    )
    if resolved is None:
        with uow.read() as tx:
            account = get_account(tx, principal.account_id)
            (resolved,) = resolve(tx, account, [request])
    decision = decide(resolved.facts, request.at or now())
    if may_hold(request):
        with uow.read() as tx:
            decision = hold_marketing(tx, principal.account_id, request, resolved.address, decision)
    return decision_view(decision)


# Runs the one statement of the common case: (account_id, contact_id) -> its rows.
ContactRows = Callable[[str, str], Sequence[Any]]


def decide_stored_contact(
    rows_of: ContactRows, principal: Principal, data: object
) -> dict[str, Any] | None:
    """decide_one's answer in its common case, one stored contact, with ``rows_of``
    running the one statement (sqlite_contact_rows on a connection of the caller's);
    None when the request needs decide_one's general path."""
    request = DecisionRequest.parse(data)
    if may_hold(request):
        # Marketing also waits on the review list, which this one statement does not read.
        return None
    resolved = _resolve_one_contact(rows_of, principal.account_id, request)
    if resolved is None:
        return None
    return decision_view(decide(resolved.facts, request.at or now()))


def sqlite_contact_rows(
    connection: sqlite3.Connection, account_id: str, contact_id: str
) -> Sequence[Any]:
    """The common case's one statement on a sqlite3 connection in autocommit mode: it
    runs in SQLite's own implicit read transaction, which ends with the fetch."""
    rows: list[Any] = connection.execute(
        _ONE_CONTACT_AND_ACCOUNT_SQLITE, (account_id, contact_id)
    ).fetchall()
    return rows


def _resolve_one_contact(
    rows_of: ContactRows, account_id: str, request: DecisionRequest
) -> Resolved | None:
    """The common case, one stored contact, in one statement on a bare connection (no
    ORM session, and on PostgreSQL no transaction and a prepared statement: this is
    the API's hottest path). None sends the request down the
    general path instead: no contact named or found (its errors are said there), or a
    marketing text to a Florida or Oklahoma number, which also needs the texts already
    sent to it, or a named sender, which must be checked against the business's numbers."""
    if request.contact_id is None or request.sender is not None:
        return None
    rows = rows_of(account_id, request.contact_id)
    if not rows:
        return None
    contact = _stored_contacts(rows)[request.contact_id]
    if _limited_marketing(request, contact.value):
        return None
    first = rows[0]
    placeholders = first[15]
    if isinstance(placeholders, str):
        placeholders = json.loads(placeholders)
    rules = _Rules.of(bool(first[12]), first[13], first[14], placeholders)
    facts = _FactsOf(rules)(request, contact.value, contact, contact.consent, ())
    return Resolved(request, contact.value, facts, contact.id)


def _one_contact_rows(engine: Engine, account_id: str, contact_id: str) -> Sequence[Any]:
    if engine.dialect.name == "sqlite":
        # The pool's own sqlite3 connection, in its autocommit mode: the SELECT runs
        # in SQLite's implicit read transaction, one snapshot, and nothing is left open.
        pooled = engine.raw_connection()
        try:
            driver = pooled.driver_connection
            assert driver is not None
            return sqlite_contact_rows(driver, account_id, contact_id)
        finally:
            pooled.close()
    with statement_connection(engine) as connection:
        return connection.execute(
            _ONE_CONTACT_AND_ACCOUNT, {"account_id": account_id, "contact_id": contact_id}
        ).all()


def recipients_for(
    uow: UnitOfWork,
    principal: Principal,
    *,
    customer_id: str,
    location_id: str | None,
    category: str,
    channel: str | None = None,
) -> list[dict[str, Any]]:
    """Who hears about a job (R-19): every enabled phone and email on the customer
    and on the job's location, merged by address, each with its decision."""
    if category not in ("job", "invoice_statement", "marketing"):
        raise Invalid("category must be job, invoice_statement or marketing.", field="category")
    if channel not in (None, "sms", "email"):
        raise Invalid("channel must be sms or email.", field="channel")
    moment = now()
    with uow.read() as tx:
        account = get_account(tx, principal.account_id)
        customer = tx.session.get(t.Customer, (account.id, customer_id))
        if customer is None:
            raise NotFound("No customer with this id.", field="customer_id")
        owners: Any = t.Contact.location_id.is_(None)
        if location_id is not None:
            location = tx.session.get(t.Location, (account.id, location_id))
            if location is None or location.customer_id != customer.id:
                raise NotFound("No location with this id for this customer.", field="location_id")
            owners = owners | (t.Contact.location_id == location_id)
        contacts = tx.session.scalars(
            select(t.Contact)
            .where(
                t.Contact.account_id == account.id,
                t.Contact.customer_id == customer.id,
                owners,
                getattr(t.Contact, f"notify_{category}").is_(True),
            )
            .order_by(t.Contact.created_at, t.Contact.id)
        ).all()
        merged: dict[tuple[str, str], list[t.Contact]] = {}
        for contact in contacts:
            contact_channel = (
                "email"
                if contact.kind == "email"
                else "sms"
                if contact.kind in ("mobile", "phone")
                else None
            )
            if contact_channel is None or (channel and contact_channel != channel):
                continue
            merged.setdefault((contact_channel, contact.value), []).append(contact)
        requests = [
            # The job location's record speaks for a merged address: its time zone is
            # where the job is, and so where the customer most likely is.
            DecisionRequest(
                Channel(ch),
                Category(category),
                False,
                min(group, key=lambda c: c.location_id is None).id,
                None,
                None,
                None,
            )
            for (ch, _), group in merged.items()
        ]
        resolved = resolve(tx, account, requests) if requests else []
    recipients = []
    for ((ch, address), group), item in zip(merged.items(), resolved, strict=True):
        decision = decide(item.facts, moment)
        recipients.append(
            {
                "channel": ch,
                "to": address,
                "contact_ids": [c.id for c in group],
                **decision_view(decision),
            }
        )
    return recipients
