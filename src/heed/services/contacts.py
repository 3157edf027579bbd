"""Contact methods: adding, changing, removing and syncing them (R-1 … R-6, R-8, R-10, R-12)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain import limits
from heed.domain.addresses import ContactKind, ParsedValue, is_placeholder, parse_contact_value
from heed.domain.consent import AddressState
from heed.domain.errors import (
    ConfirmationRequired,
    DoNotMail,
    EmailSuppressed,
    Invalid,
    NotFound,
    PlaceholderSyncForbidden,
    SmsOptedOut,
)
from heed.services.common import Principal, audit, audit_many, insert_rows, new_id, now
from heed.services.views import (
    NO_CONSENT_RECORDED,
    PHONE_KINDS,
    consent_for,
    contact_view,
    contact_views,
)

CATEGORIES = ("job", "invoice_statement", "marketing")
_SWITCHABLE = {"mobile", "phone", "fax"}


def _parse_notifications(value: object, field: str) -> dict[str, bool]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid(f"{field} must be an object of on/off settings.", field=field)
    parsed: dict[str, bool] = {}
    for key, setting in value.items():
        if key not in CATEGORIES:
            raise Invalid(
                f"{field}.{key} is not a notification type; use job, "
                "invoice_statement or marketing.",
                field=f"{field}.{key}",
            )
        if not isinstance(setting, bool):
            raise Invalid(f"{field}.{key} must be true or false.", field=f"{field}.{key}")
        parsed[key] = setting
    return parsed


def _parse_kind(value: object, field: str) -> str:
    kinds = [k.value for k in ContactKind]
    if value not in kinds:
        raise Invalid(f"{field} must be one of {', '.join(kinds)}.", field=field)
    assert isinstance(value, str)
    return value


@dataclass(frozen=True)
class ContactInput:
    kind: str
    value: str
    memo: str | None
    notifications: dict[str, bool]

    @classmethod
    def parse(cls, data: object, field: str = "") -> ContactInput:
        prefix = f"{field}." if field else ""
        if not isinstance(data, dict):
            raise Invalid(f"{field or 'contact'} must be an object.", field=field or "contact")
        value = data.get("value")
        if not isinstance(value, str) or not value.strip():
            raise Invalid(f"{prefix}value is required.", field=f"{prefix}value")
        memo = data.get("memo")
        if memo is not None and (not isinstance(memo, str) or len(memo) > limits.MEMO):
            raise Invalid(
                f"{prefix}memo must be text of at most {limits.MEMO} characters.",
                field=f"{prefix}memo",
            )
        return cls(
            kind=_parse_kind(data.get("kind"), f"{prefix}kind"),
            value=value,
            memo=(memo or "").strip() or None,
            notifications=_parse_notifications(data.get("notifications"), f"{prefix}notifications"),
        )


def _check_turn_on(
    tx: Transaction,
    account_id: str,
    kind: str,
    address: str,
    do_not_mail: bool,
    category: str,
    field: str,
    consent: AddressState | None = None,
) -> None:
    """Refuse to turn a notification on where a rule forbids it (R-3, R-8, R-12, R-14).

    ``consent`` is the address's state when the caller already read it (imports
    read a whole batch's at once); otherwise it is read here.
    """
    if kind == "fax":
        raise Invalid("Faxes get no notifications.", field=field)
    if category == "invoice_statement" and kind != "email":
        raise Invalid("Invoices and statements go to email contacts only.", field=field)
    if consent is None:
        consent = consent_for(tx, account_id, [address])[address]
    if kind in PHONE_KINDS and consent.sms_opted_out:
        raise SmsOptedOut(field=field)
    if kind == "email" and consent.suppression != "none":
        raise EmailSuppressed(
            "This email address unsubscribed or bounced; automated email to it stays off.",
            field=field,
        )
    if do_not_mail:
        raise DoNotMail(
            "This customer is Do Not Mail: notifications stay off until the flag is cleared.",
            field=field,
        )


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


def insert_contacts(
    tx: Transaction,
    principal: Principal,
    account: t.Account,
    items: Sequence[NewContact],
    *,
    imported: bool = False,
) -> list[str]:
    """Add contacts inside the caller's transaction, checking each as insert_contact does.

    Values are parsed first and the consent of every address asking for a
    notification is read in one statement; rows are then checked in order, so the
    first problem named is the one a row-by-row pass would name. The rows and their
    audit entries are written with one statement each. Returns the new ids.
    """
    parsed: list[ParsedValue | Invalid] = []
    for item in items:
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
    rows = [
        _contact_row(tx, account, item, value, consent)
        for item, value in zip(items, parsed, strict=True)
    ]
    insert_rows(tx, t.Contact, rows)
    audit_many(tx, principal, [("contact", row["id"], "value", None, row["value"]) for row in rows])
    return [row["id"] for row in rows]


def insert_contact(
    tx: Transaction,
    principal: Principal,
    account: t.Account,
    customer: t.Customer,
    location: t.Location | None,
    data: ContactInput,
    field: str = "",
    *,
    imported: bool = False,
) -> t.Contact:
    """Add one contact inside the caller's transaction.

    By hand a placeholder is refused; by import it is kept and flagged (R-2).
    """
    item = NewContact(Owner.of(customer, location), data, field)
    (contact_id,) = insert_contacts(tx, principal, account, [item], imported=imported)
    contact = tx.session.get(t.Contact, (account.id, contact_id))
    assert contact is not None
    return contact


def _prefix(field: str) -> str:
    return f"{field}." if field else ""


def _contact_row(
    tx: Transaction,
    account: t.Account,
    item: NewContact,
    parsed: ParsedValue | Invalid,
    consent: dict[str, AddressState],
) -> dict[str, Any]:
    if isinstance(parsed, Invalid):
        raise parsed
    data, owner = item.data, item.owner
    settings = {
        # job follows the account switch, unless Do Not Mail; the rest start off.
        "job": data.kind != "fax"
        and account.customer_notifications_enabled
        and not owner.do_not_mail
        and not parsed.placeholder,
        "invoice_statement": False,
        "marketing": False,
    }
    for category, on in data.notifications.items():
        # Asking for a setting is checked even where the default would give it:
        # the caller must learn that an opted-out number cannot be switched on.
        if on:
            _check_turn_on(
                tx,
                account.id,
                data.kind,
                parsed.value,
                owner.do_not_mail,
                category,
                f"{_prefix(item.field)}notifications.{category}",
                consent.get(parsed.value, NO_CONSENT_RECORDED),
            )
        settings[category] = on
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


def add_contact(
    uow: UnitOfWork,
    principal: Principal,
    data: dict[str, Any],
    *,
    customer_id: str | None = None,
    location_id: str | None = None,
    imported: bool = False,
) -> dict[str, Any]:
    contact_input = ContactInput.parse(data)
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        location = None
        if location_id is not None:
            location = tx.session.get(t.Location, (account.id, location_id))
            if location is None:
                raise NotFound("No location with this id.")
            customer_id = location.customer_id
        customer = tx.session.get(t.Customer, (account.id, customer_id))
        if customer is None:
            raise NotFound("No customer with this id.")
        contact = insert_contact(
            tx, principal, account, customer, location, contact_input, imported=imported
        )
        tx.session.flush()
        view = contact_views(tx, account.id, [contact])[0]
        tx.commit()
    return view


def load_contact(tx: Transaction, account_id: str, contact_id: str) -> t.Contact:
    contact = tx.session.get(t.Contact, (account_id, contact_id))
    if contact is None:
        raise NotFound("No contact with this id.")
    return contact


def contact_owners(uow: UnitOfWork, principal: Principal, contact_ids: list[str]) -> dict[str, str]:
    """Whether each contact hangs on a customer or a location, for those in the caller's account.

    Permissions follow the owner (R-22: customer:* or location:*), so callers ask this
    before acting on a contact; an id that is not here is not the caller's to see.
    """
    wanted = sorted({c for c in contact_ids if isinstance(c, str)})
    if not wanted:
        return {}
    with uow.read() as tx:
        rows = tx.session.execute(
            select(t.Contact.id, t.Contact.location_id).where(
                t.Contact.account_id == principal.account_id, t.Contact.id.in_(wanted)
            )
        ).all()
    return {row.id: "location" if row.location_id else "customer" for row in rows}


def get_contact(uow: UnitOfWork, principal: Principal, contact_id: str) -> dict[str, Any]:
    with uow.read() as tx:
        contact = load_contact(tx, principal.account_id, contact_id)
        return contact_views(tx, principal.account_id, [contact])[0]


def update_contact(  # noqa: C901
    uow: UnitOfWork, principal: Principal, contact_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Change kind, value, memo or notification settings in one transaction.

    Answers the contact and, after a value change, the other records that still
    carry the old value (R-6).
    """
    notifications = _parse_notifications(data.get("notifications"), "notifications")
    with uow.write() as tx:
        # The account lock orders this against an inbound STOP for the same number.
        account = tx.lock_account(principal.account_id)
        assert account is not None
        contact = load_contact(tx, account.id, contact_id)
        customer = tx.session.get(t.Customer, (account.id, contact.customer_id))
        assert customer is not None
        old_value = contact.value
        if "kind" in data and data["kind"] != contact.kind:
            kind = _parse_kind(data["kind"], "kind")
            if {kind, contact.kind} - _SWITCHABLE:
                raise Invalid(
                    "A phone number cannot become an email or the other way round: "
                    "add a new contact instead.",
                    field="kind",
                )
            audit(tx, principal, "contact", contact.id, "kind", contact.kind, kind)
            contact.kind = kind
            if kind == "fax":
                _turn_all_off(tx, principal, contact)
        if "memo" in data:
            memo = data["memo"]
            if memo is not None and (not isinstance(memo, str) or len(memo) > limits.MEMO):
                raise Invalid(
                    f"memo must be text of at most {limits.MEMO} characters.", field="memo"
                )
            memo = (memo or "").strip() or None
            audit(tx, principal, "contact", contact.id, "memo", contact.memo, memo)
            contact.memo = memo
        if "value" in data:
            if not isinstance(data["value"], str):
                raise Invalid("value must be text.", field="value")
            parsed = parse_contact_value(
                contact.kind, data["value"], extra_placeholders=account.placeholders
            )
            if parsed.value != contact.value:
                _change_value(tx, principal, contact, parsed.value)
                contact.placeholder = False
        for category, on in notifications.items():
            column = f"notify_{category}"
            if on and not getattr(contact, column):
                _check_turn_on(
                    tx,
                    account.id,
                    contact.kind,
                    contact.value,
                    customer.do_not_mail,
                    category,
                    f"notifications.{category}",
                )
            audit(
                tx,
                principal,
                "contact",
                contact.id,
                f"notifications.{category}",
                getattr(contact, column),
                on,
            )
            setattr(contact, column, on)
        tx.session.flush()
        candidates = (
            sync_candidates(tx, contact, old_value)
            if contact.value != old_value and not contact.placeholder
            else []
        )
        view = contact_views(tx, account.id, [contact])[0]
        tx.commit()
    return {"contact": view, "sync_candidates": candidates}


def _turn_all_off(tx: Transaction, principal: Principal, contact: t.Contact) -> None:
    for category in CATEGORIES:
        column = f"notify_{category}"
        audit(
            tx,
            principal,
            "contact",
            contact.id,
            f"notifications.{category}",
            getattr(contact, column),
            False,
        )
        setattr(contact, column, False)


def sync_candidates(tx: Transaction, contact: t.Contact, old_value: str) -> list[dict[str, Any]]:
    account = tx.session.get(t.Account, contact.account_id)
    assert account is not None
    if is_placeholder(contact.kind, old_value, account.placeholders):
        return []
    others = tx.session.scalars(
        select(t.Contact)
        .where(
            t.Contact.account_id == contact.account_id,
            t.Contact.value == old_value,
            t.Contact.id != contact.id,
            t.Contact.placeholder.is_(False),
        )
        .order_by(t.Contact.created_at, t.Contact.id)
    ).all()
    return [_candidate(tx, other, contact.customer_id) for other in others]


def _candidate(tx: Transaction, other: t.Contact, customer_id: str) -> dict[str, Any]:
    customer = tx.session.get(t.Customer, (other.account_id, other.customer_id))
    return {
        "contact_id": other.id,
        "owner": {"type": "location", "id": other.location_id}
        if other.location_id
        else {"type": "customer", "id": other.customer_id},
        "customer_id": other.customer_id,
        "customer_name": customer.name if customer else None,
        "other_customer": other.customer_id != customer_id,
    }


def sync_contact(
    uow: UnitOfWork,
    principal: Principal,
    contact_id: str,
    targets: list[str],
    *,
    confirm_other_customers: bool = False,
) -> dict[str, Any]:
    """Copy a contact's last value change onto chosen records that still carry the old value.

    All or nothing: one refused target refuses the whole sync (R-6).
    """
    if not isinstance(targets, list) or not targets or not all(isinstance(x, str) for x in targets):
        raise Invalid("targets must list at least one contact id.", field="targets")
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        source = load_contact(tx, account.id, contact_id)
        change = tx.session.scalars(
            select(t.ContactChange)
            .where(
                t.ContactChange.account_id == account.id,
                t.ContactChange.contact_id == source.id,
                t.ContactChange.new_value.is_not(None),
            )
            .order_by(t.ContactChange.at.desc(), t.ContactChange.id.desc())
            .limit(1)
        ).one_or_none()
        if change is None or change.old_value is None or change.new_value is None:
            raise Invalid(
                "This contact's value has not been changed, so there is nothing to sync.",
                field="targets",
            )
        if (
            source.placeholder
            or is_placeholder(source.kind, change.old_value, account.placeholders)
            or is_placeholder(source.kind, change.new_value, account.placeholders)
        ):
            raise PlaceholderSyncForbidden(
                "A placeholder value is never synced to or from other records."
            )
        chosen: list[t.Contact] = []
        for i, target_id in enumerate(dict.fromkeys(targets)):
            target = tx.session.get(t.Contact, (account.id, target_id))
            if target is None or target.id == source.id:
                raise Invalid(
                    f"targets[{i}] is not another contact of this account.", field=f"targets[{i}]"
                )
            if target.placeholder:
                raise PlaceholderSyncForbidden(
                    "A placeholder value is never synced to or from other records.",
                    contact_id=target.id,
                )
            if target.value != change.old_value:
                raise Invalid(
                    f"targets[{i}] no longer carries the old value {change.old_value}.",
                    field=f"targets[{i}]",
                )
            chosen.append(target)
        others = [c for c in chosen if c.customer_id != source.customer_id]
        if others and not confirm_other_customers:
            raise ConfirmationRequired(
                "Some of these records belong to other customers; "
                "confirm to change them too (confirm_other_customers).",
                contacts=[_candidate(tx, c, source.customer_id) for c in others],
            )
        for target in chosen:
            _change_value(tx, principal, target, change.new_value)
        tx.commit()
    return {"synced": [c.id for c in chosen]}


def _change_value(
    tx: Transaction, principal: Principal, contact: t.Contact, new_value: str | None
) -> None:
    """Record a value change (R-5, R-23) and make it; ``None`` is a removal."""
    audit(tx, principal, "contact", contact.id, "value", contact.value, new_value)
    tx.session.add(
        t.ContactChange(
            account_id=contact.account_id,
            id=new_id("chg"),
            contact_id=contact.id,
            old_value=contact.value,
            new_value=new_value,
            actor=principal.actor,
            at=now(),
        )
    )
    if new_value is not None:
        contact.value = new_value


def delete_contact(uow: UnitOfWork, principal: Principal, contact_id: str) -> None:
    """Remove a contact; its consent stays with the address (R-5, R-17)."""
    with uow.write() as tx:
        tx.lock_account(principal.account_id)
        contact = load_contact(tx, principal.account_id, contact_id)
        _change_value(tx, principal, contact, None)
        tx.session.delete(contact)
        tx.commit()


def contact_history(uow: UnitOfWork, principal: Principal, contact_id: str) -> list[dict[str, Any]]:
    with uow.read() as tx:
        if tx.session.get(t.Contact, (principal.account_id, contact_id)) is None and not (
            tx.session.scalars(
                select(t.ContactChange.id).where(
                    t.ContactChange.account_id == principal.account_id,
                    t.ContactChange.contact_id == contact_id,
                )
            ).first()
        ):
            raise NotFound("No contact with this id.")
        rows = tx.session.scalars(
            select(t.ContactChange)
            .where(
                t.ContactChange.account_id == principal.account_id,
                t.ContactChange.contact_id == contact_id,
            )
            .order_by(t.ContactChange.at, t.ContactChange.id)
        ).all()
    return [
        {
            "old_value": r.old_value,
            "new_value": r.new_value,
            "actor": r.actor,
            "at": r.at.isoformat(),
        }
        for r in rows
    ]


__all__ = ["contact_view"]
