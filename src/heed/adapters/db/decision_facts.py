"""Every read the send decision makes (R-18, R-19): stored contacts with their consent,
the account's settings, the records behind a raw address, the business's numbers,
recent marketing texts, the review list, and a job's contacts.

Rows are decoded by name: each statement selects the fields of a typed row, in that
row's order and under its names (checked when this module loads), and comes back as
that row. The decision about one stored contact is one statement, the same on both
databases (SQLite's text names the indexes it reads, migration 0020); it runs on
SQLite's own driver connection and, on PostgreSQL, outside a transaction so its plan is
reused (bench/RESULTS.md, changes 11 and 15). A batch's contacts on PostgreSQL are read
in parts sent together in libpq's pipeline mode, so heed decides one part while the
server reads the next (``stored_contacts_in_parts``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any, Literal, NamedTuple

from psycopg import AsyncConnection, pq
from psycopg import Connection as PsycopgConnection
from psycopg import abc as psycopg_abc
from psycopg.adapt import PyFormat, Transformer
from psycopg.errors import error_from_result
from psycopg.generators import fetch_many, send
from psycopg.pq.abc import PGresult
from sqlalchemy import Engine, Select, String, and_, bindparam, exists, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY

from heed.adapters.db import tables as t
from heed.adapters.db.engine import statement_connection
from heed.adapters.db.uow import Transaction
from heed.domain.decision import Category
from heed.domain.recipient_facts import AccountRules, RawRecords, StoredContact

ConsentRow = tuple[str, str | None, bool | None, str | None]
"""(contact id or address, scope, opted_out, suppression): one consent_state row."""


class ContactRow(NamedTuple):
    """A stored contact, its customer's flag, its location's zone and state, and one consent row of
    its address (none when nothing was ever recorded: the consent fields are None)."""

    id: str
    kind: str
    value: str
    placeholder: bool
    notify_job: bool
    notify_invoice_statement: bool
    notify_marketing: bool
    do_not_mail: bool
    time_zone: str | None
    location_country: str | None  # the location's structured address, else None
    location_state: str | None
    consent_scope: str | None
    consent_opted_out: bool | None
    consent_suppression: str | None
    # Marketing consent on record for the address, and what CASL reads for email:
    # the customer's country and its purchase and inquiry dates (text on SQLite's driver).
    marketing_consented: bool | None
    consent_country: str | None
    last_purchase_at: datetime | str | None
    last_inquiry_at: datetime | str | None


class AccountRow(NamedTuple):
    customer_notifications_enabled: bool
    window_start: str
    window_end: str
    placeholders: list[str] | str | None  # SQLite's driver hands JSON back as text


class StoredContacts(NamedTuple):
    """Contacts by id, and the consent rows of their addresses, keyed by contact id."""

    contacts: dict[str, StoredContact]
    consent_rows: list[ConsentRow]


class OneContact(NamedTuple):
    stored: StoredContacts
    rules: AccountRules
    under_review: bool  # the number has a text on the review list


class JobContact(NamedTuple):
    id: str
    kind: str
    value: str
    location_id: str | None


_SOURCES: dict[str, Any] = {
    "id": t.Contact.id,
    "kind": t.Contact.kind,
    "value": t.Contact.value,
    "placeholder": t.Contact.placeholder,
    "notify_job": t.Contact.notify_job,
    "notify_invoice_statement": t.Contact.notify_invoice_statement,
    "notify_marketing": t.Contact.notify_marketing,
    "do_not_mail": t.Customer.do_not_mail,
    "time_zone": t.Location.time_zone,
    "location_country": t.Location.address_country,
    "location_state": t.Location.address_state,
    "consent_scope": t.ConsentState.scope,
    "consent_opted_out": t.ConsentState.opted_out,
    "consent_suppression": t.ConsentState.suppression,
    "marketing_consented": t.MarketingConsent.consented,
    # The law for marketing email: the integrator's word, else where the contact's
    # location is, else the customer's billing address (a structured one, R-27).
    "consent_country": func.coalesce(
        t.Customer.consent_country, t.Location.address_country, t.Customer.billing_country
    ),
    "last_purchase_at": t.Customer.last_purchase_at,
    "last_inquiry_at": t.Customer.last_inquiry_at,
    "customer_notifications_enabled": t.Account.customer_notifications_enabled,
    "window_start": t.Account.window_start,
    "window_end": t.Account.window_end,
    "placeholders": t.Account.placeholders,
}


def _columns_of(row: type[tuple[Any, ...]]) -> list[Any]:
    fields: tuple[str, ...] = row._fields  # type: ignore[attr-defined]
    return [_SOURCES[name].label(name) for name in fields]


def _named_as(statement: Select[Any], row: type[tuple[Any, ...]]) -> Select[Any]:
    assert list(statement.selected_columns.keys()) == list(row._fields)  # type: ignore[attr-defined]
    return statement


def _with_contact_joins(statement: Select[Any]) -> Select[Any]:
    """``statement`` (selecting from contacts) joined to each contact's customer,
    location, consent rows and marketing consent."""
    return (
        statement.join(
            t.Customer,
            and_(
                t.Customer.account_id == t.Contact.account_id,
                t.Customer.id == t.Contact.customer_id,
            ),
        )
        .outerjoin(
            t.Location,
            and_(
                t.Location.account_id == t.Contact.account_id,
                t.Location.id == t.Contact.location_id,
            ),
        )
        .outerjoin(
            t.ConsentState,
            and_(
                t.ConsentState.account_id == t.Contact.account_id,
                t.ConsentState.address == t.Contact.value,
            ),
        )
        .outerjoin(
            t.MarketingConsent,
            and_(
                t.MarketingConsent.account_id == t.Contact.account_id,
                t.MarketingConsent.address == t.Contact.value,
            ),
        )
        .where(t.Contact.account_id == bindparam("account_id"))
    )


_CONTACT_JOINS = _with_contact_joins(select(*_columns_of(ContactRow)).select_from(t.Contact))
# A batch's contacts, one statement per database. SQLite runs its SQL as text with one
# ? per id: SQLAlchemy's handling of a thousand expanding parameters and of its result
# types costs about 1 us per contact, a twentieth of a batch decision. PostgreSQL takes
# the ids as one array parameter: the statement's text is the same for every batch
# size, and neither side handles a thousand parameters (2.5 against 6.7 ms per 1,000).


def _indexed_sqlite(statement: Select[Any]) -> str:
    """The statement's SQLite text, reading contacts, customers and locations through
    the indexes that hold every column it reads (migration 0020). SQLite plans without
    statistics here, and would take each primary key's one-row look-up and then read
    the table: twice the pages per probe (bench/RESULTS.md, "Batch decisions")."""
    sql = str(statement.compile(dialect=sqlite.dialect()))
    for joined in ("FROM contacts ", "JOIN customers ", "LEFT OUTER JOIN locations "):
        table = joined.split()[-1]
        assert sql.count(joined) == 1, joined
        sql = sql.replace(joined, f"{joined}INDEXED BY ix_{table}_account_decision ")
    return sql


_CONTACTS_SQLITE = _indexed_sqlite(_named_as(_CONTACT_JOINS, ContactRow)) + (
    " AND contacts.id IN ({})"
)
# PostgreSQL starts from the ids themselves, unnested (each id once: the caller passes
# a set), and joins each to its contact by primary key. Written as ``contacts.id =
# ANY(:ids)``, the planner costed a thousand index probes above reading contacts,
# customers and locations whole into hash tables, and at 100 k contacts read about
# 200,000 rows for 1,000 (bench/RESULTS.md, "Batch decisions").
_WANTED = (
    func.unnest(bindparam("ids", type_=ARRAY(String)))
    .table_valued("id")
    .render_derived(name="wanted")
)
_CONTACTS_POSTGRESQL = _named_as(
    _with_contact_joins(
        select(*_columns_of(ContactRow))
        .select_from(_WANTED)
        .join(t.Contact, t.Contact.id == _WANTED.c.id)
    ),
    ContactRow,
)
_CONTACTS_POSTGRESQL_SQL = str(
    _CONTACTS_POSTGRESQL.compile(dialect=postgresql.psycopg.dialect())  # type: ignore[no-untyped-call]
)
# One decision about one contact is one statement: the account's settings and whether
# the number has a text on the review list ride along. Its rows are read as a contact
# row and an account row, each picked out by its own names.
_UNDER_REVIEW = (
    exists()
    .where(
        t.ConsentReview.account_id == t.Contact.account_id,
        t.ConsentReview.from_number == t.Contact.value,
        t.ConsentReview.decision.is_(None),
    )
    .label("under_review")
)
_ONE_CONTACT = (
    _CONTACT_JOINS.with_only_columns(
        *_columns_of(ContactRow), *_columns_of(AccountRow), _UNDER_REVIEW
    )
    .join(t.Account, t.Account.id == t.Contact.account_id)
    .where(t.Contact.id == bindparam("contact_id"))
)
_ONE_NAMES: list[str] = list(_ONE_CONTACT.selected_columns.keys())
_PICK_CONTACT = itemgetter(*(_ONE_NAMES.index(name) for name in ContactRow._fields))
_PICK_ACCOUNT = itemgetter(*(_ONE_NAMES.index(name) for name in AccountRow._fields))
_UNDER_REVIEW_AT = _ONE_NAMES.index("under_review")
# SQLite runs it as its SQL on a sqlite3 connection: SQLAlchemy's connection, execution
# context and result types cost about six times the statement (bench/RESULTS.md, 15).
_ONE_CONTACT_SQLITE = _indexed_sqlite(_ONE_CONTACT)
assert _ONE_CONTACT.compile(dialect=sqlite.dialect()).positiontup == ["account_id", "contact_id"]
# PostgreSQL's loop read runs it as the driver's SQL on an async psycopg connection.
_ONE_CONTACT_POSTGRESQL = str(
    _ONE_CONTACT.compile(dialect=postgresql.dialect())  # type: ignore[no-untyped-call]
)
_ACCOUNT = _named_as(
    select(*_columns_of(AccountRow)).where(t.Account.id == bindparam("account_id")), AccountRow
)


# Which of a batch's numbers have a text on the review list, as
# reviews.numbers_under_review reads it, run as the driver's SQL like the contacts.
_UNDER_REVIEW_OF = select(t.ConsentReview.from_number).where(
    t.ConsentReview.account_id == bindparam("account_id"), t.ConsentReview.decision.is_(None)
)
_UNDER_REVIEW_SQLITE = str(_UNDER_REVIEW_OF.compile(dialect=sqlite.dialect())) + (
    " AND consent_reviews.from_number IN ({})"
)
_UNDER_REVIEW_POSTGRESQL = str(
    _UNDER_REVIEW_OF.where(
        t.ConsentReview.from_number == func.any(bindparam("numbers", type_=ARRAY(String)))
    ).compile(dialect=postgresql.psycopg.dialect())  # type: ignore[no-untyped-call]
)


def under_review(tx: Transaction, account_id: str, numbers: Iterable[str]) -> set[str]:
    """Which of ``numbers`` have a text on the review list (reviews.numbers_under_review,
    on the transaction's driver connection: a batch asks about a few hundred)."""
    wanted = sorted(set(numbers))
    if not wanted:
        return set()
    connection = tx.session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    if connection.dialect.name == "sqlite":
        sql = _UNDER_REVIEW_SQLITE.format(",".join("?" * len(wanted)))
        rows = driver.execute(sql, (account_id, *wanted))
    else:
        rows = driver.execute(
            _UNDER_REVIEW_POSTGRESQL, {"account_id": account_id, "numbers": wanted}
        )
    return {number for (number,) in rows}


def stored_contacts(tx: Transaction, account_id: str, ids: Sequence[str]) -> StoredContacts:
    """The named contacts of the account with their consent rows; unknown ids are absent."""
    if not ids:
        return StoredContacts({}, [])
    connection = tx.session.connection()
    # On the transaction's own driver connection, inside its BEGIN: SQLAlchemy's
    # cursor and result handling cost about 1.5 us a contact, plain tuples none. The
    # rows are read as they come (no list of a thousand tuples outliving the loop).
    driver = connection.connection.driver_connection
    assert driver is not None
    rows: Iterable[Any]
    if connection.dialect.name == "sqlite":
        sql = _CONTACTS_SQLITE.format(",".join("?" * len(ids)))
        rows = driver.execute(sql, (account_id, *ids))
    else:
        # psycopg's own cursor: its rows are tuples, values of the same types as
        # SQLAlchemy's rows hold (it adds no result processing for these columns).
        rows = driver.execute(
            _CONTACTS_POSTGRESQL_SQL, {"account_id": account_id, "ids": list(ids)}
        )
    return _stored(rows)


class ContactsPart(NamedTuple):
    """The contacts of some of a batch's ids: ``ids`` were asked, the absent unknown."""

    ids: Sequence[str]
    stored: StoredContacts


@contextmanager
def stored_contacts_in_parts(
    tx: Transaction, account_id: str, ids: Sequence[str]
) -> Iterator[Iterator[ContactsPart]]:
    """``stored_contacts`` of ``ids`` (distinct), part by part in their order: each
    part's contacts come as soon as they are read, so the caller can work on them
    while the database reads the next. On PostgreSQL a batch's parts are all sent at
    once (libpq's pipeline mode) and their rows arrive one part after the other; on
    SQLite, which runs in this process and has nothing to overlap, the ids are one
    part. The caller runs no other statement on the transaction until the block ends;
    leaving it early (an unknown contact) reads and drops the parts not taken."""
    connection = tx.session.connection()
    parts = parts_of(ids) if connection.dialect.name == "postgresql" else [ids]
    if len(parts) < 2:
        yield iter([ContactsPart(ids, stored_contacts(tx, account_id, sorted(ids)))] if ids else [])
        return
    driver = connection.connection.driver_connection
    assert isinstance(driver, PsycopgConnection)
    # SQLAlchemy's pool keeps this dict with the driver's connection, across checkouts.
    prepared: dict[str, Any] = connection.connection.info
    with _pipelined(driver, prepared, account_id, parts) as read:
        yield read


# A batch's ids in parts for the pipeline: the server reads a part while heed decides
# the one before, so heed waits only for the first part and then works on the last
# after the server is done (bench/RESULTS.md, "Batch decisions at 1 M, fourth round").
# A part costs the server a statement's start (about 0.1 ms); small batches are one.
PART_SHARES: tuple[float, ...] = (0.4, 0.3, 0.2, 0.1)
PART_MIN = 100


def parts_of(ids: Sequence[str]) -> list[Sequence[str]]:
    count = min(len(PART_SHARES), len(ids) // PART_MIN)
    if count < 2:
        return [ids]
    shares = PART_SHARES[:count]
    whole = sum(shares)
    parts: list[Sequence[str]] = []
    start = 0
    for share in shares[:-1]:
        end = start + round(len(ids) * share / whole)
        parts.append(ids[start:end])
        start = end
    parts.append(ids[start:])
    return parts


# The contacts' statement as libpq takes it: numbered parameters, prepared once per
# connection under a name of its text (a changed statement is a new name).
_CONTACTS_PREPARED_SQL = _CONTACTS_POSTGRESQL_SQL.replace("%(account_id)s", "$1").replace(
    "%(ids)s", "$2"
)
assert "%" not in _CONTACTS_PREPARED_SQL, "the statement has no other parameters"
_CONTACTS_PREPARED = (
    "heed_contacts_" + hashlib.sha256(_CONTACTS_PREPARED_SQL.encode()).hexdigest()[:16]
)
_UNKNOWN_STATEMENT = b"26000"  # invalid_sql_statement_name: DEALLOCATE ALL ran since
_PREPARED_ALREADY = b"42P05"  # duplicate_prepared_statement


def _sqlstate(result: PGresult) -> bytes | None:
    return result.error_field(pq.DiagnosticField.SQLSTATE)


@contextmanager
def _pipelined(
    driver: PsycopgConnection[Any],
    prepared: dict[str, Any],
    account_id: str,
    parts: Sequence[Sequence[str]],
) -> Iterator[Iterator[ContactsPart]]:
    """The parts' statements sent in one pipeline, their rows read part by part.

    psycopg's own pipeline (``Connection.pipeline``) fetches every queued result
    before it hands a cursor the first, so the pipeline is libpq's, through
    psycopg's wrapper (``psycopg.pq``), with psycopg's own dumpers and loaders: the
    rows are the values its cursor gives. A flush request after each part makes the
    server send that part's rows as soon as they are read. Each part's statement is
    the prepared one, planned once per connection as the cursor's was (psycopg
    prepares a statement on its fifth run); psycopg's DEALLOCATE ALL after a
    rollback drops it, and a read that finds it gone prepares it again."""
    transformer = Transformer(driver)
    arguments = [
        # Each part's ids in order, as a batch's whole were read: its probes walk the index.
        transformer.dump_sequence((account_id, sorted(part)), (PyFormat.TEXT, PyFormat.TEXT))
        for part in parts
    ]
    with driver.lock:
        for _attempt in range(2):
            pipeline = _Pipeline(driver, transformer, parts, arguments)
            try:
                if pipeline.send(prepare=_CONTACTS_PREPARED not in prepared):
                    prepared.pop(_CONTACTS_PREPARED, None)
                    continue
                prepared[_CONTACTS_PREPARED] = True
                yield pipeline.read()
                return
            finally:
                pipeline.end()
    raise AssertionError("the contacts' statement was not prepared")  # pragma: no cover


class _Pipeline:
    """One pipeline of a batch's parts on a psycopg connection (``_pipelined``)."""

    def __init__(
        self,
        driver: PsycopgConnection[Any],
        transformer: psycopg_abc.Transformer,
        parts: Sequence[Sequence[str]],
        arguments: Sequence[Sequence[Any]],
    ) -> None:
        self._driver = driver
        self._pgconn = driver.pgconn
        self._transformer = transformer
        self._parts = parts
        self._arguments = arguments
        self._open = False
        self._syncs = 0  # sent and not read back
        self._first: PGresult | None = None

    def send(self, *, prepare: bool) -> bool:
        """Send every part's statement (after its PREPARE when asked, synced apart:
        a connection that has it already says so, and the parts still run) and wait
        for the first part's rows; True when the connection had no such prepared
        statement (nothing was read: the pipeline ends and is sent again)."""
        pgconn, name = self._pgconn, _CONTACTS_PREPARED.encode()
        pgconn.enter_pipeline_mode()
        self._open = True
        if prepare:
            # The parameters' types are the statement's own casts.
            pgconn.send_prepare(name, _CONTACTS_PREPARED_SQL.encode())
            pgconn.pipeline_sync()
            self._syncs += 1
        for arguments in self._arguments:
            pgconn.send_query_prepared(name, arguments)
            pgconn.send_flush_request()
        pgconn.pipeline_sync()
        self._syncs += 1
        self._driver.wait(send(pgconn))
        if prepare:
            done = self._next()
            if done.status != pq.ExecStatus.COMMAND_OK and _sqlstate(done) != _PREPARED_ALREADY:
                raise error_from_result(done, encoding=self._driver.info.encoding)
            self._next()  # the PREPARE's sync
        first = self._next()
        if not prepare and _sqlstate(first) == _UNKNOWN_STATEMENT:
            return True
        self._first = first
        return False

    def read(self) -> Iterator[ContactsPart]:
        for part in self._parts:
            result = self._next() if self._first is None else self._first
            self._first = None
            self._check(result)
            self._transformer.set_pgresult(result)
            # Row by row, as a cursor is read: no list of a part's rows outlives them.
            load = self._transformer.load_row
            rows = (load(row, tuple) for row in range(result.ntuples))
            yield ContactsPart(part, _stored(rows))

    def end(self) -> None:
        """Read what is left up to the pipeline's sync (the parts not taken, or those
        a failed statement aborted), and leave pipeline mode."""
        if not self._open:
            return
        self._open = False
        pgconn = self._pgconn
        if pgconn.status == pq.ConnStatus.BAD:
            return
        while self._syncs:
            self._next()
        pgconn.exit_pipeline_mode()

    def _next(self) -> PGresult:
        found: list[PGresult] = []
        while not found:
            found = self._driver.wait(fetch_many(self._pgconn))
        (result,) = found
        if result.status == pq.ExecStatus.PIPELINE_SYNC:
            self._syncs -= 1
        return result

    def _check(self, result: PGresult) -> None:
        if result.status not in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
            raise error_from_result(result, encoding=self._driver.info.encoding)


def account_rules(tx: Transaction, account_id: str) -> AccountRules | None:
    found = tx.session.connection().execute(_ACCOUNT, {"account_id": account_id}).first()
    return None if found is None else _rules(AccountRow._make(found))


def one_contact(engine: Engine, account_id: str, contact_id: str) -> OneContact | None:
    """A stored contact with the account's settings, in one statement outside any
    transaction; None when the account has no such contact."""
    if engine.dialect.name == "sqlite":
        # The pool's own sqlite3 connection, in its autocommit mode: the SELECT runs
        # in SQLite's implicit read transaction, one snapshot, and nothing is left open.
        pooled = engine.raw_connection()
        try:
            driver = pooled.driver_connection
            assert driver is not None
            return one_contact_sqlite(driver, account_id, contact_id)
        finally:
            pooled.close()
    with statement_connection(engine) as connection:
        rows = connection.execute(
            _ONE_CONTACT, {"account_id": account_id, "contact_id": contact_id}
        ).all()
    return _one(rows)


def one_contact_sqlite(
    connection: sqlite3.Connection, account_id: str, contact_id: str
) -> OneContact | None:
    """``one_contact`` on a sqlite3 connection in autocommit mode (the event loop's own,
    entrypoints/api/loop_reads.py): SQLite's implicit read transaction ends with the fetch."""
    rows = connection.execute(_ONE_CONTACT_SQLITE, (account_id, contact_id)).fetchall()
    return _one(rows)


async def one_contact_postgresql(
    connection: AsyncConnection[Any], account_id: str, contact_id: str
) -> OneContact | None:
    """``one_contact`` on an async psycopg connection in autocommit mode (the event
    loop's own, entrypoints/api/loop_reads.py): one statement, one snapshot, prepared
    on its first run so PostgreSQL plans it once per connection."""
    cursor = await connection.execute(
        _ONE_CONTACT_POSTGRESQL,
        {"account_id": account_id, "contact_id": contact_id},
        prepare=True,
    )
    return _one(await cursor.fetchall())


def raw_records(
    tx: Transaction, account_id: str, addresses: Iterable[str]
) -> dict[str, RawRecords]:
    """What the records listing each address say: Do Not Mail on any of their customers,
    and the categories some record has on. An address no record lists is absent."""
    rows = tx.session.execute(
        select(
            t.Contact.value,
            t.Customer.do_not_mail,
            t.Contact.notify_job,
            t.Contact.notify_invoice_statement,
            t.Contact.notify_marketing,
        )
        .join(
            t.Customer,
            and_(
                t.Customer.account_id == t.Contact.account_id,
                t.Customer.id == t.Contact.customer_id,
            ),
        )
        .where(t.Contact.account_id == account_id, t.Contact.value.in_(sorted(set(addresses))))
    ).mappings()
    found: dict[str, tuple[bool, set[Category]]] = {}
    for row in rows:
        any_dnm, enabled = found.setdefault(row["value"], (False, set()))
        enabled.update(c for c in Category if row[_NOTIFY[c]])
        found[row["value"]] = (any_dnm or bool(row["do_not_mail"]), enabled)
    return {value: RawRecords(dnm, frozenset(enabled)) for value, (dnm, enabled) in found.items()}


def marketing_consented(tx: Transaction, account_id: str, addresses: Iterable[str]) -> set[str]:
    """Which of ``addresses`` have marketing consent on record (R-24)."""
    return set(
        tx.session.scalars(
            select(t.MarketingConsent.address).where(
                t.MarketingConsent.account_id == account_id,
                t.MarketingConsent.address.in_(sorted(set(addresses))),
                t.MarketingConsent.consented.is_(True),
            )
        )
    )


def business_numbers(tx: Transaction, account_id: str, numbers: Iterable[str]) -> set[str]:
    """Which of ``numbers`` are the business's own (R-13)."""
    return set(
        tx.session.scalars(
            select(t.BusinessNumber.number).where(
                t.BusinessNumber.account_id == account_id,
                t.BusinessNumber.number.in_(sorted(set(numbers))),
            )
        )
    )


# Built once: a batch with marketing texts asks it every time, and building the
# statement cost more than running it (1.0 against 0.4 ms on SQLite, a few numbers).
_MARKETING_SENT = select(t.Message.to, t.Message.sent_at).where(
    t.Message.account_id == bindparam("account_id"),
    t.Message.category == "marketing",
    t.Message.channel == "sms",
    t.Message.status == "sent",
    t.Message.sent_at >= bindparam("since"),
)
# The numbers as one array on PostgreSQL, one expanding IN on SQLite; Core on the
# session's connection (the ORM adds about 0.5 ms a batch and nothing here needs it).
_MARKETING_SENT_BY_DIALECT = {
    "postgresql": _MARKETING_SENT.where(
        t.Message.to == func.any(bindparam("numbers", type_=ARRAY(String)))
    ),
    "sqlite": _MARKETING_SENT.where(t.Message.to.in_(bindparam("numbers", expanding=True))),
}


def marketing_sent(
    tx: Transaction, account_id: str, numbers: Iterable[str], since: datetime
) -> dict[str, tuple[datetime, ...]]:
    """Marketing texts sent to each number since ``since``, oldest first."""
    tx.session.flush()  # texts the transaction has recorded count, as through the ORM
    connection = tx.session.connection()
    rows = connection.execute(
        _MARKETING_SENT_BY_DIALECT[connection.dialect.name],
        {"account_id": account_id, "numbers": sorted(set(numbers)), "since": since},
    )
    sent: dict[str, list[datetime]] = {}
    for to, sent_at in rows:
        if sent_at is not None:
            sent.setdefault(to, []).append(sent_at)
    return {number: tuple(sorted(times)) for number, times in sent.items()}


def owner_missing(
    tx: Transaction, account_id: str, customer_id: str, location_id: str | None
) -> Literal["customer", "location"] | None:
    """Which of a job's customer and location (one of that customer's) is not found."""
    if tx.session.get(t.Customer, (account_id, customer_id)) is None:
        return "customer"
    if location_id is not None:
        location = tx.session.get(t.Location, (account_id, location_id))
        if location is None or location.customer_id != customer_id:
            return "location"
    return None


def job_contacts(
    tx: Transaction, account_id: str, customer_id: str, location_id: str | None, category: Category
) -> list[JobContact]:
    """The contacts of a customer, and of one of its locations, with ``category`` on, in
    the order they were added."""
    owners: Any = t.Contact.location_id.is_(None)
    if location_id is not None:
        owners = owners | (t.Contact.location_id == location_id)
    rows = tx.session.execute(
        select(t.Contact.id, t.Contact.kind, t.Contact.value, t.Contact.location_id)
        .where(
            t.Contact.account_id == account_id,
            t.Contact.customer_id == customer_id,
            owners,
            getattr(t.Contact, _NOTIFY[category]).is_(True),
        )
        .order_by(t.Contact.created_at, t.Contact.id)
    ).mappings()
    return [JobContact(**row) for row in rows]


_NOTIFY = {
    Category.JOB: "notify_job",
    Category.INVOICE_STATEMENT: "notify_invoice_statement",
    Category.MARKETING: "notify_marketing",
}


def _stored(rows: Iterable[Sequence[Any]]) -> StoredContacts:
    """Contacts from rows of ContactRow's fields in its order, read as plain tuples: a
    batch reads a thousand, and a named tuple per row costs more than its unpacking.
    Each contact is a plain tuple too (StoredContact's fields, in its order)."""
    contacts: dict[str, StoredContact] = {}
    consent_rows: list[ConsentRow] = []
    for (
        id,
        kind,
        value,
        placeholder,
        notify_job,
        notify_invoice_statement,
        notify_marketing,
        do_not_mail,
        time_zone,
        location_country,
        location_state,
        consent_scope,
        consent_opted_out,
        consent_suppression,
        marketing_consented,
        consent_country,
        last_purchase_at,
        last_inquiry_at,
    ) in rows:
        if id not in contacts:
            contacts[id] = (
                kind,
                value,
                bool(placeholder),
                bool(notify_job),
                bool(notify_invoice_statement),
                bool(notify_marketing),
                bool(do_not_mail),
                time_zone,
                f"{location_country}-{location_state}" if location_state else None,
                bool(marketing_consented),
                consent_country,
                last_purchase_at,
                last_inquiry_at,
            )
        if consent_scope is not None:
            consent_rows.append((id, consent_scope, consent_opted_out, consent_suppression))
    return StoredContacts(contacts, consent_rows)


assert _stored.__code__.co_varnames[3 : 3 + len(ContactRow._fields)] == ContactRow._fields, (
    "_stored unpacks ContactRow's fields in their order"
)


def _rules(row: AccountRow) -> AccountRules:
    placeholders = row.placeholders
    return _rules_of(
        bool(row.customer_notifications_enabled),
        row.window_start,
        row.window_end,
        placeholders if isinstance(placeholders, str) else tuple(placeholders or ()),
    )


@lru_cache(maxsize=256)
def _rules_of(
    enabled: bool, start: str, end: str, placeholders: str | tuple[str, ...]
) -> AccountRules:
    # Keyed by the settings' own values, so a changed setting is read anew at once;
    # it spares each decision parsing the same window and list (about 8 us).
    listed = json.loads(placeholders) if isinstance(placeholders, str) else list(placeholders)
    return AccountRules.of(enabled, start, end, listed)


def _one(rows: Sequence[Sequence[Any]]) -> OneContact | None:
    """The one-contact statement's rows: the contact's and the account's columns picked
    out by their names (_PICK_CONTACT, _PICK_ACCOUNT), whatever the driver's row type."""
    if not rows:
        return None
    first = rows[0]
    return OneContact(
        _stored(_PICK_CONTACT(row) for row in rows),
        _rules(AccountRow._make(_PICK_ACCOUNT(first))),
        bool(first[_UNDER_REVIEW_AT]),
    )
