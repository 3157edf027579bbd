"""Marketing consent's statements (R-24): the current state per address beside the
ledger, the ledger entries that hold its evidence, and the contacts whose marketing
setting has no consent on record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, select, update
from sqlalchemy.orm.util import identity_key

from heed.adapters.db import tables as t
from heed.adapters.db.ledger import entries_by_seq
from heed.adapters.db.many import ManyRows
from heed.adapters.db.uow import Transaction
from heed.domain.consent import LedgerEntry
from heed.domain.marketing import NO_MARKETING, MarketingState
from heed.domain.preferences import PHONE_KINDS


def _state(row: t.MarketingConsent) -> MarketingState:
    return MarketingState(
        bool(row.consented),
        row.consent_seq,
        row.withdrawn_seq,
        row.pending_since,
        row.pending_seq,
        row.request_message_id,
        row.method,
        row.changed_at,
    )


def states(tx: Transaction, account_id: str, addresses: Iterable[str]) -> dict[str, MarketingState]:
    """Each address's marketing consent (NO_MARKETING when nothing was recorded)."""
    wanted = sorted(set(addresses))
    if not wanted:
        return {}
    rows = tx.session.scalars(
        select(t.MarketingConsent).where(
            t.MarketingConsent.account_id == account_id, t.MarketingConsent.address.in_(wanted)
        )
    )
    found = {row.address: _state(row) for row in rows}
    return {address: found.get(address, NO_MARKETING) for address in wanted}


def save(
    tx: Transaction, account_id: str, address: str, state: MarketingState, at: datetime
) -> None:
    """Store the address's marketing consent (insert or replace its row)."""
    row = tx.session.get(t.MarketingConsent, (account_id, address))
    if row is None:
        row = t.MarketingConsent(account_id=account_id, address=address)
        tx.session.add(row)
    row.consented = state.consented
    row.consent_seq = state.consent_seq
    row.withdrawn_seq = state.withdrawn_seq
    row.pending_since = state.pending_since
    row.pending_seq = state.pending_seq
    row.request_message_id = state.request_message_id
    row.method = state.method
    row.changed_at = state.changed_at
    row.updated_at = at
    tx.session.flush()


def void_after_opt_out(
    tx: Transaction, account_id: str, opted_out: Mapping[str, tuple[int, datetime]]
) -> None:
    """An SMS opt-out ends marketing consent and any waiting request (one UPDATE per
    address, sent together); after START, only a fresh consent brings marketing back."""
    if not opted_out:
        return
    session = tx.session
    # The statement goes to the connection, past the ORM: a change to these rows the
    # session has not written yet is written first, and a row it holds is read again
    # when next used.
    if any(isinstance(row, t.MarketingConsent) for row in (*session.new, *session.dirty)):
        session.flush()
    _VOID.run(
        session.connection(),
        [(account_id, address, seq, at) for address, (seq, at) in sorted(opted_out.items())],
    )
    if any(isinstance(held, t.MarketingConsent) for held in session.identity_map.values()):
        for address in opted_out:
            key = identity_key(t.MarketingConsent, (account_id, address))
            held = session.identity_map.get(key)
            if held is not None:
                session.expire(held)


_MARKETING = cast(Table, t.MarketingConsent.__table__)
_VOID = ManyRows(
    update(_MARKETING)
    .where(
        _MARKETING.c.account_id == bindparam("v_account"),
        _MARKETING.c.address == bindparam("v_address"),
        (_MARKETING.c.consented.is_(True)) | (_MARKETING.c.pending_since.is_not(None)),
    )
    .values(
        consented=False,
        withdrawn_seq=bindparam("v_seq"),
        pending_since=None,
        pending_seq=None,
        request_message_id=None,
        method=None,
        changed_at=bindparam("v_at"),
        updated_at=bindparam("v_at"),
    ),
    ("v_account", "v_address", "v_seq", "v_at"),
    postgresql_arrays=(
        "UPDATE marketing_consent SET consented = false, withdrawn_seq = v.seq, "
        "pending_since = NULL, pending_seq = NULL, request_message_id = NULL, method = NULL, "
        "changed_at = v.at, updated_at = v.at "
        "FROM unnest(%b::varchar[], %b::varchar[], %b::integer[], %b::timestamp[]) "
        "AS v(account_id, address, seq, at) "
        "WHERE marketing_consent.account_id = v.account_id "
        "AND marketing_consent.address = v.address "
        "AND (marketing_consent.consented IS true OR marketing_consent.pending_since IS NOT NULL)"
    ),
)


def consented_addresses(tx: Transaction, account_id: str) -> set[str]:
    """Every address of the account whose stored marketing consent is given."""
    return set(
        tx.session.scalars(
            select(t.MarketingConsent.address).where(
                t.MarketingConsent.account_id == account_id,
                t.MarketingConsent.consented.is_(True),
            )
        )
    )


def entries(tx: Transaction, account_id: str, seqs: Iterable[int | None]) -> dict[int, LedgerEntry]:
    return entries_by_seq(tx.session, account_id, [s for s in seqs if s is not None])


def not_on_record(tx: Transaction, account_id: str) -> list[dict[str, Any]]:
    """Phone contacts with marketing on and no consent on record, by customer: settings
    from before heed kept evidence (R-24)."""
    consent = t.MarketingConsent
    rows = tx.session.execute(
        select(
            t.Contact.id,
            t.Contact.customer_id,
            t.Contact.location_id,
            t.Contact.kind,
            t.Contact.value,
            t.Customer.name,
        )
        .join(
            t.Customer,
            and_(
                t.Customer.account_id == t.Contact.account_id,
                t.Customer.id == t.Contact.customer_id,
            ),
        )
        .outerjoin(
            consent,
            and_(consent.account_id == t.Contact.account_id, consent.address == t.Contact.value),
        )
        .where(
            t.Contact.account_id == account_id,
            t.Contact.notify_marketing.is_(True),
            t.Contact.kind.in_(PHONE_KINDS),
            consent.consented.is_not(True),
        )
        .order_by(t.Customer.name_key, t.Contact.created_at, t.Contact.id)
    ).mappings()
    return [dict(row) for row in rows]
