"""Consent: inbound texts, email events and the append-only ledger (R-11 … R-17).

Every change is one ledger entry plus the current-state projection, written in
the same transaction under the account's lock, so the hash chain has one head.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.addresses import normalize_email, normalize_phone, phone_query
from heed.domain.consent import (
    ALL_NUMBERS,
    BrokenLink,
    ConsentAction,
    LedgerEntry,
    entry_hash,
    help_reply,
    opt_in_reply,
    opt_out_reply,
    verify_chain,
)
from heed.domain.errors import Invalid, NotFound
from heed.domain.keywords import ConsentSource, InboundAction, interpret
from heed.services.common import Principal, now
from heed.services.views import consent_for

EVENT_FIELDS = (
    "seq",
    "at",
    "address",
    "channel",
    "scope",
    "action",
    "source",
    "body",
    "provider_message_id",
    "actor",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class InboundResult:
    action: str
    reply: str | None
    duplicate: bool = False


def find_account_by_number(uow: UnitOfWork, number: str) -> t.Account:
    to = phone_query(number)
    with uow.read() as tx:
        owner = (
            tx.session.scalars(
                select(t.BusinessNumber.account_id).where(t.BusinessNumber.number == to)
            ).one_or_none()
            if to
            else None
        )
        if owner is None:
            raise NotFound("No business uses this number.", field="To")
        account = tx.session.get(t.Account, owner)
        assert account is not None
        return account


def append(
    tx: Transaction,
    account: t.Account,
    *,
    address: str,
    channel: str,
    scope: str,
    action: ConsentAction,
    source: str,
    actor: str,
    body: str | None = None,
    provider_message_id: str | None = None,
    at: datetime | None = None,
) -> t.ConsentEvent:
    """Add one entry to the account's chain and update the projection.

    The caller holds the account's lock (``tx.lock_account``).
    """
    fields: dict[str, Any] = {
        "account_id": account.id,
        "seq": account.ledger_seq + 1,
        "address": address,
        "channel": channel,
        "scope": scope,
        "action": str(action),
        "source": source,
        "body": body,
        "provider_message_id": provider_message_id,
        "actor": actor,
        "at": at or now(),
    }
    digest = entry_hash(account.ledger_head, **fields)
    event = t.ConsentEvent(**fields, prev_hash=account.ledger_head, hash=digest)
    tx.session.add(event)
    account.ledger_seq, account.ledger_head = event.seq, digest
    _project(tx, account.id, event)
    return event


def _project(tx: Transaction, account_id: str, event: t.ConsentEvent) -> None:
    def state(scope: str) -> t.ConsentState:
        row = tx.session.get(t.ConsentState, (account_id, event.address, scope))
        if row is None:
            row = t.ConsentState(
                account_id=account_id,
                address=event.address,
                scope=scope,
                channel=event.channel,
                opted_out=False,
                suppression="none",
                last_seq=event.seq,
                updated_at=event.at,
            )
            tx.session.add(row)
        row.last_seq, row.updated_at = event.seq, event.at
        return row

    action = ConsentAction(event.action)
    if action is ConsentAction.OPT_OUT:
        state(event.scope).opted_out = True
    elif action is ConsentAction.OPT_IN:
        # START lifts the opt-out it answers and any account-wide one: the customer
        # has just asked, in their own words, to hear from this business again.
        scopes = {event.scope, ALL_NUMBERS}
        if event.scope == ALL_NUMBERS:
            scopes |= set(
                tx.session.scalars(
                    select(t.ConsentState.scope).where(
                        t.ConsentState.account_id == account_id,
                        t.ConsentState.address == event.address,
                    )
                ).all()
            )
        for scope in scopes:
            existing = tx.session.get(t.ConsentState, (account_id, event.address, scope))
            if existing is not None or scope == event.scope:
                state(scope).opted_out = False
    elif action is ConsentAction.SUPPRESS:
        row = state(ALL_NUMBERS)
        if row.suppression != "all":
            row.suppression = "automated"
    elif action is ConsentAction.SUPPRESS_ALL:
        state(ALL_NUMBERS).suppression = "all"
    elif action is ConsentAction.UNSUPPRESS:
        state(ALL_NUMBERS).suppression = "none"


def _sms_scope(account: t.Account, to_number: str) -> str:
    return ALL_NUMBERS if account.sms_opt_out_scope == "account" else to_number


def record_inbound_sms(
    uow: UnitOfWork,
    account_id: str,
    *,
    from_number: str,
    to_number: str,
    body: str,
    message_id: str,
    provider_opt_out_type: str | None = None,
    via: str = "provider",
) -> InboundResult:
    """Read an inbound text and act on it once, however often it is delivered.

    ``provider_opt_out_type`` is the gateway's own verdict (Twilio's OptOutType:
    STOP, START, HELP): heed records it too, but the gateway has already replied,
    so heed sends no second confirmation (R-16, R-16a). ``via`` names who
    delivered the text (the Twilio webhook, or the API key of another gateway)
    and is kept in the ledger entry's actor, so a forged START can be traced.
    """
    if not message_id or not isinstance(message_id, str):
        raise Invalid("message_id is required.", field="message_id")
    sender = normalize_phone(from_number, field="from")
    to = normalize_phone(to_number, field="to")
    with uow.write() as tx:
        account = tx.lock_account(account_id)
        if account is None:
            raise NotFound("No such account.")
        seen = tx.session.get(t.InboundMessage, (account.id, message_id))
        if seen is not None:
            # A redelivery changes nothing and says nothing: the reply went out once.
            return InboundResult(seen.action, None, duplicate=True)
        number_ok = tx.session.get(t.BusinessNumber, (account.id, to))
        if number_ok is None:
            raise NotFound("This business does not use that number.", field="to")
        scope = _sms_scope(account, to)
        current = consent_for(tx, account.id, [sender]).get(sender)
        opted_out = current is not None and current.sms_opted_out_for(to)
        reading = interpret(body, opted_out=opted_out)
        action = reading.action
        source = str(reading.source) if reading.source else None
        provider = (provider_opt_out_type or "").strip().upper()
        if provider in ("STOP", "START", "HELP") and action is InboundAction.NONE:
            # The carrier's list counts as the truth: heed and it never disagree (R-16a).
            action = {
                "STOP": InboundAction.OPT_OUT,
                "START": InboundAction.OPT_IN,
                "HELP": InboundAction.HELP,
            }[provider]
            source = str(ConsentSource.PROVIDER)
        reply: str | None = None

        def record(change: ConsentAction, scope: str) -> None:
            append(
                tx,
                account,
                address=sender,
                channel="sms",
                scope=scope,
                action=change,
                source=source or "keyword",
                actor=f"customer:{sender} via {via}",
                body=body,
                provider_message_id=message_id,
            )

        if action is InboundAction.OPT_OUT:
            if not opted_out:
                record(ConsentAction.OPT_OUT, scope)
                reply = opt_out_reply(account.name)
        elif action is InboundAction.OPT_IN:
            # Recorded even when nothing was opted out: it is the customer's express consent.
            # An account-wide opt-out can only be lifted whole, and the entry says so,
            # so the ledger's fold agrees with the projection.
            if current is not None and ALL_NUMBERS in current.opted_out_scopes:
                scope = ALL_NUMBERS
            record(ConsentAction.OPT_IN, scope)
            reply = opt_in_reply(account.name)
        elif action is InboundAction.HELP:
            reply = help_reply(account.name, account.help_text)
        if provider in ("STOP", "START", "HELP"):
            reply = None
        tx.session.add(
            t.InboundMessage(
                account_id=account.id,
                provider_message_id=message_id,
                from_number=sender,
                to_number=to,
                body=body,
                action=str(action),
                reply=reply,
                at=now(),
            )
        )
        tx.commit()
    return InboundResult(str(action), reply)


def record_provider_opt_out(
    uow: UnitOfWork, account_id: str, *, address: str, from_number: str | None, detail: str
) -> None:
    """The provider refused a send because the number opted out with it (R-16a)."""
    with uow.write() as tx:
        account = tx.lock_account(account_id)
        assert account is not None
        scope = _sms_scope(account, from_number) if from_number else ALL_NUMBERS
        current = consent_for(tx, account.id, [address]).get(address)
        if current is not None and current.sms_opted_out_for(from_number):
            return
        append(
            tx,
            account,
            address=address,
            channel="sms",
            scope=scope,
            action=ConsentAction.OPT_OUT,
            source=str(ConsentSource.PROVIDER),
            actor="provider",
            body=detail,
        )
        tx.commit()


def record_opt_out_for_customer(
    uow: UnitOfWork,
    principal: Principal,
    address: str,
    *,
    source: str = "staff",
    note: str | None = None,
) -> bool:
    """Staff or an import record that a customer asked, by other means, to stop.

    This path only ever opts out: lifting an SMS opt-out is the customer's alone
    (R-12), and lifting an email suppression is not offered to staff either.
    Answers whether anything changed.
    """
    if source not in ("staff", "import"):
        raise Invalid("source must be staff or import.", field="source")
    value, channel = parse_address(address)
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        current = consent_for(tx, account.id, [value])[value]
        if channel == "sms":
            if ALL_NUMBERS in current.opted_out_scopes:
                return False
            append(
                tx,
                account,
                address=value,
                channel="sms",
                scope=ALL_NUMBERS,
                action=ConsentAction.OPT_OUT,
                source=source,
                actor=principal.actor,
                body=note,
            )
        else:
            if current.suppression != "none":
                return False
            append(
                tx,
                account,
                address=value,
                channel="email",
                scope=ALL_NUMBERS,
                action=ConsentAction.SUPPRESS,
                source=source,
                actor=principal.actor,
                body=note,
            )
        tx.commit()
    return True


EMAIL_EVENTS = {
    "unsubscribe": (ConsentAction.SUPPRESS, ConsentSource.EMAIL_LINK),
    "bounce": (ConsentAction.SUPPRESS_ALL, ConsentSource.BOUNCE),
    "complaint": (ConsentAction.SUPPRESS_ALL, ConsentSource.COMPLAINT),
}


def record_email_event(
    uow: UnitOfWork,
    account_id: str,
    *,
    email: str,
    event: str,
    provider_message_id: str | None = None,
    detail: str | None = None,
    via: str = "unsubscribe link",
) -> bool:
    """One-click unsubscribe, hard bounce or complaint (R-14). Answers whether it changed state.

    ``via`` names who reported it (the signed link, or a provider's API key).
    """
    if event not in EMAIL_EVENTS:
        raise Invalid("event must be unsubscribe, bounce or complaint.", field="event")
    address = normalize_email(email, field="email")
    action, source = EMAIL_EVENTS[event]
    with uow.write() as tx:
        account = tx.lock_account(account_id)
        if account is None:
            raise NotFound("No such account.")
        if (
            provider_message_id
            and tx.session.scalars(
                select(t.ConsentEvent.seq).where(
                    t.ConsentEvent.account_id == account.id,
                    t.ConsentEvent.provider_message_id == provider_message_id,
                )
            ).first()
            is not None
        ):
            return False
        current = consent_for(tx, account.id, [address])[address]
        if current.suppression == "all" or (
            current.suppression == "automated" and action is ConsentAction.SUPPRESS
        ):
            return False
        append(
            tx,
            account,
            address=address,
            channel="email",
            scope=ALL_NUMBERS,
            action=action,
            source=str(source),
            actor=f"customer:{address} via {via}" if event == "unsubscribe" else f"{via}",
            body=detail,
            provider_message_id=provider_message_id,
        )
        tx.commit()
    return True


def parse_address(text: str) -> tuple[str, str]:
    """An address from a URL or form: an email or a phone in any format."""
    if "@" in text:
        return normalize_email(text, field="address"), "email"
    return normalize_phone(text, field="address"), "sms"


def _event_view(event: t.ConsentEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "address": event.address,
        "channel": event.channel,
        "scope": event.scope,
        "action": event.action,
        "source": event.source,
        "body": event.body,
        "provider_message_id": event.provider_message_id,
        "actor": event.actor,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def address_consent(uow: UnitOfWork, principal: Principal, address: str) -> dict[str, Any]:
    value, channel = parse_address(address)
    with uow.read() as tx:
        state = consent_for(tx, principal.account_id, [value])[value]
        events = tx.session.scalars(
            select(t.ConsentEvent)
            .where(
                t.ConsentEvent.account_id == principal.account_id, t.ConsentEvent.address == value
            )
            .order_by(t.ConsentEvent.seq)
        ).all()
    return {
        "address": value,
        "channel": channel,
        "opted_out": channel == "sms" and state.sms_opted_out,
        "suppressed": channel == "email" and state.suppression != "none",
        "suppression": state.suppression,
        "scopes": sorted(state.opted_out_scopes),
        "events": [_event_view(e) for e in events],
    }


def ledger_events(
    uow: UnitOfWork, principal: Principal, since: datetime | None = None
) -> list[dict[str, Any]]:
    query = (
        select(t.ConsentEvent)
        .where(t.ConsentEvent.account_id == principal.account_id)
        .order_by(t.ConsentEvent.seq)
    )
    if since is not None:
        query = query.where(t.ConsentEvent.at >= since)
    with uow.read() as tx:
        return [_event_view(e) for e in tx.session.scalars(query).all()]


def events_csv(events: list[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EVENT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for event in events:
        writer.writerow(event)
    yield buffer.getvalue()


def verify_ledger(uow: UnitOfWork, account_id: str) -> BrokenLink | None:
    """Walk the account's chain; name the first entry that does not hold."""
    with uow.read() as tx:
        rows = tx.session.scalars(
            select(t.ConsentEvent)
            .where(t.ConsentEvent.account_id == account_id)
            .order_by(t.ConsentEvent.seq)
        ).all()
        entries = [
            LedgerEntry(
                account_id=r.account_id,
                seq=r.seq,
                address=r.address,
                channel=r.channel,
                scope=r.scope,
                action=r.action,
                source=r.source,
                body=r.body,
                provider_message_id=r.provider_message_id,
                actor=r.actor,
                at=r.at,
                prev_hash=r.prev_hash,
                hash=r.hash,
            )
            for r in rows
        ]
    return verify_chain(entries)
