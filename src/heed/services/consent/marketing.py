"""Marketing consent with its evidence (R-24): the double opt-in text and the YES that
answers it, a written or web-form consent recorded with its wording, a withdrawal, and
the receipt that shows what the customer agreed to, when, how and who captured it.

Every change is a ledger entry (its evidence hashed into the chain) plus the current
marketing state beside it, written in one transaction under the account's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from heed.adapters.db import accounts as stored_accounts
from heed.adapters.db import marketing as stored
from heed.adapters.db import messages as stored_messages
from heed.adapters.db import tables as t
from heed.adapters.db.contacts import ContactRepository
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain import marketing as rules
from heed.domain.addresses import normalize_email, normalize_phone
from heed.domain.consent import ALL_NUMBERS, ConsentAction, LedgerEntry
from heed.domain.decision import Category, Channel, Outcome, decide
from heed.domain.errors import Conflict, Invalid, NotFound, SmsOptedOut
from heed.domain.marketing import Evidence, MarketingState, Method
from heed.services.common import Principal, audit, new_id, now
from heed.services.consent.ledger import Ledger, append, current_consent
from heed.services.decisions import DecisionRequest, resolve
from heed.services.display import account_zone, actor_labels
from heed.services.permissions import requires

SOURCE = "marketing_consent"


@dataclass(frozen=True)
class RecordMarketing:
    """A marketing consent to record, or a double opt-in to start.

    ``ip`` and ``user_agent`` come with a web form (the preference page); ``via``, when
    given, names the credential instead of the principal's (e.g. ``preference_page``).
    """

    address: str
    method: str
    disclosure: str | None = None
    disclosure_version: str | None = None
    reference: str | None = None
    contact_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    via: str | None = None


def parse_address(text: str) -> tuple[str, str]:
    """An address from a URL or form: an email or a phone in any format."""
    if "@" in text:
        return normalize_email(text, field="address"), "email"
    return normalize_phone(text, field="address"), "sms"


def disclosure_of(account: t.Account) -> str:
    """The double opt-in text the account sends (its own, else heed's default)."""
    return account.marketing_disclosure or rules.default_disclosure(account.name)


def confirmation(business: str) -> str:
    return (
        f"{business}: Thanks, you're subscribed to marketing texts. Msg & data rates may "
        "apply. Reply STOP to opt out, HELP for help."
    )


@requires("consent:record")
def record_marketing_consent(
    uow: UnitOfWork, principal: Principal, command: RecordMarketing
) -> dict[str, Any]:
    """Start a double opt-in (``pending``) or record a written or web-form consent with
    its evidence (``consented``). Staff can never give consent without the customer's
    evidence, and a number that texted STOP gets none until it texts START (409)."""
    method = rules.parse_method(command.method)
    value, channel = parse_address(command.address)
    evidence = (
        None
        if method is Method.SMS_DOUBLE_OPT_IN
        else rules.checked_evidence(
            method,
            disclosure=command.disclosure,
            disclosure_version_given=command.disclosure_version,
            reference=command.reference,
            ip=command.ip,
            user_agent=command.user_agent,
        )
    )
    moment = now()
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        contacts = _contacts_of(tx, account.id, value, command.contact_id)
        if channel == "sms" and current_consent(tx, account.id, [value])[value].sms_opted_out:
            raise SmsOptedOut(field="address")
        before = stored.states(tx, account.id, [value])[value]
        if evidence is None:
            answer = _request(tx, principal, account, value, channel, before, moment)
        else:
            ledger = Ledger(tx, account, [value])
            seq = consent_in(
                ledger,
                value,
                channel,
                evidence,
                actor=principal.actor,
                via=command.via or principal.via,
                moment=moment,
            )
            ledger.write()
            answer = {"status": "consented", "event_id": seq}
        _audit(tx, principal, contacts, before, stored.states(tx, account.id, [value])[value])
        tx.commit()
    return answer


def consent_in(
    ledger: Ledger,
    value: str,
    channel: str,
    evidence: Evidence,
    *,
    actor: str,
    via: str | None,
    moment: datetime,
    source: str = SOURCE,
) -> int:
    """Chain a consent with its evidence in ``ledger`` and store the address's marketing
    state; answers the entry's seq. The caller holds the account's lock, has refused a
    STOPped number, and writes the ledger before committing."""
    tx, account = ledger.transaction, ledger.account
    before = stored.states(tx, account.id, [value])[value]
    entry = ledger.append(
        address=value,
        channel=channel,
        scope=ALL_NUMBERS,
        action=ConsentAction.MARKETING_CONSENT,
        source=source,
        actor=actor,
        via=via,
        at=moment,
        evidence=evidence.as_text(),
    )
    stored.save(
        tx, account.id, value, rules.consented(before, entry.seq, evidence.method, moment), moment
    )
    return entry.seq


def withdraw_in(
    ledger: Ledger,
    value: str,
    channel: str,
    *,
    actor: str,
    via: str | None,
    moment: datetime,
    source: str,
) -> int:
    """Chain a withdrawal in ``ledger`` and store the address's marketing state; answers
    the entry's seq (the caller holds the lock and writes the ledger)."""
    tx, account = ledger.transaction, ledger.account
    before = stored.states(tx, account.id, [value])[value]
    entry = ledger.append(
        address=value,
        channel=channel,
        scope=ALL_NUMBERS,
        action=ConsentAction.MARKETING_WITHDRAW,
        source=source,
        actor=actor,
        via=via,
        at=moment,
    )
    stored.save(tx, account.id, value, rules.withdrawn(before, entry.seq, moment), moment)
    return entry.seq


def _request(
    tx: Transaction,
    principal: Principal,
    account: t.Account,
    value: str,
    channel: str,
    before: MarketingState,
    moment: datetime,
) -> dict[str, Any]:
    """Queue the disclosure as a text through the outbox and remember the request."""
    if channel != "sms":
        raise Invalid("A double opt-in goes by text: give a phone number.", field="method")
    body = disclosure_of(account)
    request = DecisionRequest.of(Channel.SMS, Category.JOB, manual=True, to=value)
    (resolved,) = resolve(tx, account, [request])
    decision = decide(resolved.facts, moment)
    if decision.outcome is Outcome.BLOCKED:
        raise Conflict(decision.message, code=str(decision.reason), reason=str(decision.reason))
    allowed = decision.outcome is Outcome.ALLOWED
    message = t.Message(
        account_id=account.id,
        id=new_id("msg"),
        channel="sms",
        to=value,
        from_=stored_accounts.first_business_number(tx, account.id),
        contact_id=resolved.contact_id,
        body=body,
        category=str(Category.JOB),
        manual=True,
        status="queued" if allowed else "deferred",
        reason=str(decision.reason),
        not_before=decision.not_before,
        attempts=0,
        next_attempt_at=moment if allowed else decision.not_before,
        actor=principal.actor,
        created_at=moment,
    )
    stored_messages.add(tx, message)
    evidence = Evidence(
        Method.SMS_DOUBLE_OPT_IN,
        body,
        rules.disclosure_version(body),
        request_message_id=message.id,
    )
    entry = append(
        tx,
        account,
        address=value,
        channel=channel,
        scope=ALL_NUMBERS,
        action=ConsentAction.MARKETING_REQUEST,
        source=SOURCE,
        actor=principal.actor,
        via=principal.via,
        at=moment,
        evidence=evidence.as_text(),
    )
    stored.save(
        tx, account.id, value, rules.requested(before, entry.seq, moment, message.id), moment
    )
    return {"status": "pending", "request_message_id": message.id}


@requires("customer:edit")
def withdraw_marketing_consent(
    uow: UnitOfWork, principal: Principal, address: str, note: str | None = None
) -> dict[str, Any]:
    """Withdraw an address's marketing consent (customer:edit): always allowed, a ledger
    entry, audited. Answers the address's marketing state after it."""
    value, channel = parse_address(address)
    if note is not None and len(note) > rules.REFERENCE_MAX:
        raise Invalid(f"note must be at most {rules.REFERENCE_MAX} characters.", field="note")
    moment = now()
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        contacts = _contacts_of(tx, account.id, value, None)
        before = stored.states(tx, account.id, [value])[value]
        entry = append(
            tx,
            account,
            address=value,
            channel=channel,
            scope=ALL_NUMBERS,
            action=ConsentAction.MARKETING_WITHDRAW,
            source="staff",
            actor=principal.actor,
            via=principal.via,
            at=moment,
            body=note,
        )
        after = rules.withdrawn(before, entry.seq, moment)
        stored.save(tx, account.id, value, after, moment)
        _audit(tx, principal, contacts, before, after)
        view = _marketing_view(tx, account.id, value, after)
        tx.commit()
    return view


def _contacts_of(
    tx: Transaction, account_id: str, value: str, contact_id: str | None
) -> list[t.Contact]:
    """The account's contacts carrying ``value``; a named contact must be one of them."""
    repo = ContactRepository(tx, account_id)
    carrying = repo.carrying(value, besides="")
    if contact_id is not None and contact_id not in {c.id for c in carrying}:
        if repo.get(contact_id) is None:
            raise NotFound("No contact with this id.", field="contact_id")
        raise Invalid("contact_id names a contact with another address.", field="contact_id")
    return carrying


def _audit(
    tx: Transaction,
    principal: Principal,
    contacts: list[t.Contact],
    before: MarketingState,
    after: MarketingState,
) -> None:
    moment = now()
    for contact in contacts:
        setting = bool(contact.notify_marketing)
        audit(
            tx,
            principal,
            "contact",
            contact.id,
            "marketing_consent",
            str(before.status(moment, setting_on=setting)),
            str(after.status(moment, setting_on=setting)),
        )


# --- the YES that answers a request ---------------------------------------------------


def confirm_by_yes(
    ledger: Ledger, sender: str, *, body: str, message_id: str, via: str | None
) -> str | None:
    """A YES from a number with a request waiting (less than 7 days): its consent,
    chained in ``ledger``, and the one confirmation to send back. None when no request
    waits: the YES keeps its everyday meaning (R-11)."""
    tx, account = ledger.transaction, ledger.account
    moment = now()
    state = stored.states(tx, account.id, [sender])[sender]
    if state.consented or not state.pending_at(moment):
        return None
    request = stored.entries(tx, account.id, [state.pending_seq]).get(state.pending_seq or 0)
    sent = rules.read_evidence(request.evidence if request else None)
    disclosure = sent.get("disclosure", disclosure_of(account))
    evidence = Evidence(
        Method.SMS_DOUBLE_OPT_IN,
        disclosure,
        sent.get("disclosure_version", rules.disclosure_version(disclosure)),
        request_message_id=state.request_message_id,
    )
    entry = ledger.append(
        address=sender,
        channel="sms",
        scope=ALL_NUMBERS,
        action=ConsentAction.MARKETING_CONSENT,
        source="double_opt_in",
        actor=f"customer:{sender}",
        via=via,
        body=body,
        provider_message_id=message_id,
        at=moment,
        evidence=evidence.as_text(),
    )
    after = rules.consented(state, entry.seq, Method.SMS_DOUBLE_OPT_IN, moment)
    stored.save(tx, account.id, sender, after, moment)
    return confirmation(account.name)


# --- reading -------------------------------------------------------------------------


def _marketing_view(
    tx: Transaction, account_id: str, value: str, state: MarketingState
) -> dict[str, Any]:
    """The address's marketing consent as the API shows it (the consent receipt)."""
    seqs = [state.consent_seq if state.consented else state.withdrawn_seq]
    found = stored.entries(tx, account_id, seqs)
    entry = found.get(seqs[0] or 0)
    view: dict[str, Any] = {
        "consented": state.consented,
        "method": None,
        "disclosure": None,
        "disclosure_version": None,
        "captured_at": None,
        "captured_via": None,
        "captured_by": None,
        "reference": None,
        "event_id": None,
        "hash": None,
        "withdrawn": not state.consented and state.withdrawn_seq is not None,
    }
    if entry is not None:
        view.update(_evidence_view(entry))
    if state.pending_at(now()):
        view["pending_since"] = state.pending_since.isoformat() if state.pending_since else None
        view["request_message_id"] = state.request_message_id
    return view


def _evidence_view(entry: LedgerEntry) -> dict[str, Any]:
    evidence = rules.read_evidence(entry.evidence)
    return {
        "method": evidence.get("method"),
        "disclosure": evidence.get("disclosure"),
        "disclosure_version": evidence.get("disclosure_version"),
        "captured_at": entry.at.isoformat(),
        "captured_via": entry.via,
        "captured_by": entry.actor,
        "reference": evidence.get("reference"),
        "event_id": entry.seq,
        "hash": entry.hash,
        "ip": evidence.get("ip"),
        "user_agent": evidence.get("user_agent"),
    }


def marketing_of(tx: Transaction, account_id: str, value: str) -> dict[str, Any]:
    """The marketing part of an address's consent answer."""
    state = stored.states(tx, account_id, [value])[value]
    return _marketing_view(tx, account_id, value, state)


@requires("customer:view")
def marketing_receipt(uow: UnitOfWork, principal: Principal, address: str) -> dict[str, Any]:
    """What the receipt page shows: the address, the business, its time zone, and the
    marketing consent with its ledger entry (customer:view).

    An account keeps no time zone of its own: its first business number's area code
    gives it (UTC when it has none)."""
    value, channel = parse_address(address)
    with uow.read() as tx:
        account = tx.session.get(t.Account, principal.account_id)
        if account is None:
            raise NotFound("No such account.")
        view = marketing_of(tx, account.id, value)
        by = view["captured_by"]
        view["captured_by_label"] = actor_labels(tx, account.id, [by])[by] if by else None
        zone = account_zone(tx, account.id)
    return {
        "address": value,
        "channel": channel,
        "business": account.name,
        "time_zone": zone.key,
        "marketing": view,
    }


@requires("customer:view")
def marketing_not_on_record(uow: UnitOfWork, principal: Principal) -> list[dict[str, Any]]:
    """Phone contacts whose marketing setting predates heed's evidence: they keep the
    setting and get no marketing text until consent is on record."""
    with uow.read() as tx:
        rows = stored.not_on_record(tx, principal.account_id)
    return [
        {
            "contact_id": row["id"],
            "customer_id": row["customer_id"],
            "customer_name": row["name"],
            "location_id": row["location_id"],
            "kind": row["kind"],
            "value": row["value"],
        }
        for row in rows
    ]


def marketing_statuses(
    tx: Transaction, account_id: str, contacts: list[t.Contact]
) -> dict[str, str]:
    """Each contact's ``marketing_consent`` (by contact id)."""
    found = stored.states(tx, account_id, (c.value for c in contacts))
    moment = now()
    return {
        c.id: str(
            found.get(c.value, rules.NO_MARKETING).status(
                moment, setting_on=bool(c.notify_marketing)
            )
        )
        for c in contacts
    }
