"""Consent: inbound texts, email events and the append-only ledger (R-11 … R-17).

Every change is one ledger entry plus the current-state projection, written in
the same transaction under the account's lock, so the hash chain has one head.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, update

from heed.adapters.csvfile import csv_text
from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.addresses import normalize_email, normalize_phone, phone_query
from heed.domain.consent import (
    ALL_NUMBERS,
    AddressState,
    ConsentAction,
    entry_hash,
    help_reply,
    opt_in_reply,
    opt_out_reply,
)
from heed.domain.errors import HeedError, Invalid, NotFound
from heed.domain.keywords import ConsentSource, InboundAction
from heed.domain.revocation import detect_language, interpret
from heed.services.common import Principal, now
from heed.services.ledger_check import Problem, verify_account
from heed.services.review import queue_unsure
from heed.services.views import NO_CONSENT_RECORDED, consent_for, fold_consent

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
    "via",
    "prev_hash",
    "hash",
)


# The tables the consent writes go to in bulk, as Core tables: rows are plain dicts
# and need none of the ORM's per-row bookkeeping.
_EVENTS = cast(Table, t.ConsentEvent.__table__)
_STATES = cast(Table, t.ConsentState.__table__)
_INBOUND = cast(Table, t.InboundMessage.__table__)


@dataclass(frozen=True)
class InboundResult:
    action: str
    reply: str | None
    duplicate: bool = False


@dataclass(frozen=True)
class InboundAccount:
    """What a gateway's webhook needs of the account that owns the number texted."""

    id: str
    twilio_auth_token: str | None


def accounts_by_number(uow: UnitOfWork, numbers: Iterable[str]) -> dict[str, InboundAccount]:
    """The owning account of each of ``numbers`` (keyed as given) that a business uses,
    read in one statement however many numbers are asked."""
    queries = {number: phone_query(number) for number in set(numbers)}
    wanted = sorted({query for query in queries.values() if query})
    if not wanted:
        return {}
    with uow.read() as tx:
        owners = {
            number: InboundAccount(account_id, token)
            for number, account_id, token in tx.session.execute(
                select(t.BusinessNumber.number, t.Account.id, t.Account.twilio_auth_token)
                .join(t.Account, t.Account.id == t.BusinessNumber.account_id)
                .where(t.BusinessNumber.number.in_(wanted))
            )
        }
    return {number: owners[q] for number, q in queries.items() if q in owners}


class Ledger:
    """One account's chain and the current consent of some of its addresses, changed in
    memory inside a write transaction and stored together by :meth:`write`.

    Every change is one ledger entry plus the projection rows it touches (R-17); a
    batch of changes costs one INSERT per table, not a round of statements each. The
    caller holds the account's lock (``tx.lock_account``) from construction to commit.
    """

    def __init__(self, tx: Transaction, account: t.Account, addresses: Iterable[str]) -> None:
        self._tx, self.account = tx, account
        self._rows: dict[str, dict[str, _StateRow]] = {}
        self._entries: list[dict[str, Any]] = []
        self._load(addresses)

    def _load(self, addresses: Iterable[str]) -> None:
        wanted = sorted({a for a in addresses if a not in self._rows})
        if not wanted:
            return
        for address in wanted:
            self._rows[address] = {}
        rows = self._tx.session.execute(
            select(
                t.ConsentState.address,
                t.ConsentState.scope,
                t.ConsentState.channel,
                t.ConsentState.opted_out,
                t.ConsentState.suppression,
                t.ConsentState.last_seq,
                t.ConsentState.updated_at,
            ).where(
                t.ConsentState.account_id == self.account.id,
                t.ConsentState.address.in_(wanted),
            )
        )
        for row in rows:
            self._rows[row.address][row.scope] = _StateRow(
                row.channel, row.opted_out, row.suppression, row.last_seq, row.updated_at, True
            )

    def state(self, address: str) -> AddressState:
        """The address's consent, with the changes appended so far."""
        self._load([address])
        rows = self._rows[address]
        found = fold_consent((address, s, r.opted_out, r.suppression) for s, r in rows.items())
        return found.get(address, NO_CONSENT_RECORDED)

    def append(
        self,
        *,
        address: str,
        channel: str,
        scope: str,
        action: ConsentAction,
        source: str,
        actor: str,
        via: str | None,
        body: str | None = None,
        provider_message_id: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Chain one entry after the account's head and apply it to the projection.

        ``via`` names the credential that delivered the change (R-25): twilio_webhook,
        gateway_key:<id>, user:<id>, api_key:<id>, preference_page, import, ...
        """
        account = self.account
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
            "via": via,
            "at": at or now(),
        }
        digest = entry_hash(account.ledger_head, **fields)
        self._entries.append({**fields, "prev_hash": account.ledger_head, "hash": digest})
        account.ledger_seq, account.ledger_head = fields["seq"], digest
        self._project(address, channel, scope, action, fields["seq"], fields["at"])

    def _project(
        self, address: str, channel: str, scope: str, action: ConsentAction, seq: int, at: datetime
    ) -> None:
        self._load([address])
        rows = self._rows[address]

        def touch(scope: str) -> _StateRow:
            row = rows.get(scope)
            if row is None:
                row = rows[scope] = _StateRow(channel, False, "none", seq, at, stored=False)
            row.last_seq, row.updated_at, row.changed = seq, at, True
            return row

        if action is ConsentAction.OPT_OUT:
            touch(scope).opted_out = True
        elif action is ConsentAction.OPT_IN:
            # START lifts the opt-out it answers and any account-wide one: the customer
            # has just asked, in their own words, to hear from this business again.
            lifted = set(rows) if scope == ALL_NUMBERS else {ALL_NUMBERS} & set(rows)
            for each in lifted | {scope}:
                touch(each).opted_out = False
        elif action is ConsentAction.SUPPRESS:
            row = touch(ALL_NUMBERS)
            if row.suppression != "all":
                row.suppression = "automated"
        elif action is ConsentAction.SUPPRESS_ALL:
            touch(ALL_NUMBERS).suppression = "all"
        elif action is ConsentAction.UNSUPPRESS:
            touch(ALL_NUMBERS).suppression = "none"

    def write(self) -> None:
        """Store the entries appended so far and the projection rows they changed."""
        session = self._tx.session
        if self._entries:
            session.execute(insert(_EVENTS), self._entries)
            self._entries = []
        added: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for address, rows in self._rows.items():
            for scope, row in rows.items():
                if not row.changed:
                    continue
                values = {
                    "account_id": self.account.id,
                    "address": address,
                    "scope": scope,
                    "opted_out": row.opted_out,
                    "suppression": row.suppression,
                    "last_seq": row.last_seq,
                    "updated_at": row.updated_at,
                }
                if row.stored:
                    changed.append(values)
                else:
                    added.append({**values, "channel": row.channel})
                row.stored, row.changed = True, False
        if added:
            session.execute(insert(_STATES), added)
        if changed:
            session.execute(update(t.ConsentState), changed)


@dataclass
class _StateRow:
    """One consent_state row as the transaction sees it."""

    channel: str
    opted_out: bool
    suppression: str
    last_seq: int
    updated_at: datetime
    stored: bool
    changed: bool = False


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
    via: str | None,
    body: str | None = None,
    provider_message_id: str | None = None,
    at: datetime | None = None,
) -> None:
    """Add one entry to the account's chain and update the projection, at once.

    The caller holds the account's lock (``tx.lock_account``).
    """
    ledger = Ledger(tx, account, [address])
    ledger.append(
        address=address,
        channel=channel,
        scope=scope,
        action=action,
        source=source,
        actor=actor,
        via=via,
        body=body,
        provider_message_id=provider_message_id,
        at=at,
    )
    ledger.write()


def _sms_scope(account: t.Account, to_number: str) -> str:
    return ALL_NUMBERS if account.sms_opt_out_scope == "account" else to_number


@dataclass(frozen=True)
class InboundText:
    """One text a customer sent to a business number, as the gateway delivered it.

    ``provider_opt_out_type`` is the gateway's own verdict (Twilio's OptOutType:
    STOP, START, HELP); ``via`` names the credential that delivered the text
    (``twilio_webhook`` or ``gateway_key:<id>``, R-25) and goes into its ledger
    entries; callers outside a request (the demo, the benchmarks) may leave it unnamed.
    """

    account_id: str
    from_number: str
    to_number: str
    body: str
    message_id: str
    provider_opt_out_type: str | None = None
    via: str | None = None


def record_inbound_sms(
    uow: UnitOfWork,
    account_id: str,
    *,
    from_number: str,
    to_number: str,
    body: str,
    message_id: str,
    provider_opt_out_type: str | None = None,
    via: str | None = None,
) -> InboundResult:
    """Read an inbound text and act on it once, however often it is delivered.

    When the gateway already answered a keyword (``provider_opt_out_type``), heed
    records it too but sends no second confirmation (R-16, R-16a). One text is a
    batch of one: see :func:`record_inbound_batch`.
    """
    text = InboundText(
        account_id, from_number, to_number, body, message_id, provider_opt_out_type, via
    )
    [result] = record_inbound_batch(uow, [text])
    if isinstance(result, HeedError):
        raise result
    return result


def record_inbound_batch(
    uow: UnitOfWork, texts: Sequence[InboundText]
) -> list[InboundResult | HeedError]:
    """Record inbound texts in one transaction; each text's result or refusal, in order.

    The texts are applied one after another, as if they had arrived one by one in
    this order: of two STOPs from one number, the first opts it out and is
    confirmed, the second changes nothing and says nothing; a message id already
    stored, or seen earlier in the batch, records nothing twice (R-17) and is
    answered with the reply its first delivery got: a gateway retries a text
    whose answer it did not see, and the customer's confirmation is in that
    answer (R-16). A text heed refuses (an invalid number, an unknown account or
    business number) is answered with its error and leaves the others alone. Each account's lock is
    taken once, in id order, and its ledger entries are chained in text order.
    """
    results: list[InboundResult | HeedError | None] = [None] * len(texts)
    by_account: dict[str, list[_Inbound]] = {}
    # A batch names a few business numbers many times: each is parsed once.
    business_numbers: dict[str, str] = {}
    for i, text in enumerate(texts):
        if not text.message_id or not isinstance(text.message_id, str):
            results[i] = Invalid("message_id is required.", field="message_id")
            continue
        try:
            sender = normalize_phone(text.from_number, field="from")
            to = business_numbers.get(text.to_number) or normalize_phone(text.to_number, field="to")
        except HeedError as refused:
            results[i] = refused
            continue
        business_numbers[text.to_number] = to
        by_account.setdefault(text.account_id, []).append(_Inbound(i, text, sender, to))
    if by_account:
        with uow.write() as tx:
            accounts = tx.lock_accounts(by_account)
            for account_id, items in sorted(by_account.items()):
                account = accounts.get(account_id)
                if account is None:
                    for item in items:
                        results[item.index] = NotFound("No such account.")
                else:
                    _record_inbound(tx, account, items, results)
            tx.commit()
    return [r for r in results if r is not None]


@dataclass(frozen=True)
class _Inbound:
    index: int
    text: InboundText
    sender: str
    to: str


def _record_inbound(
    tx: Transaction,
    account: t.Account,
    items: list[_Inbound],
    results: list[InboundResult | HeedError | None],
) -> None:
    session = tx.session
    # What each message id was answered the first time: a gateway retries a text
    # whose answer it did not see, so the retry gets that answer again.
    seen: dict[str, InboundResult] = {
        sid: InboundResult(action, reply, duplicate=True)
        for sid, action, reply in session.execute(
            select(
                t.InboundMessage.provider_message_id,
                t.InboundMessage.action,
                t.InboundMessage.reply,
            ).where(
                t.InboundMessage.account_id == account.id,
                t.InboundMessage.provider_message_id.in_({i.text.message_id for i in items}),
            )
        )
    }
    numbers = set(
        session.scalars(
            select(t.BusinessNumber.number).where(
                t.BusinessNumber.account_id == account.id,
                t.BusinessNumber.number.in_({i.to for i in items}),
            )
        )
    )
    ledger = Ledger(tx, account, {i.sender for i in items})
    inbound: list[dict[str, Any]] = []
    for item in items:
        message_id = item.text.message_id
        if message_id in seen:
            # A redelivery changes nothing; its answer is the first one, word for word.
            results[item.index] = seen[message_id]
        elif item.to not in numbers:
            results[item.index] = NotFound("This business does not use that number.", field="to")
        else:
            result = _act_on_text(ledger, item)
            seen[message_id] = InboundResult(result.action, result.reply, duplicate=True)
            results[item.index] = result
            inbound.append(
                {
                    "account_id": account.id,
                    "provider_message_id": message_id,
                    "from_number": item.sender,
                    "to_number": item.to,
                    "body": item.text.body,
                    "action": result.action,
                    "reply": result.reply,
                    "at": now(),
                }
            )
    ledger.write()
    if inbound:
        session.execute(insert(_INBOUND), inbound)
        # A text heed cannot read with confidence waits for a person.
        queue_unsure(tx, inbound)


def _act_on_text(ledger: Ledger, item: _Inbound) -> InboundResult:
    """What one text means given the sender's consent so far, appended to ``ledger``."""
    account, text, sender, to = ledger.account, item.text, item.sender, item.to
    scope = _sms_scope(account, to)
    current = ledger.state(sender)
    opted_out = current.sms_opted_out_for(to)
    reading = interpret(text.body, opted_out=opted_out)
    action = reading.action
    source = str(reading.source) if reading.source else None
    provider = (text.provider_opt_out_type or "").strip().upper()
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
        ledger.append(
            address=sender,
            channel="sms",
            scope=scope,
            action=change,
            source=source or "keyword",
            actor=f"customer:{sender}",
            via=text.via,
            body=text.body,
            provider_message_id=text.message_id,
        )

    if action is InboundAction.OPT_OUT:
        if not opted_out:
            record(ConsentAction.OPT_OUT, scope)
            reply = opt_out_reply(account.name, detect_language(text.body))
    elif action is InboundAction.OPT_IN:
        # Recorded even when nothing was opted out: it is the customer's express consent.
        # An account-wide opt-out can only be lifted whole, and the entry says so,
        # so the ledger's fold agrees with the projection.
        if ALL_NUMBERS in current.opted_out_scopes:
            scope = ALL_NUMBERS
        record(ConsentAction.OPT_IN, scope)
        reply = opt_in_reply(account.name, detect_language(text.body))
    elif action is InboundAction.HELP:
        reply = help_reply(account.name, account.help_text)
    if provider in ("STOP", "START", "HELP"):
        reply = None
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
            # The provider's answer to heed's own send, over heed's transport credentials.
            via="provider_send",
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
    via = "import" if source == "import" else principal.via
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
                via=via,
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
                via=via,
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
    via: str | None = None,
) -> bool:
    """One-click unsubscribe, hard bounce or complaint (R-14). Answers whether it changed state.

    ``via`` names the credential that reported it (``unsubscribe_link``, or the email
    provider's ``gateway_key:<id>``, R-25).
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
            actor=f"customer:{address}" if event == "unsubscribe" else "provider",
            via=via,
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
        "via": event.via,
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
    yield csv_text(EVENT_FIELDS, ([event.get(f) for f in EVENT_FIELDS] for event in events))


def verify_ledger(uow: UnitOfWork, account_id: str) -> Problem | None:
    """The first thing that does not hold in the account's ledger: a broken link, a
    head that is not the last entry, or current consent that is not the ledger's fold
    (:func:`heed.services.ledger_check.verify_account` reports them all)."""
    report = verify_account(uow, account_id)
    return report.problems[0] if report.problems else None
