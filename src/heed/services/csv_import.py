"""CSV import of customers, locations and contacts (R-32), streamed and in chunks.

The file is read row by row (``csv.reader`` over the open file), never whole: a
chunk of ``CHUNK`` rows is checked, written in one transaction with its problems
and the job's progress, then dropped. Memory stays flat however long the file.

The unit of failure is the row. A row heed would refuse by hand (a malformed
number or email, a value too long, a NUL, a new customer without a name) is not
written and is listed in the job's ``errors``; every other row is imported. A row
is never half written: all of a chunk's good rows commit together. If the process
dies, the chunks already committed stay and the job is marked failed; importing
the file again is safe for rows with an ``external_id`` (they update).

Placeholders are kept and flagged (R-2); international numbers are left out and
flagged; an opt-out in the file (``sms_opted_out``) is a ledger entry with source
and via ``import``; an import never opts anyone in and never turns marketing on
(a column claiming marketing consent is flagged). A dry run does all of it in
transactions that are rolled back, so its report is what the import would do.

These verbs run many transactions (one per chunk) by design: an import of 100k rows
in one transaction would hold the account's lock, and its rows, for minutes.
"""

from __future__ import annotations

import csv
import os
import secrets
import socket
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from heed.adapters.csvfile import csv_text, original
from heed.adapters.db import imports as db
from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain import limits
from heed.domain.addresses import ParsedValue
from heed.domain.errors import HeedError, Invalid, NotFound
from heed.domain.import_rows import (
    REASONS,
    Flag,
    Header,
    ImportRow,
    RowContact,
    RowError,
    read_row,
)
from heed.services.common import Principal, audit, new_id, now
from heed.services.contacts import ContactInput, NewContact, Owner
from heed.services.customer_commands import CustomerInput, LocationInput
from heed.services.customers import insert_customers, insert_locations, set_do_not_mail
from heed.services.imports import record_import_opt_outs
from heed.services.permissions import requires

#: Rows per transaction: small enough that the account's lock is held about a second.
CHUNK = 500
#: A running job whose process has not beaten for this long belongs to a dead process.
STALE = timedelta(minutes=2)
#: After an import of this many rows, PostgreSQL's statistics are refreshed (ANALYZE).
ANALYZE_AFTER = 10_000
#: How many flagged values and errors GET /v1/imports/{id} lists (all are downloadable).
LISTED = 1000
PROCESS = f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"
ABANDONED = "The process running this import stopped; rows before the last chunk were saved."

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class StartImport:
    filename: str | None = None
    dry_run: bool = False


@dataclass(frozen=True)
class RunImport:
    """Run the started job ``job_id`` over the CSV file at ``path``."""

    job_id: str
    path: Path
    on_progress: Progress | None = None


@requires("customer:edit", "location:edit")
def start_import(uow: UnitOfWork, principal: Principal, command: StartImport) -> dict[str, Any]:
    """A new job, ``running`` from the start (the caller runs it at once)."""
    moment = now()
    job_id = new_id("imp")
    name = (command.filename or "")[: limits.NAME] or None
    with uow.write() as tx:
        db.add_job(
            tx,
            {
                "account_id": principal.account_id,
                "id": job_id,
                "status": "running",
                "dry_run": command.dry_run,
                "filename": name,
                "actor": principal.actor,
                "owner": PROCESS,
                "total": None,
                "rows": 0,
                "created": 0,
                "updated": 0,
                "flagged": 0,
                "errors": 0,
                "unknown_columns": [],
                "message": None,
                "created_at": moment,
                "heartbeat_at": moment,
                "finished_at": None,
            },
        )
        tx.commit()
    return {"id": job_id, "status": "running"}


@requires("customer:edit", "location:edit")
def run_import(uow: UnitOfWork, principal: Principal, command: RunImport) -> dict[str, Any]:
    """Import the file into the started job; the job ends ``done`` or ``failed``.

    A file heed cannot read (not UTF-8, no header naming customer_name or
    external_id) fails the job with its reason; an unexpected error fails it too
    and is raised again.
    """
    run = _Run(uow, principal, command)
    try:
        run.all()
    except (HeedError, UnicodeDecodeError, csv.Error) as error:
        run.finish("failed", _failure(error))
    except BaseException:
        run.finish("failed", "The import stopped on an unexpected error; see the server's log.")
        raise
    else:
        run.finish("done", None)
    return get_import(uow, principal, command.job_id)


def _failure(error: Exception) -> str:
    if isinstance(error, HeedError):
        return error.message
    if isinstance(error, UnicodeDecodeError):
        return "The file is not UTF-8 text: save it as CSV UTF-8 and import it again."
    return f"The file is not valid CSV: {error}."


def _open(path: Path) -> TextIO:
    return path.open(newline="", encoding="utf-8-sig")


def _records(file: TextIO) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank record with its row number (the header is row 1)."""
    for number, record in enumerate(csv.reader(file), start=1):
        if any(cell.strip() for cell in record):
            yield number, record


class _Run:
    """One import's pass over its file: a chunk at a time, one transaction each."""

    def __init__(self, uow: UnitOfWork, principal: Principal, command: RunImport) -> None:
        self.uow, self.principal, self.command = uow, principal, command
        self.seq = 0
        self.done = 0
        self.total: int | None = None
        self.dry_run = False
        # A dry run rolls each chunk back, so a customer its earlier chunks would have
        # made is unknown to the later ones: these external_ids count as updates there,
        # as the real run (which finds the customer) counts them.
        self.dry_new: dict[str, str] = {}

    def all(self) -> None:
        with self.uow.read() as tx:
            job = _job(tx, self.principal.account_id, self.command.job_id)
            self.dry_run = job.dry_run
        with _open(self.command.path) as file:
            self.total = max(sum(1 for _ in _records(file)) - 1, 0)
        with _open(self.command.path) as file:
            records = _records(file)
            first = next(records, None)
            header = Header.read(first[1] if first else [])
            self._set({"total": self.total, "unknown_columns": header.unknown})
            self._report(0)
            chunk: list[tuple[int, list[str]]] = []
            for record in records:
                chunk.append(record)
                if len(chunk) >= CHUNK:
                    self._chunk(header, chunk)
                    chunk = []
            if chunk:
                self._chunk(header, chunk)
        if self.done >= ANALYZE_AFTER and not self.dry_run:
            with self.uow.write() as tx:
                db.analyze(tx)
                tx.commit()

    def _set(self, values: dict[str, Any]) -> None:
        with self.uow.write() as tx:
            db.set_job(tx, self.principal.account_id, self.command.job_id, values)
            tx.commit()

    def _report(self, rows: int) -> None:
        self.done += rows
        if self.command.on_progress is not None:
            self.command.on_progress(self.done, self.total)

    def _chunk(self, header: Header, records: list[tuple[int, list[str]]]) -> None:
        with self.uow.write() as tx:
            account = tx.lock_account(self.principal.account_id)
            assert account is not None
            rows, errors = _read(records, header, account.placeholders)
            outcome = _Chunk(tx, self.principal, account, self.dry_new).apply(rows)
            if self.dry_run:
                self._count_as_known(outcome)
            errors.extend(outcome.errors)
            if self.dry_run:
                tx.session.rollback()
            flags = [f for row in rows if row.row not in outcome.refused for f in row.flags]
            db.add_problems(tx, self._problems(flags, errors))
            counts = {
                "rows": len(records),
                "created": outcome.created,
                "updated": outcome.updated,
                "flagged": len(flags),
                "errors": len(errors),
            }
            db.advance_job(tx, self.principal.account_id, self.command.job_id, counts, now())
            tx.commit()
        self._report(len(records))

    def _count_as_known(self, outcome: _Outcome) -> None:
        again = [key for key in outcome.new_names if key in self.dry_new]
        outcome.created -= len(again)
        outcome.updated += len(again)
        self.dry_new.update(outcome.new_names)

    def _problems(self, flags: list[Flag], errors: list[RowError]) -> list[dict[str, Any]]:
        found: list[tuple[int, str, str, str | None, str]] = [
            (f.row, "flag", f.field, f.value, f.reason) for f in flags
        ]
        found += [(e.row, "error", e.field, None, e.message) for e in errors]
        rows = []
        for row, kind, column, value, reason in sorted(found, key=lambda p: p[0]):
            self.seq += 1
            rows.append(
                {
                    "account_id": self.principal.account_id,
                    "import_id": self.command.job_id,
                    "seq": self.seq,
                    "kind": kind,
                    "row": row,
                    "field": column[:60],
                    "value": None if value is None else limits.provider_text(value),
                    "reason": reason,
                }
            )
        return rows

    def finish(self, status: str, message: str | None) -> None:
        self._set(
            {"status": status, "message": message, "finished_at": now(), "heartbeat_at": now()}
        )


def _read(
    records: Sequence[tuple[int, list[str]]], header: Header, placeholders: Sequence[str]
) -> tuple[list[ImportRow], list[RowError]]:
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    for number, record in records:
        try:
            cells = header.cells([original(cell) for cell in record])
            rows.append(read_row(number, cells, header, placeholders))
        except Invalid as error:
            column = str(error.details.get("field") or "row")
            errors.append(RowError(number, column, error.message))
    return rows, errors


# ---- what a chunk changes ------------------------------------------------------------


@dataclass
class _Place:
    """A location of a customer's plan: new, or one it has (matched by name)."""

    name: str
    existing: t.Location | None
    address: str | None = None
    contacts: list[tuple[RowContact, str | None]] = field(default_factory=list)
    values: set[str] = field(default_factory=set)


@dataclass
class _Plan:
    """What a chunk's rows ask of one customer: new (``existing`` None) or known."""

    existing: t.Customer | None
    external_id: str | None
    rows: list[int] = field(default_factory=list)
    name: str | None = None
    do_not_mail: bool | None = None
    invoice_delivery: str | None = None
    contacts: list[tuple[RowContact, str | None]] = field(default_factory=list)
    values: set[str] = field(default_factory=set)
    places: dict[str, _Place] = field(default_factory=dict)
    opt_outs: set[str] = field(default_factory=set)


@dataclass
class _Outcome:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    refused: set[int] = field(default_factory=set)
    new_names: dict[str, str] = field(default_factory=dict)


class _Chunk:
    """A chunk's rows turned into plans per customer, then written table by table."""

    def __init__(
        self,
        tx: Transaction,
        principal: Principal,
        account: t.Account,
        dry_made: dict[str, str] | None = None,
    ) -> None:
        self.tx, self.principal, self.account = tx, principal, account
        # A dry run's customers made (and rolled back) by its earlier chunks, by
        # external_id: a later row may name one without its name, as it could an
        # existing customer.
        self.dry_made = dry_made or {}
        self.outcome = _Outcome()

    def apply(self, rows: list[ImportRow]) -> _Outcome:
        keys = sorted({row.external_id for row in rows if row.external_id})
        known = db.customers_by_key(self.tx, self.account.id, keys)
        ids = sorted({c.id for c in known.values()})
        self.locations = db.locations_by_customer(self.tx, self.account.id, ids)
        self.contacts = db.contacts_by_customer(self.tx, self.account.id, ids)
        plans = self._plans(rows, known)
        new = [p for p in plans if p.existing is None]
        changed = {id(p) for p in plans if p.existing is not None and self._update(p)}
        self._insert_new(new)
        self._add_to_known([p for p in plans if p.existing is not None], changed)
        appended = record_import_opt_outs(
            self.tx, self.principal, self.account, sorted({a for p in plans for a in p.opt_outs})
        )
        changed |= {id(p) for p in plans if p.existing is not None and p.opt_outs & appended}
        self.outcome.created = len(new)
        self.outcome.new_names = {p.external_id: p.name for p in new if p.external_id and p.name}
        self.outcome.updated = len(changed)
        return self.outcome

    def _plans(self, rows: list[ImportRow], known: dict[str, t.Customer]) -> list[_Plan]:
        plans: list[_Plan] = []
        by_key: dict[str, _Plan] = {}
        for row in rows:
            plan = by_key.get(row.external_id or "")
            if plan is None:
                existing = known.get(row.external_id) if row.external_id else None
                made = self.dry_made.get(row.external_id or "")
                if existing is None and row.customer_name is None and made is None:
                    self._refuse(
                        row, "customer_name", "customer_name is required for a new customer."
                    )
                    continue
                plan = self._new_plan(existing, row.external_id)
                plan.name = made
                plans.append(plan)
                if row.external_id:
                    by_key[row.external_id] = plan
            _absorb(plan, row)
        return plans

    def _refuse(self, row: ImportRow, column: str, message: str) -> None:
        self.outcome.errors.append(RowError(row.row, column, message))
        self.outcome.refused.add(row.row)

    def _new_plan(self, existing: t.Customer | None, external_id: str | None) -> _Plan:
        plan = _Plan(existing, external_id)
        if existing is None:
            return plan
        contacts = self.contacts.get(existing.id, [])
        plan.values = {c.value for c in contacts if c.location_id is None}
        for location in self.locations.get(existing.id, []):
            place = _Place(location.name, location)
            place.values = {c.value for c in contacts if c.location_id == location.id}
            plan.places.setdefault(location.name.casefold(), place)
        return plan

    def _update(self, plan: _Plan) -> bool:
        """Write the known customer's changed fields and locations' addresses, audited."""
        customer = plan.existing
        assert customer is not None
        changes = [
            ("name", plan.name),
            ("invoice_delivery", plan.invoice_delivery),
        ]
        changed = False
        for name, value in changes:
            if value is not None and getattr(customer, name) != value:
                audit(
                    self.tx,
                    self.principal,
                    "customer",
                    customer.id,
                    name,
                    getattr(customer, name),
                    value,
                )
                setattr(customer, name, value)
                changed = True
        if plan.name is not None:
            customer.name_key = plan.name.casefold()
        if plan.do_not_mail is not None and plan.do_not_mail != customer.do_not_mail:
            set_do_not_mail(self.tx, self.principal, customer, plan.do_not_mail)
            changed = True
        for place in plan.places.values():
            location = place.existing
            if location is not None and place.address and place.address != location.address:
                audit(
                    self.tx,
                    self.principal,
                    "location",
                    location.id,
                    "address",
                    location.address,
                    place.address,
                )
                location.address = place.address
                changed = True
        return (
            changed
            or any(p.contacts for p in plan.places.values())
            or bool(plan.contacts)
            or any(p.existing is None for p in plan.places.values())
        )

    def _insert_new(self, plans: list[_Plan]) -> None:
        if not plans:
            return
        inputs = [
            (
                CustomerInput(
                    name=plan.name or "",
                    do_not_mail=bool(plan.do_not_mail),
                    invoice_delivery=plan.invoice_delivery or "mail",
                    billing_address=None,
                    contacts=_inputs(plan.contacts),
                    locations=[
                        LocationInput(p.name, p.address, None, _inputs(p.contacts))
                        for p in plan.places.values()
                    ],
                ),
                f"row {plan.rows[0]}",
            )
            for plan in plans
        ]
        insert_customers(
            self.tx,
            self.principal,
            self.account,
            inputs,
            imported=True,
            external_ids=[plan.external_id for plan in plans],
        )

    def _add_to_known(self, plans: list[_Plan], changed: set[int]) -> None:
        self.tx.session.flush()
        contacts: list[NewContact] = []
        locations: list[tuple[Owner, LocationInput, str]] = []
        for plan in plans:
            customer = plan.existing
            assert customer is not None
            owner = Owner.of(customer)
            contacts += [NewContact(owner, c) for c in _inputs(plan.contacts)]
            for place in plan.places.values():
                if place.existing is None:
                    made = LocationInput(place.name, place.address, None, _inputs(place.contacts))
                    locations.append((owner, made, f"row {plan.rows[0]}"))
                else:
                    at = Owner.of(customer, place.existing)
                    contacts += [NewContact(at, c) for c in _inputs(place.contacts)]
        if locations or contacts:
            insert_locations(
                self.tx,
                self.principal,
                self.account,
                locations,
                imported=True,
                with_contacts=contacts,
            )


def _inputs(contacts: list[tuple[RowContact, str | None]]) -> list[ContactInput]:
    return [
        ContactInput(c.kind, c.value, memo, parsed=ParsedValue(c.value, c.placeholder))
        for c, memo in contacts
    ]


def _absorb(plan: _Plan, row: ImportRow) -> None:
    """Add what ``row`` asks to its customer's plan; a value the owner has is skipped."""
    plan.rows.append(row.row)
    plan.name = row.customer_name or plan.name
    plan.do_not_mail = row.do_not_mail if row.do_not_mail is not None else plan.do_not_mail
    plan.invoice_delivery = row.invoice_delivery or plan.invoice_delivery
    target: _Plan | _Place = plan
    if row.has_location:
        name = row.location_name or (row.address or "").split("\n")[0][: limits.NAME]
        place = plan.places.setdefault(name.casefold(), _Place(name, None))
        place.address = row.address or place.address
        if row.location_name is not None:
            target = place
    for contact in row.contacts:
        if contact.value not in target.values:
            target.values.add(contact.value)
            target.contacts.append((contact, row.memo))
        if row.sms_opted_out and contact.kind in ("mobile", "phone"):
            plan.opt_outs.add(contact.value)


# ---- reading jobs ---------------------------------------------------------------------


def _job(tx: Transaction, account_id: str, job_id: str) -> t.ImportJob:
    job = db.job(tx, account_id, job_id)
    if job is None:
        raise NotFound("No import with this id.")
    return job


def job_view(tx: Transaction, job: t.ImportJob) -> dict[str, Any]:
    flagged = db.problems(tx, job.account_id, job.id, "flag", limit=LISTED)
    errors = db.problems(tx, job.account_id, job.id, "error", limit=LISTED)
    return {
        "id": job.id,
        "status": job.status,
        "dry_run": job.dry_run,
        "filename": job.filename,
        "total": job.total,
        "rows": job.rows,
        "created": job.created,
        "updated": job.updated,
        "flagged_count": job.flagged,
        "error_count": job.errors,
        "flagged": [
            {"row": p.row, "field": p.field, "value": p.value or "", "reason": p.reason}
            for p in flagged
        ],
        "errors": [{"row": p.row, "field": p.field, "message": p.reason} for p in errors],
        "unknown_columns": list(job.unknown_columns),
        "message": job.message,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


@requires("customer:view")
def get_import(uow: UnitOfWork, principal: Principal, job_id: str) -> dict[str, Any]:
    """The job's status, counts and its first problems (LISTED of each kind)."""
    with uow.read() as tx:
        job = _job(tx, principal.account_id, job_id)
        stale = job.status == "running" and job.heartbeat_at < now() - STALE
        view = job_view(tx, job)
    if stale and recover_abandoned(uow):
        with uow.read() as tx:
            view = job_view(tx, _job(tx, principal.account_id, job_id))
    return view


@requires("customer:view")
def recent_imports(uow: UnitOfWork, principal: Principal, limit: int = 10) -> list[dict[str, Any]]:
    with uow.read() as tx:
        jobs = db.recent_jobs(tx, principal.account_id, limit)
        return [
            {
                "id": j.id,
                "status": j.status,
                "dry_run": j.dry_run,
                "filename": j.filename,
                "rows": j.rows,
                "created_at": j.created_at.isoformat(),
            }
            for j in jobs
        ]


PROBLEM_COLUMNS = ("row", "kind", "field", "value", "reason")


@requires("customer:view")
def problems_csv(uow: UnitOfWork, principal: Principal, job_id: str) -> Iterator[str]:
    """Every flagged value and refused row of the job as CSV, a page at a time."""
    with uow.read() as tx:
        _job(tx, principal.account_id, job_id)
    return _problem_pages(uow, principal.account_id, job_id)


def _problem_pages(uow: UnitOfWork, account_id: str, job_id: str) -> Iterator[str]:
    yield csv_text(PROBLEM_COLUMNS, [])
    for kind in ("flag", "error"):
        after = 0
        while True:
            with uow.read() as tx:
                page = db.problems(tx, account_id, job_id, kind, after=after, limit=1000)
            if not page:
                break
            after = page[-1].seq
            lines = [(p.row, kind, p.field, p.value, REASONS.get(p.reason, p.reason)) for p in page]
            yield csv_text(PROBLEM_COLUMNS, lines).split("\r\n", 1)[1]


def recover_abandoned(uow: UnitOfWork) -> int:
    """Mark failed every job left running by a process that stopped (start-up, reads)."""
    moment = now()
    with uow.write() as tx:
        count = db.fail_abandoned(tx, moment - STALE, moment, ABANDONED)
        tx.commit()
    return count
