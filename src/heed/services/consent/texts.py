"""Inbound texts: STOP, START, HELP and plain requests to stop, recorded once each
however often a gateway delivers them (R-11 … R-13, R-15, R-16, R-16a, R-17)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from heed.adapters.db import accounts as stored_accounts
from heed.adapters.db import inbound as stored
from heed.adapters.db import ledger as stored_ledger
from heed.adapters.db import tables as t
from heed.adapters.db.engine import statement_connection
from heed.adapters.db.many import sent_together
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.addresses import normalize_phone, phone_query
from heed.domain.consent import ALL_NUMBERS, ConsentAction, ScopeConsent, stripe_of
from heed.domain.errors import HeedError, Invalid, NotFound
from heed.domain.keywords import ConsentSource, InboundAction, match_keyword
from heed.domain.replies import ReplyKind, reply, reply_language, with_help_text
from heed.domain.revocation import Reading, interpret, read
from heed.services.common import now
from heed.services.consent.ledger import Ledger, append, current_consent, sms_scope
from heed.services.consent.marketing import confirm_by_yes
from heed.services.review import queue_unsure, settle_by_stop


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
    wanted = {query for query in queries.values() if query}
    if not wanted:
        return {}
    # One SELECT needs no transaction of its own (no BEGIN, no ROLLBACK).
    with statement_connection(uow.engine) as connection:
        owners = stored.owners_of(connection, wanted)
    return {
        number: InboundAccount(owners[q].account_id, owners[q].twilio_auth_token)
        for number, q in queries.items()
        if q in owners
    }


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


def record_inbound(uow: UnitOfWork, text: InboundText) -> InboundResult:
    """Read an inbound text and act on it once, however often it is delivered.

    When the gateway already answered a keyword (``provider_opt_out_type``), heed
    records it too but sends no second confirmation (R-16, R-16a). One text is a
    batch of one: see :func:`record_inbound_batch`.
    """
    [result] = record_inbound_batch(uow, [text])
    if isinstance(result, HeedError):
        raise result
    return result


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
    """:func:`record_inbound` with the text's fields given one by one."""
    text = InboundText(
        account_id, from_number, to_number, body, message_id, provider_opt_out_type, via
    )
    return record_inbound(uow, text)


@dataclass(frozen=True)
class _Inbound:
    index: int
    text: InboundText
    sender: str
    to: str


Results = list[InboundResult | HeedError | None]


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
    business number) is answered with its error and leaves the others alone.

    Only the ledger stripes of the senders are locked, all at once and in order:
    STOPs from numbers on other stripes of the same business are recorded meanwhile
    by other transactions and processes. A sender's texts are chained in text order;
    a redelivery waits on its sender's stripe and then finds the first delivery.

    A stripe is locked for as short a time as its writes allow, as a second process
    waits for it: the texts are read (R-29) before, and the accounts' settings just
    before the lock; on PostgreSQL the settings, the lock, the message ids already
    answered and the senders' current consent go in one round trip (after the
    transaction's BEGIN, which the driver sends and waits for on its own), and the
    writes with the commit in another.
    """
    results: Results = [None] * len(texts)
    by_account = _parsed(texts, results)
    if not by_account:
        return [r for r in results if r is not None]
    readings = {
        body: read(body)
        for body in {i.text.body for items in by_account.values() for i in items}
        if match_keyword(body) is None
    }
    ordered = sorted(by_account.items())
    with uow.write() as tx:
        # The accounts' settings, the lock and what is read under it: one round trip
        # on PostgreSQL. An account that is not there has no stripes, and so nothing
        # to lock or read.
        settings, *facts = tx.lock_stripes(
            ((account_id, stripe_of(i.sender)) for account_id, items in ordered for i in items),
            before=[stored_accounts.settings_read(by_account)],
            then=[
                query
                for account_id, items in ordered
                for query in (
                    stored.answers_and_numbers_read(
                        account_id, (i.text.message_id for i in items), (i.to for i in items)
                    ),
                    stored_ledger.scope_rows_read(account_id, {i.sender for i in items}),
                )
            ],
        )
        accounts = stored_accounts.settings_of(tx.engine.dialect, settings)
        batches: list[_Batch] = []
        for n, (account_id, items) in enumerate(ordered):
            if account_id not in accounts:
                for item in items:
                    results[item.index] = NotFound("No such account.")
                continue
            batch = _Batch(tx, accounts[account_id], readings)
            answers, scope_rows = facts[2 * n], stored_ledger.scope_rows_of(facts[2 * n + 1])
            batch.act(items, answers, scope_rows, results)
            batches.append(batch)
        # The batch's writes and its commit, on PostgreSQL in one round trip: the
        # commit runs only if every write did, and an error of any rolls all back.
        with sent_together(tx.session):
            for batch in batches:
                batch.write()
            tx.commit()
    return [r for r in results if r is not None]


def _parsed(texts: Sequence[InboundText], results: Results) -> dict[str, list[_Inbound]]:
    """The texts whose numbers read, by account; the others' refusals go to ``results``."""
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
    return by_account


class _Batch:
    """One account's texts of a batch: acted on in memory, then written."""

    def __init__(self, tx: Transaction, account: t.Account, readings: dict[str, Reading]):
        self.tx, self.account, self.readings = tx, account, readings
        self._ledger: Ledger | None = None
        self._inbound: list[stored.InboundRecord] = []

    def act(
        self,
        items: list[_Inbound],
        answers: Sequence[Any],
        scope_rows: dict[str, dict[str, ScopeConsent]],
        results: Results,
    ) -> None:
        """Act on each text, given the message ids already answered and the senders'
        stored consent, read after their stripes were locked; queue the unsure ones
        for review (R-29)."""
        account, tx = self.account, self.tx
        # What each message id was answered the first time: a gateway retries a text
        # whose answer it did not see, so the retry gets that answer again.
        answered, numbers = stored.answers_and_numbers_of(answers)
        seen = {
            sid: InboundResult(action, reply, duplicate=True)
            for sid, (action, reply) in answered.items()
        }
        ledger = self._ledger = Ledger(
            tx, account, {i.sender for i in items}, scope_rows=scope_rows
        )
        replies = _Replies(account)
        inbound = self._inbound
        for item in items:
            message_id = item.text.message_id
            if message_id in seen:
                # A redelivery changes nothing; its answer is the first one, word for word.
                results[item.index] = seen[message_id]
            elif item.to not in numbers:
                results[item.index] = NotFound(
                    "This business does not use that number.", field="to"
                )
            else:
                reading = self.readings.get(item.text.body)
                result = _act_on_text(ledger, replies, item, reading)
                seen[message_id] = InboundResult(result.action, result.reply, duplicate=True)
                results[item.index] = result
                inbound.append(
                    stored.InboundRecord(
                        account.id,
                        message_id,
                        item.sender,
                        item.to,
                        item.text.body,
                        result.action,
                        result.reply,
                        now(),
                    )
                )
        # A text heed cannot read with confidence waits for a person.
        queue_unsure(tx, inbound, self.readings)

    def write(self) -> None:
        """The ledger's entries, the texts and the reviews a STOP settles; inside
        ``sent_together``, sent without waiting."""
        assert self._ledger is not None, "act before writing"
        self._ledger.write()
        stored.add(self.tx.session, self._inbound)
        settle_by_stop(self.tx, self._inbound)


_PROVIDER_ACTIONS = {
    "STOP": InboundAction.OPT_OUT,
    "START": InboundAction.OPT_IN,
    "HELP": InboundAction.HELP,
}


def _act_on_text(
    ledger: Ledger, replies: _Replies, item: _Inbound, reading: Reading | None
) -> InboundResult:
    """What one text means given the sender's consent so far, appended to ``ledger``."""
    account, text, sender, to = ledger.account, item.text, item.sender, item.to
    scope = sms_scope(account, to)
    current = ledger.state(sender)
    opted_out = current.sms_opted_out_for(to)
    confirmed = None if opted_out else _marketing_yes(ledger, item)
    if confirmed is not None:
        return confirmed
    meaning = interpret(text.body, opted_out=opted_out, reading=reading)
    action = meaning.action
    source = str(meaning.source) if meaning.source else None
    provider = (text.provider_opt_out_type or "").strip().upper()
    if provider in _PROVIDER_ACTIONS and action is InboundAction.NONE:
        # The carrier's list counts as the truth: heed and it never disagree (R-16a).
        action = _PROVIDER_ACTIONS[provider]
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
            reply = replies(ReplyKind.OPT_OUT, text.body)
    elif action is InboundAction.OPT_IN:
        # Recorded even when nothing was opted out: it is the customer's express consent.
        # An account-wide opt-out can only be lifted whole, and the entry says so,
        # so the ledger's fold agrees with current consent.
        if ALL_NUMBERS in current.opted_out_scopes:
            scope = ALL_NUMBERS
        record(ConsentAction.OPT_IN, scope)
        reply = replies(ReplyKind.OPT_IN, text.body)
    elif action is InboundAction.HELP:
        reply = replies(ReplyKind.HELP, text.body)
    if provider in _PROVIDER_ACTIONS:
        reply = None
    return InboundResult(str(action), reply)


class _Replies:
    """The replies of one account through a batch: to a body, in the language it was
    written in, in the account's own words where it set them (R-16, R-29). The
    account's texts are gathered once per batch."""

    def __init__(self, account: t.Account) -> None:
        self._name = account.name
        self._texts = with_help_text(account.reply_texts, account.help_text)

    def __call__(self, kind: ReplyKind, body: str) -> str:
        return reply(kind, self._name, reply_language(body), self._texts)


def _marketing_yes(ledger: Ledger, item: _Inbound) -> InboundResult | None:
    """A YES answering a double opt-in gives marketing consent and its one confirmation
    (R-24); with no request waiting it keeps its everyday meaning (R-11): None."""
    found = match_keyword(item.text.body)
    if found is None or found[1] != "YES":
        return None
    text = item.text
    reply = confirm_by_yes(
        ledger, item.sender, body=text.body, message_id=text.message_id, via=text.via
    )
    return None if reply is None else InboundResult(str(InboundAction.OPT_IN), reply)


def record_provider_opt_out(
    uow: UnitOfWork, account_id: str, *, address: str, from_number: str | None, detail: str
) -> None:
    """The provider refused a send because the number opted out with it (R-16a)."""
    with uow.write() as tx:
        tx.lock_stripes([(account_id, stripe_of(address))])
        account = tx.accounts([account_id]).get(account_id)
        assert account is not None
        scope = sms_scope(account, from_number) if from_number else ALL_NUMBERS
        current = current_consent(tx, account.id, [address]).get(address)
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
