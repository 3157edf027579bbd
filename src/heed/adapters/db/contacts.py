"""Contact methods in the database: the records, their owners, value changes and sync look-ups.

Every statement the contact verbs make is here; each method reads within one
account, so an id of another account is simply not found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute

from heed.adapters.db import tables as t
from heed.adapters.db.rows import insert_rows
from heed.adapters.db.uow import Transaction

V = TypeVar("V")


class ContactRepository:
    """The contacts of one account, inside one transaction."""

    def __init__(self, tx: Transaction, account_id: str) -> None:
        self.tx = tx
        self.account_id = account_id

    # ---- the records ---------------------------------------------------------------

    def get(self, contact_id: str) -> t.Contact | None:
        return self.tx.session.get(t.Contact, (self.account_id, contact_id))

    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        insert_rows(self.tx, t.Contact, rows)

    def remove(self, contact: t.Contact) -> None:
        self.tx.session.delete(contact)

    def flush(self) -> None:
        """Write pending changes, so reads later in the transaction see them."""
        self.tx.session.flush()

    def owners(self, contact_ids: Iterable[str]) -> dict[str, str]:
        """``customer`` or ``location`` per contact id found in the account."""
        wanted = sorted(set(contact_ids))
        if not wanted:
            return {}
        rows = self.tx.session.execute(
            select(t.Contact.id, t.Contact.location_id).where(
                t.Contact.account_id == self.account_id, t.Contact.id.in_(wanted)
            )
        ).all()
        return {row.id: "location" if row.location_id else "customer" for row in rows}

    # ---- whom contacts hang on -------------------------------------------------------

    def customer(self, customer_id: str) -> t.Customer | None:
        return self.tx.session.get(t.Customer, (self.account_id, customer_id))

    def location(self, location_id: str) -> t.Location | None:
        return self.tx.session.get(t.Location, (self.account_id, location_id))

    def do_not_mail(self, customer_ids: Iterable[str]) -> dict[str, bool]:
        """Each customer's Do Not Mail flag, for the customers found."""
        return self._of_customers(t.Customer.do_not_mail, customer_ids)

    def customer_names(self, customer_ids: Iterable[str]) -> dict[str, str]:
        return self._of_customers(t.Customer.name, customer_ids)

    def _of_customers(self, column: InstrumentedAttribute[V], ids: Iterable[str]) -> dict[str, V]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self.tx.session.execute(
            select(t.Customer.id, column).where(
                t.Customer.account_id == self.account_id, t.Customer.id.in_(wanted)
            )
        ).all()
        return {customer_id: value for customer_id, value in rows}

    # ---- value changes and sync (R-5, R-6) ---------------------------------------------

    def carrying(self, value: str, *, besides: str) -> list[t.Contact]:
        """The account's other real (not placeholder) contacts with this value, oldest first."""
        return list(
            self.tx.session.scalars(
                select(t.Contact)
                .where(
                    t.Contact.account_id == self.account_id,
                    t.Contact.value == value,
                    t.Contact.id != besides,
                    t.Contact.placeholder.is_(False),
                )
                .order_by(t.Contact.created_at, t.Contact.id)
            ).all()
        )

    def record_change(
        self,
        change_id: str,
        contact: t.Contact,
        new_value: str | None,
        *,
        actor: str,
        at: datetime,
    ) -> None:
        """Keep a value change (``None``: a removal) for the contact's history."""
        self.tx.session.add(
            t.ContactChange(
                account_id=self.account_id,
                id=change_id,
                contact_id=contact.id,
                old_value=contact.value,
                new_value=new_value,
                actor=actor,
                at=at,
            )
        )

    def _changes_of(self, contact_id: str) -> Select[t.ContactChange]:
        return select(t.ContactChange).where(
            t.ContactChange.account_id == self.account_id,
            t.ContactChange.contact_id == contact_id,
        )

    def last_value_change(self, contact_id: str) -> t.ContactChange | None:
        """The contact's latest change to a new value (not its removal)."""
        latest = (
            self._changes_of(contact_id)
            .where(t.ContactChange.new_value.is_not(None))
            .order_by(t.ContactChange.at.desc(), t.ContactChange.id.desc())
            .limit(1)
        )
        return self.tx.session.scalars(latest).one_or_none()

    def history(self, contact_id: str) -> list[t.ContactChange]:
        """Every value change of the contact, oldest first; it outlives the contact."""
        oldest_first = self._changes_of(contact_id).order_by(t.ContactChange.at, t.ContactChange.id)
        return list(self.tx.session.scalars(oldest_first))


# ---- the clean-up list (R-2) -----------------------------------------------------------------


def contact_listing(tx: Transaction, account_id: str) -> list[Any]:
    """Every contact of the account with its customer's and location's names, in customer
    name order: what the placeholder clean-up list picks from (the account's own
    placeholders may have grown since a value was stored, so the flag alone is not enough)."""
    location_name = (
        select(t.Location.name)
        .where(
            t.Location.account_id == t.Contact.account_id, t.Location.id == t.Contact.location_id
        )
        .scalar_subquery()
    )
    return list(
        tx.session.execute(
            select(
                t.Contact.id,
                t.Contact.customer_id,
                t.Contact.location_id,
                t.Contact.kind,
                t.Contact.value,
                t.Contact.placeholder,
                t.Customer.name.label("customer_name"),
                location_name.label("location_name"),
            )
            .join(
                t.Customer,
                (t.Customer.account_id == t.Contact.account_id)
                & (t.Customer.id == t.Contact.customer_id),
            )
            .where(t.Contact.account_id == account_id)
            .order_by(t.Customer.name_key, t.Customer.id, t.Contact.created_at, t.Contact.id)
        ).all()
    )
