"""Adding a customer from the staff form: every problem at once, each at its field in
plain words, and a warning when a number or email typed already stands on another record.

The form's contacts sit in named slots (``mobile``, ``phone``, ``email``); a problem is
keyed by the slot (``mobile``, ``mobile_memo``, ``mobile_notifications``) or by the
customer's own field (``name``, ``billing_address``, ``invoice_delivery``). Nothing is
written while a problem stands; a duplicate only waits for the staff's word.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from heed.adapters.db import customers as db
from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain import limits, preferences
from heed.domain.addresses import ParsedValue, display_phone, parse_contact_value
from heed.domain.contacts import ContactInput
from heed.domain.errors import Invalid
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput, LocationInput
from heed.services.customers import insert_customers
from heed.services.permissions import requires
from heed.services.views import NO_CONSENT_RECORDED, consent_for


@dataclass(frozen=True)
class ContactFields:
    """One contact slot of the form, as typed."""

    slot: str
    kind: str
    value: str
    memo: str = ""
    notifications: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class NewCustomerForm:
    """The new-customer form as sent; ``save_anyway`` once staff saw the duplicates."""

    name: str
    billing_address: str = ""
    invoice_delivery: tuple[str, ...] = ("mail",)
    do_not_mail: bool = False
    contacts: tuple[ContactFields, ...] = ()
    save_anyway: bool = False
    # The first location as the API takes one ({name, address, time_zone}), if any.
    location: Mapping[str, object] | None = None


@dataclass(frozen=True)
class Duplicate:
    """A typed number or email that already stands on other customers."""

    slot: str
    display: str
    customers: tuple[tuple[str, str], ...]  # (id, name)


@dataclass(frozen=True)
class FormAnswer:
    """The new customer's id, or why it was not added yet."""

    customer_id: str | None = None
    problems: dict[str, str] = field(default_factory=dict)
    duplicates: tuple[Duplicate, ...] = ()


def _customer_problems(form: NewCustomerForm) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not form.name.strip():
        problems["name"] = "Enter the customer's name."
    elif len(form.name.strip()) > limits.NAME:
        problems["name"] = f"The name can be at most {limits.NAME} characters."
    if len(form.billing_address.strip()) > limits.POSTAL_ADDRESS:
        problems["billing_address"] = (
            f"The billing address can be at most {limits.POSTAL_ADDRESS} characters."
        )
    if not form.invoice_delivery:
        problems["invoice_delivery"] = "Choose Mail, Email or both."
    elif not set(form.invoice_delivery) <= {"mail", "email"}:
        problems["invoice_delivery"] = "Invoices go by Mail, Email or both."
    return problems


def _values(
    account: t.Account, contacts: tuple[ContactFields, ...], problems: dict[str, str]
) -> dict[str, ParsedValue]:
    """Each slot's value as stored; a refused one goes to ``problems`` instead."""
    parsed: dict[str, ParsedValue] = {}
    for contact in contacts:
        if len(contact.memo) > limits.MEMO:
            problems[f"{contact.slot}_memo"] = f"A memo can be at most {limits.MEMO} characters."
        try:
            parsed[contact.slot] = parse_contact_value(
                contact.kind, contact.value, extra_placeholders=account.placeholders
            )
        except Invalid as error:
            problems[contact.slot] = error.message
    return parsed


def _asked(form: NewCustomerForm, contact: ContactFields) -> dict[str, bool]:
    # Do Not Mail keeps every notification off: the customer's word outranks a bell.
    if form.do_not_mail:
        return dict.fromkeys(preferences.categories_for(contact.kind), False)
    return {c: bool(contact.notifications.get(c)) for c in preferences.categories_for(contact.kind)}


def _settings_problems(
    tx: Transaction,
    account: t.Account,
    form: NewCustomerForm,
    parsed: dict[str, ParsedValue],
    problems: dict[str, str],
) -> None:
    consent = consent_for(tx, account.id, [p.value for p in parsed.values()])
    for contact in form.contacts:
        value = parsed.get(contact.slot)
        if value is None:
            continue
        try:
            preferences.new_contact_settings(
                contact.kind,
                _asked(form, contact),
                consent.get(value.value, NO_CONSENT_RECORDED),
                notifications_enabled=account.customer_notifications_enabled,
                do_not_mail=form.do_not_mail,
                placeholder=value.placeholder,
                field="notifications",
            )
        except Invalid as error:
            problems[f"{contact.slot}_notifications"] = error.message


def _duplicates(
    tx: Transaction, account_id: str, form: NewCustomerForm, parsed: dict[str, ParsedValue]
) -> tuple[Duplicate, ...]:
    listings = db.listing_values(tx, account_id, [p.value for p in parsed.values()])
    found = []
    for contact in form.contacts:
        value = parsed.get(contact.slot)
        if value is None:
            continue
        owners = tuple(
            (row["customer_id"], row["customer_name"])
            for row in listings
            if row["value"] == value.value
        )
        if owners:
            shown = value.value if contact.kind == "email" else display_phone(value.value)
            found.append(Duplicate(contact.slot, shown, owners))
    return tuple(found)


def _location(form: NewCustomerForm, problems: dict[str, str]) -> list[LocationInput]:
    """The first location, checked; a refusal goes to ``problems`` under
    ``location.<part>`` (``location.postal_code``, ``location.time_zone``)."""
    if form.location is None:
        return []
    try:
        return [LocationInput.parse(dict(form.location), "location")]
    except Invalid as error:
        part = str(error.details.get("field") or "").removeprefix("location.")
        problems[f"location.{part.removeprefix('address.') or 'name'}"] = error.message
        return []


def _input(form: NewCustomerForm, locations: list[LocationInput]) -> CustomerInput:
    return CustomerInput(
        name=form.name.strip(),
        do_not_mail=form.do_not_mail,
        invoice_delivery=",".join(d for d in ("mail", "email") if d in form.invoice_delivery),
        billing_address=form.billing_address.strip() or None,
        contacts=[
            ContactInput(c.kind, c.value, c.memo.strip() or None, _asked(form, c))
            for c in form.contacts
        ],
        locations=locations,
    )


@requires("customer:edit")
def add_customer_from_form(
    uow: UnitOfWork, principal: Principal, form: NewCustomerForm
) -> FormAnswer:
    """Check every field of ``form``; add the customer only when none is refused and no
    typed address stands on another customer (or staff chose to save anyway)."""
    problems = _customer_problems(form)
    locations = _location(form, problems)
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        parsed = _values(account, form.contacts, problems)
        _settings_problems(tx, account, form, parsed, problems)
        if problems:
            return FormAnswer(problems=problems)
        duplicates = _duplicates(tx, account.id, form, parsed)
        if duplicates and not form.save_anyway:
            return FormAnswer(duplicates=duplicates)
        (customer_id,) = insert_customers(tx, principal, account, [(_input(form, locations), "")])
        tx.commit()
    return FormAnswer(customer_id=customer_id, duplicates=duplicates)
