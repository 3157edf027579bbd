"""What a customer sees and changes on their own preference page (R-31, R-12, R-13).

The principal is the customer's own (services.preference_links.principal_of_link):
it reaches that customer's contacts and nothing else of the account. Addresses are
shown masked and named on the page by the id of their oldest contact, so a form
never carries a number or an email. A stop is a ledger entry with ``via:
preference_page``; a notification setting is an audit row by ``customer:<id>``. The
page can only ever opt out: a STOPped number comes back only by the customer texting
START (R-12), and an unsubscribed email stays unsubscribed.

The one thing the page turns on is marketing, and only with the customer's own
web-form consent (R-24): the box shows the account's disclosure, and ticking it
records a consent whose evidence is that exact text, its version, the client's IP
and user agent, ``via: preference_page``. The address must be on the link's own
customer; a STOPped number gets no box and a hand-made form for one is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from heed.adapters.db import accounts as stored_accounts
from heed.adapters.db import customers as stored_customers
from heed.adapters.db import marketing as stored_marketing
from heed.adapters.db import tables as t
from heed.adapters.db.contacts import ContactRepository
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain import marketing as rules
from heed.domain import preferences
from heed.domain.addresses import display_phone
from heed.domain.consent import ALL_NUMBERS, AddressState, ConsentAction, Suppression
from heed.domain.errors import Conflict, NotFound
from heed.domain.marketing import MarketingState, Method
from heed.domain.masking import mask
from heed.services.common import Principal, audit, now
from heed.services.consent.ledger import Ledger
from heed.services.consent.marketing import consent_in, disclosure_of, withdraw_in
from heed.services.permissions import requires
from heed.services.preference_links import OWN_PREFERENCES, VIA, customer_of
from heed.services.views import NO_CONSENT_RECORDED, consent_for

SOURCE = "preference_page"
# Settings the page turns on and off as plain settings; marketing goes with its consent.
CHANGEABLE = ("job", "invoice_statement")


@dataclass(frozen=True)
class _Address:
    """One number or email of the customer, however many of its records list it."""

    key: str
    value: str
    channel: str
    kind: str
    contacts: tuple[t.Contact, ...]

    @property
    def categories(self) -> tuple[str, ...]:
        return preferences.categories_for(self.kind)

    def setting(self, category: str) -> bool:
        return any(getattr(c, f"notify_{category}") for c in self.contacts)

    def all_on(self, category: str) -> bool:
        return all(getattr(c, f"notify_{category}") for c in self.contacts)


def _addresses(tx: Transaction, account_id: str, customer_id: str) -> list[_Address]:
    grouped: dict[str, list[t.Contact]] = {}
    for contact in stored_customers.customer_contacts(tx, account_id, customer_id):
        if preferences.categories_for(contact.kind) and not contact.placeholder:
            grouped.setdefault(contact.value, []).append(contact)
    return [
        _Address(
            found[0].id,
            value,
            "email" if found[0].kind == "email" else "sms",
            found[0].kind,
            tuple(found),
        )
        for value, found in grouped.items()
    ]


def _customer(tx: Transaction, principal: Principal) -> t.Customer:
    customer = ContactRepository(tx, principal.account_id).customer(customer_of(principal))
    if customer is None:
        raise NotFound("This customer is no longer on file.")
    return customer


@requires(OWN_PREFERENCES)
def preference_view(uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    """The business, and each of the customer's numbers and emails, masked, with its settings."""
    with uow.read() as tx:
        customer = _customer(tx, principal)
        account = stored_accounts.get(tx, principal.account_id)
        assert account is not None
        number = stored_accounts.first_business_number(tx, account.id)
        addresses = _addresses(tx, account.id, customer.id)
        consent = consent_for(tx, account.id, [a.value for a in addresses])
        marketing = stored_marketing.states(tx, account.id, [a.value for a in addresses])
    views = [
        {
            **_view(a, consent.get(a.value, NO_CONSENT_RECORDED), number),
            # An email's setting alone sends marketing email; a number needs consent.
            "marketing": marketing[a.value].consented
            or (a.channel == "email" and a.setting("marketing")),
        }
        for a in addresses
    ]
    disclosure = disclosure_of(account)
    return {
        "business": {"name": account.name, "phone": display_phone(number) if number else None},
        "marketing": {
            "disclosure": disclosure,
            "disclosure_version": rules.disclosure_version(disclosure),
        },
        "customer": {"name": customer.name, "do_not_mail": customer.do_not_mail},
        "phones": [v for v in views if v["channel"] == "sms"],
        "emails": [v for v in views if v["channel"] == "email"],
    }


def _view(address: _Address, consent: AddressState, business_number: str | None) -> dict[str, Any]:
    # A number opted out of one business number only is told to text START to that one.
    scopes = consent.opted_out_scopes
    start_to = business_number if ALL_NUMBERS in scopes or not scopes else min(scopes)
    return {
        "key": address.key,
        "masked": mask(address.kind, address.value),
        "channel": address.channel,
        "settings": {c: address.setting(c) for c in address.categories},
        "stopped": address.channel == "sms" and consent.sms_opted_out,
        "start_to": display_phone(start_to) if start_to else None,
        "unsubscribed": address.channel == "email" and consent.suppression != Suppression.NONE,
    }


@dataclass(frozen=True)
class ConsentBox:
    """What a posted consent box brings beside its ticks: the version of the disclosure
    the page showed, and the request's client IP and User-Agent (the web-form evidence)."""

    disclosure_version: str
    ip: str | None
    user_agent: str | None


@dataclass(frozen=True)
class PreferenceChoices:
    """A posted page: the addresses it showed (by key), the settings ticked, the stops
    asked, and, when the page carried its consent box, the addresses whose box is ticked."""

    shown: frozenset[str] = frozenset()
    on: frozenset[tuple[str, str]] = frozenset()
    stop: frozenset[str] = frozenset()
    stop_all_texts: bool = False
    stop_all_email: bool = False
    marketing: frozenset[str] = frozenset()
    box: ConsentBox | None = None


@requires(OWN_PREFERENCES)
def save_preferences(
    uow: UnitOfWork, principal: Principal, command: PreferenceChoices
) -> dict[str, Any]:
    """Apply a posted page in one transaction: the stops first, then the settings of every
    address shown. Turning a setting on where a rule forbids it (R-8, R-12, R-14) refuses
    the whole page; nothing is half saved. Answers how many things changed."""
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        customer = _customer(tx, principal)
        addresses = {a.key: a for a in _addresses(tx, account.id, customer.id)}
        posted = command.shown | command.stop | command.marketing | {k for k, _ in command.on}
        unknown = posted - set(addresses)
        if unknown:
            raise NotFound("This page is out of date: reload it and try again.")
        ledger = Ledger(tx, account, [a.value for a in addresses.values()])
        stops = _stops(principal, ledger, addresses.values(), command)
        settings = sum(
            _apply_settings(
                tx,
                principal,
                addresses[key],
                ledger.state(addresses[key].value),
                command,
                customer.do_not_mail,
            )
            for key in sorted(command.shown)
        )
        if command.box is not None:
            settings += _apply_marketing(
                tx,
                principal,
                ledger,
                [addresses[k] for k in sorted(command.shown | command.marketing)],
                command,
                customer.do_not_mail,
            )
        ledger.write()
        tx.commit()
    return {"stops": stops, "settings": settings}


def _stops(
    principal: Principal, ledger: Ledger, addresses: Iterable[_Address], command: PreferenceChoices
) -> int:
    recorded = 0
    for address in addresses:
        everything = command.stop_all_texts if address.channel == "sms" else command.stop_all_email
        if not (everything or address.key in command.stop):
            continue
        action = _stop_action(address, ledger.state(address.value))
        if action is None:
            continue
        ledger.append(
            address=address.value,
            channel=address.channel,
            scope=ALL_NUMBERS,
            action=action,
            source=SOURCE,
            actor=principal.actor,
            via=VIA,
        )
        recorded += 1
    return recorded


def _stop_action(address: _Address, state: AddressState) -> ConsentAction | None:
    """What a stop records, or None when the customer's word already stands."""
    if address.channel == "sms":
        return None if ALL_NUMBERS in state.opted_out_scopes else ConsentAction.OPT_OUT
    return None if state.suppression is not Suppression.NONE else ConsentAction.SUPPRESS


def _apply_settings(
    tx: Transaction,
    principal: Principal,
    address: _Address,
    consent: AddressState,
    command: PreferenceChoices,
    do_not_mail: bool,
) -> int:
    changed = 0
    for category in (c for c in CHANGEABLE if c in address.categories):
        wanted = (address.key, category) in command.on
        if wanted and not address.all_on(category):
            preferences.check_turn_on(
                address.kind, category, consent, do_not_mail=do_not_mail, field=category
            )
        for contact in address.contacts:
            column = f"notify_{category}"
            was = bool(getattr(contact, column))
            if was != wanted:
                audit(
                    tx, principal, "contact", contact.id, f"notifications.{category}", was, wanted
                )
                setattr(contact, column, wanted)
                changed += 1
    return changed


# ---- marketing: the consent box (R-24) ---------------------------------------------------


def _apply_marketing(
    tx: Transaction,
    principal: Principal,
    ledger: Ledger,
    addresses: list[_Address],
    command: PreferenceChoices,
    do_not_mail: bool,
) -> int:
    """Give consent where a box is newly ticked, withdraw it where one is cleared, and
    set the contacts' marketing setting to match. Answers how many settings changed."""
    assert command.box is not None
    account = ledger.account
    found = stored_marketing.states(tx, account.id, [a.value for a in addresses])
    changed = 0
    for address in addresses:
        before = found[address.value]
        wanted = address.key in command.marketing
        # A number stopped on this very page ends its consent by the opt-out itself.
        stopped = ledger.state(address.value).sms_opted_out
        if wanted and not before.consented:
            _give(principal, ledger, address, command.box, do_not_mail)
        elif not wanted and before.consented and not stopped:
            withdraw_in(
                ledger,
                address.value,
                address.channel,
                actor=principal.actor,
                via=VIA,
                moment=now(),
                source=SOURCE,
            )
        after = stored_marketing.states(tx, account.id, [address.value])[address.value]
        changed += _set_marketing(tx, principal, address, before, after)
    return changed


def _give(
    principal: Principal, ledger: Ledger, address: _Address, box: ConsentBox, do_not_mail: bool
) -> None:
    """Record the customer's web-form consent for one of their own addresses."""
    preferences.check_turn_on(
        address.kind,
        "marketing",
        ledger.state(address.value),
        do_not_mail=do_not_mail,
        field="marketing",
        marketing_consented=True,
    )
    disclosure = disclosure_of(ledger.account)
    if box.disclosure_version != rules.disclosure_version(disclosure):
        raise Conflict(
            "The marketing wording changed since this page was opened: nothing was saved. "
            "Reload the page and read it again.",
            code="disclosure_changed",
            field="disclosure_version",
        )
    evidence = rules.checked_evidence(
        Method.WEB_FORM,
        disclosure=disclosure,
        disclosure_version_given=box.disclosure_version,
        reference=None,
        ip=box.ip,
        user_agent=(box.user_agent or "")[: rules.USER_AGENT_MAX],
    )
    consent_in(
        ledger,
        address.value,
        address.channel,
        evidence,
        actor=principal.actor,
        via=VIA,
        moment=now(),
        source=SOURCE,
    )


def _set_marketing(
    tx: Transaction,
    principal: Principal,
    address: _Address,
    before: MarketingState,
    after: MarketingState,
) -> int:
    """Each contact of the address: its marketing setting follows the box (its consent),
    audited."""
    changed = 0
    moment = now()
    for contact in address.contacts:
        was = bool(contact.notify_marketing)
        if before.consented != after.consented:
            audit(
                tx,
                principal,
                "contact",
                contact.id,
                "marketing_consent",
                str(before.status(moment, setting_on=was)),
                str(after.status(moment, setting_on=after.consented)),
            )
        if was != after.consented:
            audit(
                tx,
                principal,
                "contact",
                contact.id,
                "notifications.marketing",
                was,
                after.consented,
            )
            contact.notify_marketing = after.consented
            changed += 1
    return changed
