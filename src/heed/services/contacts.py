"""Contact methods: adding, changing, removing and syncing them (R-1 … R-6, R-8, R-10, R-12).

A contact's permission is its owner's (R-22): ``customer:view``/``customer:edit``
for a contact on a customer, ``location:view``/``location:edit`` for one on a
location. Each verb checks it once it has read the contact; which notifications a
kind carries and when one may be turned on are the domain's (heed.domain.preferences).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from heed.adapters.db import accounts as stored_accounts
from heed.adapters.db import marketing as stored_marketing
from heed.adapters.db import tables as t
from heed.adapters.db.contacts import ContactRepository
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain import preferences
from heed.domain.addresses import ParsedValue, is_placeholder, parse_contact_value
from heed.domain.consent import AddressState
from heed.domain.contacts import ContactEdit as ContactEdit
from heed.domain.contacts import ContactInput as ContactInput
from heed.domain.contacts import check_sync_source, check_sync_target, parse_kind, parse_memo
from heed.domain.errors import ConfirmationRequired, Invalid, NotFound
from heed.services.common import Principal, audit, audit_many, new_id, now
from heed.services.permissions import checked_inside
from heed.services.views import (
    NO_CONSENT_RECORDED,
    consent_for,
    contact_change_view,
    contact_views,
    sync_candidate_views,
)

CATEGORIES = preferences.CATEGORIES


@dataclass(frozen=True)
class Owner:
    """Whom a new contact hangs on: a customer, and one of its locations if it is the location's."""

    customer_id: str
    do_not_mail: bool
    location_id: str | None = None

    @classmethod
    def of(cls, customer: t.Customer, location: t.Location | None = None) -> Owner:
        return cls(customer.id, customer.do_not_mail, location.id if location else None)


@dataclass(frozen=True)
class NewContact:
    """One contact to add: its owner, what was asked, and the field path errors name."""

    owner: Owner
    data: ContactInput
    field: str = ""


def _prefix(field: str) -> str:
    return f"{field}." if field else ""


def _owner_type(contact: t.Contact) -> str:
    return "location" if contact.location_id else "customer"


def _audit_contact(
    tx: Transaction, principal: Principal, contact: t.Contact, field: str, old: object, new: object
) -> None:
    """audit() for a contact, placed in its customer's and location's history (R-33)."""
    audit(
        tx,
        principal,
        "contact",
        contact.id,
        field,
        old,
        new,
        customer_id=contact.customer_id,
        location_id=contact.location_id,
    )


def _settings(contact: t.Contact) -> dict[str, bool]:
    return {c: bool(getattr(contact, f"notify_{c}")) for c in CATEGORIES}


# ---- adding ------------------------------------------------------------------------------


@checked_inside
def insert_contacts(
    tx: Transaction,
    principal: Principal,
    account: t.Account,
    items: Sequence[NewContact],
    *,
    imported: bool = False,
) -> list[str]:
    """Add contacts inside the caller's transaction, checking each one.

    Values are parsed first and the consent of every address asking for a
    notification is read in one statement; rows are then checked in order, so the
    first problem named is the one a row-by-row pass would name. The rows and their
    audit entries are written with one statement each. By hand a placeholder is
    refused; by import it is kept and flagged (R-2). Returns the new ids. The verb
    that opened ``tx`` (adding a customer, a location, an import) checked the permission.
    """
    parsed: list[ParsedValue | Invalid] = []
    for item in items:
        if imported and item.data.parsed is not None:
            parsed.append(item.data.parsed)
            continue
        try:
            parsed.append(
                parse_contact_value(
                    item.data.kind,
                    item.data.value,
                    extra_placeholders=account.placeholders,
                    allow_placeholder=imported,
                    field=f"{_prefix(item.field)}value",
                )
            )
        except Invalid as error:
            parsed.append(error)
    asking = [
        value.value
        for item, value in zip(items, parsed, strict=True)
        if isinstance(value, ParsedValue) and any(item.data.notifications.values())
    ]
    consent = consent_for(tx, account.id, asking)
    consented = {
        value
        for value, state in stored_marketing.states(tx, account.id, asking).items()
        if state.consented
    }
    rows = [
        _contact_row(account, item, value, consent, consented)
        for item, value in zip(items, parsed, strict=True)
    ]
    ContactRepository(tx, account.id).add_many(rows)
    audit_many(
        tx,
        principal,
        [
            (
                "contact",
                row["id"],
                "value",
                None,
                row["value"],
                row["customer_id"],
                row["location_id"],
            )
            for row in rows
        ],
    )
    return [row["id"] for row in rows]


def _contact_row(
    account: t.Account,
    item: NewContact,
    parsed: ParsedValue | Invalid,
    consent: dict[str, AddressState],
    consented: set[str],
) -> dict[str, Any]:
    if isinstance(parsed, Invalid):
        raise parsed
    data, owner = item.data, item.owner
    settings = preferences.new_contact_settings(
        data.kind,
        data.notifications,
        consent.get(parsed.value, NO_CONSENT_RECORDED),
        notifications_enabled=account.customer_notifications_enabled,
        do_not_mail=owner.do_not_mail,
        placeholder=parsed.placeholder,
        field=f"{_prefix(item.field)}notifications",
        marketing_consented=parsed.value in consented,
    )
    return {
        "account_id": account.id,
        "id": new_id("con"),
        "customer_id": owner.customer_id,
        "location_id": owner.location_id,
        "kind": data.kind,
        "value": parsed.value,
        "memo": data.memo,
        "notify_job": settings["job"],
        "notify_invoice_statement": settings["invoice_statement"],
        "notify_marketing": settings["marketing"],
        "placeholder": parsed.placeholder,
        "created_at": now(),
    }


@checked_inside
def add_contact(
    uow: UnitOfWork,
    principal: Principal,
    data: ContactInput,
    *,
    customer_id: str | None = None,
    location_id: str | None = None,
    imported: bool = False,
) -> dict[str, Any]:
    """Add a contact to a customer (customer:edit) or to one of its locations (location:edit)."""
    principal.require("location:edit" if location_id is not None else "customer:edit")
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        repo = ContactRepository(tx, account.id)
        location = None
        if location_id is not None:
            location = repo.location(location_id)
            if location is None:
                raise NotFound("No location with this id.")
            customer_id = location.customer_id
        customer = repo.customer(customer_id) if customer_id is not None else None
        if customer is None:
            raise NotFound("No customer with this id.")
        item = NewContact(Owner.of(customer, location), data)
        (contact_id,) = insert_contacts(tx, principal, account, [item], imported=imported)
        view = contact_views(tx, account.id, [_load(repo, contact_id)])[0]
        tx.commit()
    return view


@checked_inside
def contact_problems(
    uow: UnitOfWork, principal: Principal, kind: str, value: str, memo: str
) -> dict[str, Invalid]:
    """Every field of a contact form that adding or editing would refuse, by field
    (``kind``, ``value``, ``memo``), checked all at once; nothing is written.

    Needs no permission: it reads only the caller's own account's placeholders, and the
    verb that writes checks its own.
    """
    problems: dict[str, Invalid] = {}
    for name, check in (("kind", parse_kind), ("memo", parse_memo)):
        try:
            check(kind if name == "kind" else memo, name)
        except Invalid as error:
            problems[name] = error
    if not value.strip():
        problems["value"] = Invalid("value is required.", field="value")
    elif "kind" not in problems:
        with uow.read() as tx:
            account = stored_accounts.get(tx, principal.account_id)
        assert account is not None
        try:
            parse_contact_value(kind, value, extra_placeholders=account.placeholders)
        except Invalid as error:
            problems["value"] = error
    return problems


# ---- reading -----------------------------------------------------------------------------


def _load(repo: ContactRepository, contact_id: str) -> t.Contact:
    contact = repo.get(contact_id)
    if contact is None:
        raise NotFound("No contact with this id.")
    return contact


def load_contact(tx: Transaction, account_id: str, contact_id: str) -> t.Contact:
    return _load(ContactRepository(tx, account_id), contact_id)


@checked_inside
def contact_owners(uow: UnitOfWork, principal: Principal, contact_ids: list[str]) -> dict[str, str]:
    """Whether each contact hangs on a customer or a location, for those in the caller's account.

    Needs no permission: it names nothing but the kind of owner, within the caller's
    account; an id that is not here is not the caller's to see.
    """
    with uow.read() as tx:
        return ContactRepository(tx, principal.account_id).owners(contact_ids)


@checked_inside
def get_contact(uow: UnitOfWork, principal: Principal, contact_id: str) -> dict[str, Any]:
    """One contact (its owner's view permission)."""
    with uow.read() as tx:
        contact = _load(ContactRepository(tx, principal.account_id), contact_id)
        principal.require(f"{_owner_type(contact)}:view")
        return contact_views(tx, principal.account_id, [contact])[0]


@checked_inside
def contact_history(uow: UnitOfWork, principal: Principal, contact_id: str) -> list[dict[str, Any]]:
    """Every value change of the contact, oldest first (R-5), also once it is removed.

    A removed contact's owner went with it, so its history needs both view permissions.
    """
    with uow.read() as tx:
        repo = ContactRepository(tx, principal.account_id)
        contact = repo.get(contact_id)
        rows = repo.history(contact_id)
    if contact is None and not rows:
        raise NotFound("No contact with this id.")
    for owner in [_owner_type(contact)] if contact else ["customer", "location"]:
        principal.require(f"{owner}:view")
    return [contact_change_view(row) for row in rows]


# ---- changing ----------------------------------------------------------------------------


@checked_inside
def update_contact(
    uow: UnitOfWork, principal: Principal, contact_id: str, change: ContactEdit
) -> dict[str, Any]:
    """Change kind, value, memo or notification settings in one transaction (owner's edit).

    Answers the contact and, after a value change, the other records that still
    carry the old value (R-6).
    """
    return _edit(uow, principal, contact_id, lambda contact: change)


@checked_inside
def set_notifications(
    uow: UnitOfWork, principal: Principal, contact_id: str, on: Collection[str]
) -> dict[str, Any]:
    """Turn on the categories in ``on`` and off every other one the contact's kind carries."""
    return _edit(
        uow,
        principal,
        contact_id,
        lambda contact: ContactEdit(
            notifications={c: c in on for c in preferences.categories_for(contact.kind)}
        ),
    )


def _edit(
    uow: UnitOfWork,
    principal: Principal,
    contact_id: str,
    change_for: Callable[[t.Contact], ContactEdit],
) -> dict[str, Any]:
    with uow.write() as tx:
        # The account lock orders this against an inbound STOP for the same number.
        account = tx.lock_account(principal.account_id)
        assert account is not None
        repo = ContactRepository(tx, account.id)
        contact = _load(repo, contact_id)
        principal.require(f"{_owner_type(contact)}:edit")
        change = change_for(contact)
        old_value = contact.value
        if change.kind is not None:
            _change_kind(tx, principal, contact, change.kind)
        if change.memo is not None:
            memo = change.memo.strip() or None
            _audit_contact(tx, principal, contact, "memo", contact.memo, memo)
            contact.memo = memo
        if change.value is not None:
            parsed = parse_contact_value(
                contact.kind, change.value, extra_placeholders=account.placeholders
            )
            if parsed.value != contact.value:
                _change_value(repo, principal, contact, parsed.value)
                contact.placeholder = False
        _set_notifications(repo, principal, contact, change.notifications)
        repo.flush()
        moved = contact.value != old_value and not contact.placeholder
        candidates = _sync_candidates(repo, account, contact, old_value) if moved else []
        view = contact_views(tx, account.id, [contact])[0]
        tx.commit()
    return {"contact": view, "sync_candidates": candidates}


def _change_kind(tx: Transaction, principal: Principal, contact: t.Contact, kind: str) -> None:
    if kind == contact.kind:
        return
    preferences.check_kind_change(contact.kind, kind)
    _audit_contact(tx, principal, contact, "kind", contact.kind, kind)
    contact.kind = kind
    if not preferences.categories_for(kind):
        for category in CATEGORIES:
            _set(tx, principal, contact, category, False)


def _set_notifications(
    repo: ContactRepository, principal: Principal, contact: t.Contact, wanted: dict[str, bool]
) -> None:
    turning_on = preferences.turned_on(_settings(contact), wanted)
    if turning_on:
        customer = repo.customer(contact.customer_id)
        assert customer is not None
        consent = consent_for(repo.tx, contact.account_id, [contact.value])[contact.value]
        marketing = stored_marketing.states(repo.tx, contact.account_id, [contact.value])
        for category in turning_on:
            preferences.check_turn_on(
                contact.kind,
                category,
                consent,
                do_not_mail=customer.do_not_mail,
                field=f"notifications.{category}",
                marketing_consented=marketing[contact.value].consented,
            )
    for category, on in wanted.items():
        _set(repo.tx, principal, contact, category, on)


def _set(
    tx: Transaction, principal: Principal, contact: t.Contact, category: str, on: bool
) -> None:
    column, was = f"notify_{category}", _settings(contact)[category]
    _audit_contact(tx, principal, contact, f"notifications.{category}", was, on)
    setattr(contact, column, on)


def _change_value(
    repo: ContactRepository, principal: Principal, contact: t.Contact, new_value: str | None
) -> None:
    """Record a value change (R-5, R-23) and make it; ``None`` is a removal."""
    _audit_contact(repo.tx, principal, contact, "value", contact.value, new_value)
    repo.record_change(new_id("chg"), contact, new_value, actor=principal.actor, at=now())
    if new_value is not None:
        contact.value = new_value


@checked_inside
def delete_contact(uow: UnitOfWork, principal: Principal, contact_id: str) -> None:
    """Remove a contact (owner's edit); its consent stays with the address (R-5, R-17)."""
    with uow.write() as tx:
        tx.lock_account(principal.account_id)
        repo = ContactRepository(tx, principal.account_id)
        contact = _load(repo, contact_id)
        principal.require(f"{_owner_type(contact)}:edit")
        _change_value(repo, principal, contact, None)
        repo.remove(contact)
        tx.commit()


# ---- sync (R-6) --------------------------------------------------------------------------


def _sync_candidates(
    repo: ContactRepository, account: t.Account, contact: t.Contact, old_value: str
) -> list[dict[str, Any]]:
    if is_placeholder(contact.kind, old_value, account.placeholders):
        return []
    return _candidates(repo, repo.carrying(old_value, besides=contact.id), contact.customer_id)


def _candidates(
    repo: ContactRepository, others: Sequence[t.Contact], customer_id: str
) -> list[dict[str, Any]]:
    names = repo.customer_names(o.customer_id for o in others)
    return sync_candidate_views(others, customer_id, names)


@checked_inside
def sync_contact(
    uow: UnitOfWork,
    principal: Principal,
    contact_id: str,
    targets: Sequence[str],
    *,
    confirm_other_customers: bool = False,
) -> dict[str, Any]:
    """Copy a contact's last value change onto chosen records that still carry the old value.

    Needs edit on the owners of the contact and of every target found. All or
    nothing: one refused target refuses the whole sync (R-6).
    """
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        repo = ContactRepository(tx, account.id)
        source = _load(repo, contact_id)
        for owner in sorted(set(repo.owners([source.id, *targets]).values())):
            principal.require(f"{owner}:edit")
        if not targets:
            raise Invalid("targets must list at least one contact id.", field="targets")
        old, new = _last_change(repo, account, source)
        chosen = _targets(repo, source, old, targets)
        others = [c for c in chosen if c.customer_id != source.customer_id]
        if others and not confirm_other_customers:
            raise ConfirmationRequired(
                "Some of these records belong to other customers; "
                "confirm to change them too (confirm_other_customers).",
                contacts=_candidates(repo, others, source.customer_id),
            )
        for target in chosen:
            _change_value(repo, principal, target, new)
        tx.commit()
    return {"synced": [c.id for c in chosen]}


def _last_change(repo: ContactRepository, account: t.Account, source: t.Contact) -> tuple[str, str]:
    """The source's last value change, old and new, once the domain agrees it may be synced."""
    change = repo.last_value_change(source.id)
    old, new = (change.old_value, change.new_value) if change else (None, None)
    return check_sync_source(source.kind, source.placeholder, old, new, account.placeholders)


def _targets(
    repo: ContactRepository, source: t.Contact, old: str, targets: Sequence[str]
) -> list[t.Contact]:
    chosen: list[t.Contact] = []
    for i, target_id in enumerate(dict.fromkeys(targets)):
        target = repo.get(target_id)
        found = target is not None and target.id != source.id
        check_sync_target(i, target if found else None, old)
        assert target is not None
        chosen.append(target)
    return chosen
