"""The consent ledger's statements: append and read entries, and the current-state
projection beside them (R-17).

The ledger is only ever appended to (the database refuses UPDATE and DELETE on
it); consent_state is written in the same transaction. Rows come back as the
domain's LedgerEntry, ScopeConsent and AddressState.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Table,
    and_,
    bindparam,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from heed.adapters.db import tables as t
from heed.adapters.db.many import DriverRead, ManyRows, read_together
from heed.adapters.db.uow import StripeHead
from heed.domain.consent import (
    NO_CONSENT_RECORDED,
    AddressState,
    LedgerEntry,
    ScopeConsent,
    Suppression,
    fold_rows,
)

_EVENTS = cast(Table, t.ConsentEvent.__table__)
_STATES = cast(Table, t.ConsentState.__table__)
# Every field of an entry, read and written by name: a field added to LedgerEntry
# (and its column) is stored, read and hashed without touching this module.
_ENTRY_FIELDS = tuple(field.name for field in dataclasses.fields(LedgerEntry))
_ENTRY_COLUMNS = [_EVENTS.c[name] for name in _ENTRY_FIELDS]
# Entries are read in pages, never all held: a ledger may have millions.
_PAGE = 1000
# The statements every write of a batch runs, built once (building and keying one costs
# about what running it does); lists go in as expanding parameters.
_APPEND = ManyRows(
    insert(_EVENTS),
    _ENTRY_FIELDS,
    postgresql_arrays=(
        f"INSERT INTO consent_events ({', '.join(_ENTRY_FIELDS)}) SELECT * FROM unnest("
        "%b::varchar[], %b::integer[], %b::varchar[], %b::varchar[], %b::varchar[], "
        "%b::varchar[], %b::varchar[], %b::text[], %b::varchar[], %b::varchar[], "
        "%b::timestamp[], %b::varchar[], %b::varchar[], %b::varchar[], %b::text[], "
        "%b::integer[])"
    ),
)
assert _ENTRY_FIELDS == (
    "account_id",
    "seq",
    "address",
    "channel",
    "scope",
    "action",
    "source",
    "body",
    "provider_message_id",
    "actor",
    "at",
    "prev_hash",
    "hash",
    "via",
    "evidence",
    "stripe",
), "consent_events' PostgreSQL INSERT names its columns' types in this order"
_ENTRY_VALUES = attrgetter(*_ENTRY_FIELDS)
_STRIPES = cast(Table, t.LedgerStripe.__table__)
_MOVE_HEAD = ManyRows(
    update(_STRIPES)
    .where(
        _STRIPES.c.account_id == bindparam("h_account_id"),
        _STRIPES.c.stripe == bindparam("h_stripe"),
    )
    .values(seq=bindparam("h_seq"), head=bindparam("h_head")),
    ("h_account_id", "h_stripe", "h_seq", "h_head"),
    postgresql_arrays=(
        "UPDATE ledger_stripes SET seq = v.seq, head = v.head "
        "FROM unnest(%b::varchar[], %b::integer[], %b::integer[], %b::varchar[]) "
        "AS v(account_id, stripe, seq, head) "
        "WHERE ledger_stripes.account_id = v.account_id AND ledger_stripes.stripe = v.stripe"
    ),
)
_SCOPE_ROWS = select(
    _STATES.c.address, _STATES.c.scope, _STATES.c.opted_out, _STATES.c.suppression
).where(
    _STATES.c.account_id == bindparam("account_id"),
    _STATES.c.address.in_(bindparam("addresses", expanding=True)),
)
# The same on PostgreSQL, the addresses as one array.
_SCOPE_ROWS_POSTGRESQL = (
    "SELECT address, scope, opted_out, suppression FROM consent_state "
    "WHERE account_id = %s AND address = ANY(%b::varchar[])"
)
_ADD_STATES = ManyRows(
    insert(_STATES),
    (
        "account_id",
        "address",
        "scope",
        "opted_out",
        "suppression",
        "last_seq",
        "updated_at",
        "channel",
    ),
    postgresql_arrays=(
        "INSERT INTO consent_state (account_id, address, scope, opted_out, suppression, "
        "last_seq, updated_at, channel) SELECT * FROM unnest(%b::varchar[], %b::varchar[], "
        "%b::varchar[], %b::boolean[], %b::varchar[], %b::integer[], %b::timestamp[], "
        "%b::varchar[])"
    ),
)
_UPDATE_STATES = ManyRows(
    update(_STATES)
    .where(
        _STATES.c.account_id == bindparam("k_account_id"),
        _STATES.c.address == bindparam("k_address"),
        _STATES.c.scope == bindparam("k_scope"),
    )
    .values(
        opted_out=bindparam("u_opted_out"),
        suppression=bindparam("u_suppression"),
        last_seq=bindparam("u_last_seq"),
        updated_at=bindparam("u_updated_at"),
    ),
    (
        "k_account_id",
        "k_address",
        "k_scope",
        "u_opted_out",
        "u_suppression",
        "u_last_seq",
        "u_updated_at",
    ),
    postgresql_arrays=(
        "UPDATE consent_state SET opted_out = v.opted_out, suppression = v.suppression, "
        "last_seq = v.last_seq, updated_at = v.updated_at "
        "FROM unnest(%b::varchar[], %b::varchar[], %b::varchar[], %b::boolean[], "
        "%b::varchar[], %b::integer[], %b::timestamp[]) "
        "AS v(account_id, address, scope, opted_out, suppression, last_seq, updated_at) "
        "WHERE consent_state.account_id = v.account_id "
        "AND consent_state.address = v.address AND consent_state.scope = v.scope"
    ),
)


# ---- the log --------------------------------------------------------------------------------


def append_entries(session: Session, entries: Sequence[LedgerEntry]) -> None:
    """Store entries already chained (one INSERT for all of them)."""
    if entries:
        _APPEND.run(session.connection(), [_ENTRY_VALUES(e) for e in entries])


def move_stripe_heads(session: Session, heads: Iterable[StripeHead]) -> None:
    """Store the heads of stripes that entries were just chained after (the stripes are
    locked: their rows only move forward, ledger_stripes_head_forward)."""
    values = [(h.account_id, h.stripe, h.seq, h.head) for h in heads]
    if values:
        _MOVE_HEAD.run(session.connection(), values)


def has_message(session: Session, account_id: str, provider_message_id: str) -> bool:
    """Whether an entry already records this provider message."""
    found = session.scalars(
        select(_EVENTS.c.seq).where(
            _EVENTS.c.account_id == account_id,
            _EVENTS.c.provider_message_id == provider_message_id,
        )
    ).first()
    return found is not None


def entries(
    session: Session,
    account_id: str,
    *,
    address: str | None = None,
    since: datetime | None = None,
) -> list[LedgerEntry]:
    """The account's entries in seq order, about one address or from a time on: each
    chain's entries in chain order, one address's in the order they were written."""
    query = select(*_ENTRY_COLUMNS).where(_EVENTS.c.account_id == account_id)
    if address is not None:
        query = query.where(_EVENTS.c.address == address)
    if since is not None:
        query = query.where(_EVENTS.c.at >= since)
    return [LedgerEntry(**row._mapping) for row in session.execute(query.order_by(_EVENTS.c.seq))]


def latest_entries(session: Session, account_id: str, limit: int) -> list[LedgerEntry]:
    """The account's last ``limit`` entries, newest first: by time, since stripes
    interleave seqs (ix_consent_events_at), then by seq."""
    query = (
        select(*_ENTRY_COLUMNS)
        .where(_EVENTS.c.account_id == account_id)
        .order_by(_EVENTS.c.at.desc(), _EVENTS.c.seq.desc())
        .limit(limit)
    )
    return [LedgerEntry(**row._mapping) for row in session.execute(query)]


def entries_by_seq(
    session: Session, account_id: str, seqs: Iterable[int]
) -> dict[int, LedgerEntry]:
    """The account's entries with these seq numbers, by seq."""
    wanted = sorted(set(seqs))
    if not wanted:
        return {}
    query = select(*_ENTRY_COLUMNS).where(
        _EVENTS.c.account_id == account_id, _EVENTS.c.seq.in_(wanted)
    )
    return {row.seq: LedgerEntry(**row._mapping) for row in session.execute(query)}


def paged_entries(session: Session, account_id: str) -> Iterator[LedgerEntry]:
    """Every entry of the account in seq order, read a page at a time."""
    query = select(*_ENTRY_COLUMNS).where(_EVENTS.c.account_id == account_id)
    for row in _pages(session, query, _EVENTS.c.account_id, _EVENTS.c.seq):
        yield LedgerEntry(**row._mapping)


@dataclass(frozen=True)
class Change:
    """What an entry changes: enough for the fold."""

    address: str
    action: str
    scope: str


def paged_changes(session: Session, account_id: str) -> Iterator[Change]:
    """The account's entries by address, then seq, a page at a time."""
    query = select(
        *(_EVENTS.c[name] for name in ("account_id", "address", "seq", "action", "scope"))
    ).where(_EVENTS.c.account_id == account_id)
    keys = (_EVENTS.c.account_id, _EVENTS.c.address, _EVENTS.c.seq)
    for row in _pages(session, query, *keys):
        yield Change(str(row.address), row.action, row.scope)


def _pages(session: Session, query: Select[Any], *key: ColumnElement[Any]) -> Iterator[Row[Any]]:
    """The rows of ``query`` in ``key`` order, read a page at a time.

    Keyset pages rather than a server-side cursor: a ledger may have millions of
    entries, and most have a handful, which then cost one plain query (a cursor
    costs PostgreSQL several round trips per account, every day, for every account).
    ``key`` must lead with the account id and be unique within the query.
    """
    after: tuple[Any, ...] | None = None
    while True:
        page = query if after is None else query.where(tuple_(*key) > tuple_(*after))
        rows = session.execute(page.order_by(*key).limit(_PAGE)).all()
        yield from rows
        if len(rows) < _PAGE:
            return
        after = tuple(rows[-1]._mapping[column] for column in key)


# ---- current consent (consent_state) --------------------------------------------------------


def consent_for(
    session: Session, account_id: str, addresses: Iterable[str]
) -> dict[str, AddressState]:
    """Current consent of each address (NO_CONSENT_RECORDED when nothing is stored)."""
    wanted = sorted(set(addresses))
    if not wanted:
        return {}
    found = fold_rows(
        session.execute(
            select(
                _STATES.c.address, _STATES.c.scope, _STATES.c.opted_out, _STATES.c.suppression
            ).where(_STATES.c.account_id == account_id, _STATES.c.address.in_(wanted))
        )
    )
    return {a: found.get(a, NO_CONSENT_RECORDED) for a in wanted}


def stored_consent(session: Session, account_id: str) -> dict[str, AddressState]:
    """Current consent of every address the account has a row for."""
    return fold_rows(
        session.execute(
            select(
                _STATES.c.address, _STATES.c.scope, _STATES.c.opted_out, _STATES.c.suppression
            ).where(_STATES.c.account_id == account_id)
        )
    )


def scope_rows(
    session: Session, account_id: str, addresses: Iterable[str]
) -> dict[str, dict[str, ScopeConsent]]:
    """The stored scope rows of each address (addresses with none are left out)."""
    wanted = sorted(set(addresses))
    if not wanted:
        return {}
    [rows] = read_together(session.connection(), [scope_rows_read(account_id, wanted)])
    return scope_rows_of(rows)


def scope_rows_read(account_id: str, addresses: Iterable[str]) -> DriverRead:
    """:func:`scope_rows`' statement, to be read with others; its rows go to
    :func:`scope_rows_of`."""
    wanted = sorted(set(addresses))
    return DriverRead(
        _SCOPE_ROWS_POSTGRESQL,
        (account_id, wanted),
        lambda connection: connection.execute(
            _SCOPE_ROWS, {"account_id": account_id, "addresses": wanted}
        ).all(),
    )


def scope_rows_of(rows: Iterable[Any]) -> dict[str, dict[str, ScopeConsent]]:
    """The scope rows by address and scope, from the read's rows."""
    found: dict[str, dict[str, ScopeConsent]] = {}
    for address, scope, opted_out, suppression in rows:
        found.setdefault(address, {})[scope] = ScopeConsent(opted_out, Suppression(suppression))
    return found


@dataclass(frozen=True)
class ScopeWrite:
    """A scope row to store: ``stored`` says whether it exists already."""

    address: str
    scope: str
    channel: str
    consent: ScopeConsent
    last_seq: int
    updated_at: datetime
    stored: bool


def save_scope_rows(session: Session, account_id: str, rows: Iterable[ScopeWrite]) -> None:
    """Insert the new rows and update the stored ones (one statement each)."""
    added: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []
    for row in rows:
        consent = row.consent
        values = (
            account_id,
            row.address,
            row.scope,
            consent.opted_out,
            str(consent.suppression),
            row.last_seq,
            row.updated_at,
        )
        if row.stored:
            changed.append(values)
        else:
            added.append((*values, row.channel))
    # Core statements, not the ORM's bulk update by primary key: the same rows, and
    # neither touches an object the session holds.
    if added:
        _ADD_STATES.run(session.connection(), added)
    if changed:
        _UPDATE_STATES.run(session.connection(), changed)


@dataclass(frozen=True)
class Standing:
    """A scope row that refuses messages now (an SMS opt-out or an email suppression),
    with the ledger entry that last wrote it: when and how it came to be."""

    address: str
    channel: str
    scope: str
    opted_out: bool
    suppression: str
    at: datetime
    source: str
    actor: str
    via: str | None


def standing_refusals(
    session: Session, account_id: str, *, containing: str | None, offset: int, limit: int
) -> list[Standing]:
    """The account's opted-out and suppressed addresses (one row per scope), newest
    first; ``containing`` keeps those whose stored address contains it."""
    query = (
        select(
            _STATES.c.address,
            _STATES.c.channel,
            _STATES.c.scope,
            _STATES.c.opted_out,
            _STATES.c.suppression,
            _EVENTS.c.at,
            _EVENTS.c.source,
            _EVENTS.c.actor,
            _EVENTS.c.via,
        )
        .join(
            _EVENTS,
            and_(_EVENTS.c.account_id == _STATES.c.account_id, _EVENTS.c.seq == _STATES.c.last_seq),
        )
        .where(
            _STATES.c.account_id == account_id,
            or_(_STATES.c.opted_out.is_(True), _STATES.c.suppression != "none"),
        )
    )
    if containing:
        query = query.where(_STATES.c.address.contains(containing, autoescape=True))
    ordered = query.order_by(
        _EVENTS.c.at.desc(), _EVENTS.c.seq.desc(), _STATES.c.address, _STATES.c.scope
    )
    return [
        Standing(**row._mapping) for row in session.execute(ordered.offset(offset).limit(limit))
    ]
