"""The send decision over stored facts (R-18, R-19), for one message or many.

Facts for a whole batch are read in a fixed number of queries; the rules
themselves live in heed.domain.decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain import areacodes
from heed.domain.addresses import is_placeholder, normalize_email, phone_query
from heed.domain.consent import Suppression
from heed.domain.decision import (
    Category,
    Channel,
    Decision,
    Facts,
    SendingWindow,
    decide,
)
from heed.domain.errors import Invalid, NotFound
from heed.services.common import Principal, get_account, now
from heed.services.views import NO_CONSENT_RECORDED, PHONE_KINDS, AddressConsent, consent_for

MAX_BATCH = 1000
_STATE_LIMITED = frozenset({"FL", "OK"})


@dataclass(frozen=True)
class DecisionRequest:
    channel: Channel
    category: Category
    manual: bool
    contact_id: str | None
    to: str | None
    sender: str | None
    at: datetime | None

    @classmethod
    def parse(cls, data: object, field: str = "") -> DecisionRequest:
        p = f"{field}." if field else ""
        if not isinstance(data, dict):
            raise Invalid(f"{field or 'body'} must be an object.", field=field or "body")
        channel = data.get("channel")
        if channel not in ("sms", "email"):
            raise Invalid(f"{p}channel must be sms or email.", field=f"{p}channel")
        category = data.get("category", "job")
        if category not in ("job", "invoice_statement", "marketing"):
            raise Invalid(
                f"{p}category must be job, invoice_statement or marketing.", field=f"{p}category"
            )
        manual = data.get("manual", False)
        if not isinstance(manual, bool):
            raise Invalid(f"{p}manual must be true or false.", field=f"{p}manual")
        contact_id, to = data.get("contact_id"), data.get("to")
        if (contact_id is None) == (to is None):
            raise Invalid(f"{p}contact_id or to is required (exactly one).", field=f"{p}contact_id")
        if contact_id is not None and not isinstance(contact_id, str):
            raise Invalid(f"{p}contact_id must be text.", field=f"{p}contact_id")
        if to is not None and not isinstance(to, str):
            raise Invalid(f"{p}to must be text.", field=f"{p}to")
        sender = data.get("from")
        if sender is not None:
            if not isinstance(sender, str):
                raise Invalid(f"{p}from must be a business number.", field=f"{p}from")
            normalized = phone_query(sender) if channel == "sms" else sender.strip().lower()
            if normalized is None:
                raise Invalid(f"{p}from must be one of the business's numbers.", field=f"{p}from")
            sender = normalized
        at = data.get("at")
        if at is not None:
            at = _parse_time(at, f"{p}at")
        return cls(Channel(channel), Category(category), manual, contact_id, to, sender, at)


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


def resolve(
    tx: Transaction,
    account: t.Account,
    requests: list[DecisionRequest],
    *,
    at: datetime | None = None,
    field: str = "items",
) -> list[Resolved]:
    """Gather the facts for many requests in a fixed number of queries."""
    contact_ids = sorted({r.contact_id for r in requests if r.contact_id})
    contacts: dict[str, t.Contact] = {}
    customers: dict[str, bool] = {}
    zones: dict[str, str | None] = {}
    if contact_ids:
        rows = tx.session.execute(
            select(t.Contact, t.Customer.do_not_mail, t.Location.time_zone)
            .join(
                t.Customer,
                (t.Customer.account_id == t.Contact.account_id)
                & (t.Customer.id == t.Contact.customer_id),
            )
            .outerjoin(
                t.Location,
                (t.Location.account_id == t.Contact.account_id)
                & (t.Location.id == t.Contact.location_id),
            )
            .where(t.Contact.account_id == account.id, t.Contact.id.in_(contact_ids))
        ).all()
        for row, dnm, zone in rows:
            contacts[row.id] = row
            customers[row.id] = dnm
            zones[row.id] = zone
    addresses: list[str | None] = []
    for i, request in enumerate(requests):
        if request.contact_id is not None:
            found = contacts.get(request.contact_id)
            if found is None:
                where = f"{field}[{i}].contact_id" if len(requests) > 1 else "contact_id"
                raise NotFound("No contact with this id.", field=where)
            addresses.append(found.value)
        else:
            addresses.append(_raw_address(request))
    consent = consent_for(tx, account.id, (a for a in addresses if a))
    sent = _marketing_sent(tx, account.id, requests, addresses, at)
    window = SendingWindow(_hhmm(account.window_start), _hhmm(account.window_end))
    resolved: list[Resolved] = []
    for request, address in zip(requests, addresses, strict=True):
        contact = contacts.get(request.contact_id) if request.contact_id else None
        state = consent.get(address, NO_CONSENT_RECORDED) if address else NO_CONSENT_RECORDED
        resolved.append(
            Resolved(
                request,
                address,
                _facts(
                    account,
                    request,
                    address,
                    contact,
                    state,
                    window,
                    customers.get(contact.id, False) if contact else False,
                    zones.get(contact.id) if contact else None,
                    sent.get(address, ()) if address else (),
                ),
                contact.id if contact else None,
            )
        )
    return resolved


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _raw_address(request: DecisionRequest) -> str | None:
    assert request.to is not None
    if request.channel is Channel.SMS:
        return phone_query(request.to)
    try:
        return normalize_email(request.to, field="to")
    except Invalid:
        return None


def _facts(
    account: t.Account,
    request: DecisionRequest,
    address: str | None,
    contact: t.Contact | None,
    state: AddressConsent,
    window: SendingWindow,
    do_not_mail: bool,
    location_zone: str | None,
    marketing_sent: tuple[datetime, ...],
) -> Facts:
    kind = contact.kind if contact else None
    if contact is not None:
        placeholder = contact.placeholder or is_placeholder(
            contact.kind, contact.value, account.placeholders
        )
    elif address is not None:
        placeholder = is_placeholder(
            "mobile" if request.channel is Channel.SMS else "email", address, account.placeholders
        )
    else:
        placeholder = False
    is_phone = address is not None and address.startswith("+")
    preference: bool | None = (
        bool(getattr(contact, f"notify_{request.category}")) if contact else None
    )
    return Facts(
        channel=request.channel,
        category=request.category,
        manual=request.manual,
        address_valid=address is not None
        and (is_phone == (request.channel is Channel.SMS) or (kind in PHONE_KINDS) == is_phone),
        placeholder=placeholder,
        kind=kind,
        sms_opted_out=is_phone and state.sms_opted_out_for(request.sender),
        email_suppression=Suppression(state.suppression) if not is_phone else Suppression.NONE,
        notifications_enabled=account.customer_notifications_enabled,
        do_not_mail=do_not_mail,
        preference_on=preference,
        time_zones=(location_zone,)
        if location_zone
        else (areacodes.zones_for(address) if is_phone and address else ()),
        region=areacodes.region_for(address) if is_phone and address else None,
        window=window,
        marketing_sent=marketing_sent,
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
            if a
            and r.category is Category.MARKETING
            and r.channel is Channel.SMS
            and a.startswith("+")
            and areacodes.region_for(a) in _STATE_LIMITED
        }
    )
    if not wanted:
        return {}
    since = (at or now()) - timedelta(hours=24)
    rows = tx.session.execute(
        select(t.Message.to, t.Message.sent_at).where(
            t.Message.account_id == account_id,
            t.Message.to.in_(wanted),
            t.Message.category == "marketing",
            t.Message.channel == "sms",
            t.Message.status == "sent",
            t.Message.sent_at >= since,
        )
    ).all()
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
        account = get_account(tx, principal.account_id)
        resolved = resolve(tx, account, requests, field=field)
    return [decision_view(decide(r.facts, r.request.at or moment)) for r in resolved]


def decide_one(uow: UnitOfWork, principal: Principal, data: object) -> dict[str, Any]:
    request = DecisionRequest.parse(data)
    with uow.read() as tx:
        account = get_account(tx, principal.account_id)
        (resolved,) = resolve(tx, account, [request])
    return decision_view(decide(resolved.facts, request.at or now()))


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
            DecisionRequest(Channel(ch), Category(category), False, group[0].id, None, None, None)
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
