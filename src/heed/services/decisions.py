"""The send decision over stored facts (R-18, R-19), for one message or many.

A decision walks: the route builds a ``DecisionRequest`` → one verb here →
the reader (heed.adapters.db.decision_facts) → ``FactsOf`` →
heed.domain.decision's precedence → ``decision_view``. No SQL here; a batch's facts
are read in a fixed number of statements.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, NamedTuple, TypeVar

from heed.adapters.db import decision_facts as read
from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.addresses import is_placeholder, normalize_email, normalize_phone, phone_query
from heed.domain.consent import AddressState
from heed.domain.decision import Category, Channel, Decider, Decision, Facts, decide
from heed.domain.errors import Invalid, NotFound
from heed.domain.recipient_facts import (
    NOTHING_RECORDED,
    AccountRules,
    FactsOf,
    StoredContact,
    address_of,
    needs_marketing_history,
    region_of,
)
from heed.domain.sending_rules import sending_rules
from heed.services.common import Principal, now
from heed.services.permissions import requires
from heed.services.views import NO_CONSENT_RECORDED, consent_for, fold_consent

MAX_BATCH = 1000
V = TypeVar("V")


class DecisionRequest(NamedTuple):
    """One request, checked: the command every decision verb takes. A named tuple rather
    than a frozen dataclass: a batch builds a thousand of them, and a frozen dataclass
    costs four times as much to build (1.35 us against 0.56 us here)."""

    channel: Channel
    category: Category
    manual: bool
    contact_id: str | None
    to: str | None
    sender: str | None
    at: datetime | None

    @classmethod
    def of(
        cls,
        channel: Channel,
        category: Category = Category.JOB,
        *,
        manual: bool = False,
        contact_id: str | None = None,
        to: str | None = None,
        sender: str | None = None,
        at: datetime | None = None,
        field: str = "",
    ) -> DecisionRequest:
        """The checks that span fields, on values already of their types: exactly one
        recipient, a sender that reads as a number (texts) or an address (email), an
        ``at`` with its offset. ``field`` names the request within a batch (``items[3]``)."""
        if (contact_id is None) == (to is None):
            raise _invalid(field, "contact_id", "or to is required (exactly one).")
        if sender is not None:
            sender = phone_query(sender) if channel is Channel.SMS else sender.strip().lower()
            if sender is None:
                raise _invalid(field, "from", "must be one of the business's numbers.")
        if at is not None and at.tzinfo is None:
            raise _invalid(field, "at", "must carry a time zone offset (e.g. Z).")
        return cls(channel, category, manual, contact_id, to, sender, at)

    @classmethod
    def parse(cls, data: object, field: str = "") -> DecisionRequest:
        """A request from plain data (``{"channel": "sms", "contact_id": ...}``), for
        callers that hold no typed request; the API's requests come through ``of``."""
        if not isinstance(data, dict):
            raise Invalid(f"{field or 'body'} must be an object.", field=field or "body")
        # The common request, text values and no time, checked in line (a batch parses
        # a thousand); anything else takes the checks below, which say what is wrong.
        get = data.get
        channel, category = get("channel"), get("category", "job")
        manual, contact_id = get("manual", False), get("contact_id")
        to, sender = get("to"), get("from")
        if (
            type(channel) is str
            and type(category) is str
            and (manual is False or manual is True)
            and (contact_id is None or type(contact_id) is str)
            and (to is None or type(to) is str)
            and (sender is None or type(sender) is str)
            and get("at") is None
        ):
            known_channel, known_category = _CHANNELS.get(channel), _CATEGORIES.get(category)
            if known_channel is not None and known_category is not None:
                return cls.of(
                    known_channel,
                    known_category,
                    manual=manual,
                    contact_id=contact_id,
                    to=to,
                    sender=sender,
                    field=field,
                )
        return cls.of(
            _one_of(data.get("channel"), _CHANNELS, field, "channel", "must be sms or email."),
            _one_of(
                data.get("category", "job"),
                _CATEGORIES,
                field,
                "category",
                "must be job, invoice_statement or marketing.",
            ),
            manual=_one_of(data.get("manual", False), _BOOLEANS, field, "manual", _TRUE_FALSE),
            contact_id=_text(data.get("contact_id"), field, "contact_id", "must be text."),
            to=_text(data.get("to"), field, "to", "must be text."),
            sender=_text(data.get("from"), field, "from", "must be a business number."),
            at=_time(data.get("at"), f"{field}.at" if field else "at"),
            field=field,
        )


_CHANNELS = {str(c): c for c in Channel}
_CATEGORIES = {str(c): c for c in Category}
_BOOLEANS = {False: False, True: True}
_TRUE_FALSE = "must be true or false."


def _invalid(field: str, name: str, says: str) -> Invalid:
    where = f"{field}.{name}" if field else name
    return Invalid(f"{where} {says}", field=where)


def _one_of(value: object, allowed: dict[Any, V], field: str, name: str, says: str) -> V:
    # bool is an int and 1 == True: only text and the booleans themselves are looked up.
    found = allowed.get(value) if isinstance(value, str | bool) else None
    if found is None:
        raise _invalid(field, name, says)
    return found


def _text(value: object, field: str, name: str, says: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _invalid(field, name, says)
    return value


def _time(value: object, field: str) -> datetime | None:
    if value is None or isinstance(value, datetime):
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
    if parsed is not None and parsed.tzinfo is None:
        raise Invalid(f"{field} must carry a time zone offset (e.g. Z).", field=field)
    return parsed


def decision_view(decision: Decision) -> dict[str, Any]:
    return {
        "outcome": str(decision.outcome),
        "reason": str(decision.reason),
        "message": decision.message,
        "not_before": decision.not_before.isoformat() if decision.not_before else None,
        "warnings": list(decision.warnings),
        "rule": sending_rules().name(decision.rule),
    }


# --- the verbs ---------------------------------------------------------------------------


@requires("customer:view")
def decide_one(uow: UnitOfWork, principal: Principal, request: DecisionRequest) -> dict[str, Any]:
    """May this message go? One stored contact is one statement outside any
    transaction; everything else reads its facts in one transaction."""
    found = _stored_decision(partial(read.one_contact, uow.engine), principal.account_id, request)
    if found is not None:
        return found
    with uow.read() as tx:
        rules = read.account_rules(tx, principal.account_id)
        if rules is None:
            raise NotFound("No such account.")
        (facts,) = _gather(tx, principal.account_id, rules, [request], at=None).facts
    return decision_view(decide(facts, request.at or now()))


# Reads one stored contact with its account's settings: (account_id, contact_id) -> it.
OneContactRead = Callable[[str, str], read.OneContact | None]


def stored_contact_id(request: DecisionRequest) -> str | None:
    """The stored contact whose one read can answer the request, or None: no contact
    named, or a named sender (checked against the business's numbers)."""
    return request.contact_id if request.sender is None else None


@requires("customer:view")
def decide_stored_contact(
    read_one: OneContactRead, principal: Principal, request: DecisionRequest
) -> dict[str, Any] | None:
    """decide_one's answer in its common case, one stored contact, with ``read_one``
    running its one statement (read.one_contact_sqlite on a connection of the
    caller's); None when the request needs decide_one's general path."""
    return _stored_decision(read_one, principal.account_id, request)


def _stored_decision(
    read_one: OneContactRead, account_id: str, request: DecisionRequest
) -> dict[str, Any] | None:
    """The common case, one stored contact, in one statement. None sends the request
    down the general path: no contact named or found (its errors are said there), a
    named sender (checked against the business's numbers), or a marketing text to a
    jurisdiction that caps them (which also needs the texts already sent)."""
    contact_id = stored_contact_id(request)
    if contact_id is None:
        return None
    found = read_one(account_id, contact_id)
    if found is None:
        return None
    contacts, consent = _with_consent(found.stored)
    contact = contacts[contact_id]
    if needs_marketing_history(request, address_of(contact), region_of(contact)):
        return None
    facts = FactsOf(found.rules).stored(
        request,
        contact,
        consent.get(contact_id, NOTHING_RECORDED),
        under_review=found.under_review,
    )
    return decision_view(decide(facts, request.at or now()))


@requires("customer:view")
def decide_many(
    uow: UnitOfWork,
    principal: Principal,
    requests: Sequence[DecisionRequest],
    *,
    field: str = "items",
) -> list[dict[str, Any]]:
    """Up to MAX_BATCH decisions, answered in order, read in a fixed number of statements."""
    if not requests:
        raise Invalid(f"{field} must list at least one decision request.", field=field)
    if len(requests) > MAX_BATCH:
        raise Invalid(f"{field} may hold at most {MAX_BATCH} requests.", field=field)
    moment = now()
    with uow.statements() as tx:
        rules = read.account_rules(tx, principal.account_id)
        if rules is None:
            raise NotFound("No such account.")
        # The facts come part by part (_facts_in_parts): each part is decided while
        # the database reads the next.
        decided = _Decided(moment, len(requests))
        with closing(
            _facts_in_parts(tx, principal.account_id, rules, requests, at=None, field=field)
        ) as parts:
            for positions, facts in parts:
                decided.add(requests, positions, facts)
    return decided.answers()


class _Decided:
    """A batch's decisions, made part by part. Equal facts are one object (FactsOf),
    so the batch's distinct (facts, moment) pairs are found by identity, decided
    together, and each answer is put into words once. The pairs keep every facts
    object alive, so no id is reused. A request with no ``at`` of its own (most) is
    keyed by its facts alone."""

    __slots__ = ("_decider", "_moment", "_order", "_pairs", "_slots", "_views")

    def __init__(self, moment: datetime, size: int) -> None:
        self._moment = moment
        self._decider = Decider()
        self._slots: dict[int | tuple[int, datetime], int] = {}
        self._pairs: list[tuple[Facts, datetime]] = []
        self._views: list[dict[str, Any]] = []
        self._order = [0] * size  # each request's pair

    def add(
        self, requests: Sequence[DecisionRequest], positions: list[int], facts: list[Facts]
    ) -> None:
        slots, pairs, order, moment = self._slots, self._pairs, self._order, self._moment
        for i, item in zip(positions, facts, strict=True):
            at = requests[i].at
            key = id(item) if at is None else (id(item), at)
            slot = slots.get(key)
            if slot is None:
                slot = slots[key] = len(pairs)
                pairs.append((item, at or moment))
            order[i] = slot
        views = self._views
        views.extend(decision_view(d) for d in self._decider.each(pairs[len(views) :]))

    def answers(self) -> list[dict[str, Any]]:
        """The answers in the requests' order. Each is a dict of its own, with a list
        of its own (0.17 against 0.28 us for unpacking the view into a new dict),
        made once every part is in: two thousand containers made earlier would
        outlive the parts' garbage collections and be carried into the older
        generations, whose collections then cost about 1 ms a batch more."""
        views = self._views
        answers: list[dict[str, Any]] = []
        for slot in self._order:
            view = views[slot]
            answer = view.copy()
            answer["warnings"] = [*view["warnings"]]
            answers.append(answer)
        return answers


# --- facts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """One request with what the database knows about it."""

    request: DecisionRequest
    address: str | None
    facts: Facts
    contact_id: str | None


def resolve(
    tx: Transaction,
    account: t.Account,
    requests: list[DecisionRequest],
    *,
    at: datetime | None = None,
    field: str = "items",
) -> list[Resolved]:
    """The facts of many requests of ``account``, read in a fixed number of statements."""
    rules = AccountRules.of(
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
    rules: AccountRules,
    requests: Sequence[DecisionRequest],
    *,
    at: datetime | None,
    field: str = "items",
) -> _Gathered:
    facts: list[Facts | None] = [None] * len(requests)
    addresses: list[str | None] = [None] * len(requests)
    with closing(
        _facts_in_parts(tx, account_id, rules, requests, at=at, field=field, addresses=addresses)
    ) as parts:
        for positions, built in parts:
            for i, item in zip(positions, built, strict=True):
                facts[i] = item
    assert all(item is not None for item in facts)
    return _Gathered(addresses, facts, [r.contact_id for r in requests])  # type: ignore[arg-type]


Part = tuple[list[int], list[Facts]]
"""Some requests' positions in the batch, and their facts in that order."""


def _facts_in_parts(
    tx: Transaction,
    account_id: str,
    rules: AccountRules,
    requests: Sequence[DecisionRequest],
    *,
    at: datetime | None,
    field: str = "items",
    addresses: list[str | None] | None = None,
) -> Generator[Part]:
    """The requests' facts, a part at a time, every request once: the stored
    contacts' as their rows arrive (read.stored_contacts_in_parts), in the order the
    requests name them, then those that need the batch's other reads (raw addresses,
    and marketing texts: the texts already sent and the review list). An unknown
    contact is named as it is reached, in the requests' order: the first one. The
    caller closes the iterator (``contextlib.closing``) so that a batch left early
    reads nothing more.

    Only a marketing text's facts read the texts already sent and the review list
    (needs_marketing_history, may_be_held): another request's are built without
    them, as the single decision builds them."""
    n = len(requests)
    ids = list(dict.fromkeys(r.contact_id for r in requests if r.contact_id))
    if addresses is None:
        addresses = [None] * n
    found: list[StoredContact | None] = [None] * n
    stored_consent: list[AddressState] = [NOTHING_RECORDED] * n
    later: list[int] = []  # raw addresses and marketing texts
    raw: list[str] = []
    facts_of = FactsOf(rules)
    stored = facts_of.stored
    asked: set[str] = set()
    contacts: dict[str, StoredContact] = {}
    consent_of: dict[str, AddressState] = {}
    i = 0
    with read.stored_contacts_in_parts(tx, account_id, ids) as parts:
        for part in parts:
            asked.update(part.ids)
            contacts.update(part.stored.contacts)
            consent_of.update(fold_consent(part.stored.consent_rows))
            positions: list[int] = []
            built: list[Facts] = []
            while i < n:
                request = requests[i]
                contact_id = request.contact_id
                if contact_id is None:
                    _note_raw(request, i, addresses, raw)
                    later.append(i)
                elif contact_id in asked:
                    contact = contacts.get(contact_id)
                    if contact is None:
                        _contact_of(contacts, request, i, n, field)
                    assert contact is not None
                    found[i] = contact
                    addresses[i] = address_of(contact)
                    recorded = consent_of.get(contact_id, NOTHING_RECORDED)
                    if request.category is Category.MARKETING and request.channel is Channel.SMS:
                        stored_consent[i] = recorded
                        later.append(i)
                    else:
                        positions.append(i)
                        built.append(stored(request, contact, recorded))
                else:
                    break  # in a part still to come
                i += 1
            yield positions, built
    for j in range(i, n):  # every contact was read: what is left names none
        _note_raw(requests[j], j, addresses, raw)
        later.append(j)
    yield (
        later,
        _later_facts(
            tx,
            account_id,
            facts_of,
            requests,
            (later, addresses, found, stored_consent, raw),
            at,
            field,
        ),
    )


def _note_raw(
    request: DecisionRequest, i: int, addresses: list[str | None], raw: list[str]
) -> None:
    address = addresses[i] = _raw_address(request)
    if address:
        raw.append(address)


def _later_facts(
    tx: Transaction,
    account_id: str,
    facts_of: FactsOf,
    requests: Sequence[DecisionRequest],
    read_so_far: tuple[
        list[int], list[str | None], list[StoredContact | None], list[AddressState], list[str]
    ],
    at: datetime | None,
    field: str,
) -> list[Facts]:
    """The facts of the requests at ``later`` (raw addresses, marketing texts), once
    every stored contact is read: they need the batch's other reads."""
    later, addresses, found, stored_consent, raw = read_so_far
    consent = consent_for(tx, account_id, raw) if raw else {}
    records = read.raw_records(tx, account_id, raw) if raw else {}
    consented = read.marketing_consented(tx, account_id, raw) if raw else set()
    _check_senders(tx, account_id, requests, field)
    texts = [
        j
        for j, r in enumerate(requests)
        if r.category is Category.MARKETING and r.channel is Channel.SMS
    ]
    sent = _marketing_sent(tx, account_id, requests, addresses, found, texts, at)
    held = read.under_review(tx, account_id, (a for a in (addresses[j] for j in texts) if a))
    stored = facts_of.stored
    built: list[Facts] = []
    for j in later:
        request, address, contact = requests[j], addresses[j], found[j]
        if contact is not None:
            if sent or held:
                history = sent.get(address_of(contact), ())
                built.append(stored(request, contact, stored_consent[j], history, address in held))
            else:
                built.append(stored(request, contact, stored_consent[j]))
            continue
        history = sent.get(address, ()) if address else ()
        review = address in held
        state = consent.get(address, NO_CONSENT_RECORDED) if address else NO_CONSENT_RECORDED
        record = records.get(address) if address else None
        built.append(
            facts_of.raw(request, address, state, record, history, review, address in consented)
        )
    return built


def _with_consent(
    stored: read.StoredContacts,
) -> tuple[dict[str, StoredContact], dict[str, AddressState]]:
    """The contacts by id, and the folded consent of those whose address has some."""
    return stored.contacts, fold_consent(stored.consent_rows)


def _contact_of(
    contacts: dict[str, StoredContact], request: DecisionRequest, i: int, n: int, field: str
) -> StoredContact | None:
    if request.contact_id is None:
        return None
    contact = contacts.get(request.contact_id)
    if contact is None:
        where = f"{field}[{i}].contact_id" if n > 1 else "contact_id"
        raise NotFound("No contact with this id.", field=where)
    return contact


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


def _check_senders(
    tx: Transaction, account_id: str, requests: Sequence[DecisionRequest], field: str
) -> None:
    """A text leaves from one of the business's own numbers, or not at all (R-13)."""
    senders = {r.sender for r in requests if r.sender and r.channel is Channel.SMS}
    if not senders:
        return
    known = read.business_numbers(tx, account_id, senders)
    for i, request in enumerate(requests):
        if request.sender and request.channel is Channel.SMS and request.sender not in known:
            where = f"{field}[{i}].from" if len(requests) > 1 else "from"
            raise Invalid(
                f"{where} must be one of the business's own numbers; {request.sender} is not.",
                field=where,
            )


def _marketing_sent(
    tx: Transaction,
    account_id: str,
    requests: Sequence[DecisionRequest],
    addresses: list[str | None],
    found: list[StoredContact | None],
    texts: list[int],
    at: datetime | None,
) -> dict[str, tuple[datetime, ...]]:
    """Marketing texts sent within the longest cap's hours, to numbers whose rules cap
    them. ``texts`` are the positions of the marketing texts among ``requests``, the
    only requests that can need them (needs_marketing_history)."""
    wanted = set()
    for i in texts:
        address, contact = addresses[i], found[i]
        if address and needs_marketing_history(
            requests[i], address, region_of(contact) if contact else None
        ):
            wanted.add(address)
    if not wanted:
        return {}
    # Each request is decided at its own ``at``: read back far enough for the earliest.
    moment = at or now()
    earliest = min(
        (r.at or moment for r in requests if r.category is Category.MARKETING), default=moment
    )
    return read.marketing_sent(tx, account_id, wanted, earliest - sending_rules().longest_cap)
