"""Realistic customers, built through heed's own services, at a given number of contacts.

Customers have 1–3 service locations and 1–4 contact methods (mostly mobiles, some
landlines, emails and faxes) on the customer or its locations; numbers are valid
NANP numbers across every area code heed knows, Florida and Oklahoma included.
About 1 % of customers are Do Not Mail and about 2 % of the phone numbers text
STOP (recorded through ``record_inbound_sms``, exactly as a Twilio webhook would).

``uv run python -m bench.dataset --database sqlite --size 100k`` loads one database
(reusing it when a finished load of that size is already there) and prints its
meta as JSON; ``bench.run`` calls it in a subprocess so the load's peak memory
is its own.
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.common import (
    ACCOUNT_NAME,
    BUSINESS_NUMBER,
    DATA,
    PG_SERVER,
    TWILIO_TOKEN,
    Meta,
    database_url,
    parse_size,
    size_label,
    status_kb,
)
from heed.adapters.db import tables as t
from heed.bootstrap import Heed, build
from heed.config import Settings
from heed.domain.addresses import normalize_phone
from heed.domain.area_code_table import REGIONS, ZONES
from heed.services import accounts
from heed.services.common import PERMISSIONS, Principal
from heed.services.consent import record_inbound_sms
from heed.services.imports import import_customers

BATCH = 1000
OPT_OUT_SHARE = 0.02
DO_NOT_MAIL_SHARE = 0.01

FIRST = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Donald",
    "Ashley",
    "Steven",
    "Kimberly",
    "Andrew",
    "Emily",
    "Paul",
    "Donna",
    "Joshua",
    "Michelle",
    "Kenneth",
    "Carol",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "George",
    "Deborah",
    "Timothy",
    "Stephanie",
    "Jose",
    "Maria",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
]
STREETS = [
    "Oak",
    "Maple",
    "Cedar",
    "Pine",
    "Elm",
    "Main",
    "Lake",
    "Hill",
    "Park",
    "Washington",
    "Sunset",
    "Ridge",
    "Willow",
]
SUFFIXES = ["St", "Ave", "Rd", "Dr", "Ln", "Ct", "Blvd", "Way"]
DOMAINS = [
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "icloud.com",
    "aol.com",
    "comcast.net",
]
LOCATION_NAMES = ("Home", "Rental", "Office", "Shop", "Lake house", "Warehouse", "Unit B")
# US states and Canadian provinces only: area codes of territories and non-geographic
# codes are left out. Florida and Oklahoma get extra weight: their marketing rules differ.
AREA_CODES = sorted(code for code, region in REGIONS.items() if len(region) == 2)
HEAVY = [code for code in AREA_CODES if REGIONS[code] in ("FL", "OK", "TX", "CA")]


class Numbers:
    """Valid, distinct NANP numbers, deterministic for a seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()

    def area(self) -> str:
        return self.rng.choice(HEAVY if self.rng.random() < 0.25 else AREA_CODES)

    def new(self) -> str:
        while True:
            code = self.area()
            exchange = self.rng.randint(200, 999)
            if exchange % 100 == 11 or exchange == 555:
                continue
            line = self.rng.randint(0, 9999)
            e164 = f"+1{code}{exchange}{line:04d}"
            if e164 in self.seen or len(set(e164[2:])) < 3:
                continue
            try:
                normalize_phone(e164)
            except Exception:
                continue
            self.seen.add(e164)
            return e164


def _fmt(e164: str, rng: random.Random) -> str:
    """Numbers arrive from the old system in the formats people type."""
    n = e164[2:]
    style = rng.random()
    if style < 0.4:
        return f"({n[:3]}) {n[3:6]}-{n[6:]}"
    if style < 0.7:
        return f"{n[:3]}-{n[3:6]}-{n[6:]}"
    if style < 0.9:
        return n
    return e164


def customers(size: int, seed: int = 20261123) -> Iterator[dict[str, Any]]:
    """Customer rows for import_customers, until ``size`` contacts have been made."""
    rng = random.Random(seed)
    numbers = Numbers(rng)
    made = 0
    serial = 0
    while made < size:
        serial += 1
        first, last = rng.choice(FIRST), rng.choice(LAST)
        do_not_mail = rng.random() < DO_NOT_MAIL_SHARE
        n_locations = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
        n_contacts = min(rng.choices((1, 2, 3, 4), weights=(30, 35, 25, 10))[0], size - made)
        home_number = numbers.new()
        locations: list[dict[str, Any]] = []
        for i in range(n_locations):
            area_number = home_number if i == 0 else numbers.new()
            zones = ZONES.get(area_number[2:5], ())
            locations.append(
                {
                    "name": LOCATION_NAMES[i] if i else "Home",
                    "address": f"{rng.randint(10, 9999)} {rng.choice(STREETS)} "
                    f"{rng.choice(SUFFIXES)}",
                    "time_zone": zones[0] if zones and rng.random() < 0.5 else None,
                    "contacts": [],
                }
            )
        own: list[dict[str, Any]] = []
        for i in range(n_contacts):
            contact = _contact(rng, numbers, first, last, serial, home_number if i == 0 else None)
            if do_not_mail:
                contact.pop("notifications", None)
            owner = own if i == 0 or rng.random() < 0.4 else rng.choice(locations)["contacts"]
            owner.append(contact)
        # Realistic duplication: the customer's mobile stands on a location record too.
        if own and own[0]["kind"] == "mobile" and rng.random() < 0.08 and made + 1 < size:
            locations[0]["contacts"].append({"kind": "mobile", "value": own[0]["value"]})
            n_contacts += 1
        made += n_contacts
        yield {
            "name": f"{first} {last}",
            "do_not_mail": do_not_mail,
            "invoice_delivery": rng.choice((["mail"], ["email"], ["mail", "email"])),
            "billing_address": locations[0]["address"],
            "contacts": own,
            "locations": locations,
        }


def _contact(
    rng: random.Random,
    numbers: Numbers,
    first: str,
    last: str,
    serial: int,
    number: str | None,
) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.004:
        # Old systems are full of these; heed imports and flags them.
        return {"kind": "mobile", "value": rng.choice(("(123) 456-7890", "000-000-0000"))}
    if roll < 0.75:
        kind = "mobile"
    elif roll < 0.85:
        kind = "phone"
    elif roll < 0.97:
        return {
            "kind": "email",
            "value": f"{first}.{last}{serial}@{rng.choice(DOMAINS)}".lower(),
            "notifications": {"invoice_statement": rng.random() < 0.5},
        }
    else:
        kind = "fax"
    value = number or numbers.new()
    contact: dict[str, Any] = {"kind": kind, "value": _fmt(value, rng)}
    if rng.random() < 0.05:
        contact["memo"] = rng.choice(("wife", "tenant", "after 5pm", "office manager"))
    return contact


# -- loading ------------------------------------------------------------------------------


def ensure_database(database: str, size: int, *, fresh: bool) -> None:
    if database == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        path = Path(database_url(database, size).removeprefix("sqlite:///"))
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        return
    name = database_url(database, size).rsplit("/", 1)[1]
    if fresh:
        subprocess.run(
            ["psql", f"{PG_SERVER}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"],
            check=True,
        )
    exists = subprocess.run(
        [
            "psql",
            f"{PG_SERVER}/postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{name}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        # On PG_SERVER itself (BENCH_PG may name another port than createdb's default).
        subprocess.run(
            ["psql", f"{PG_SERVER}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True
        )


def open_heed(database: str, size: int, *, migrate: bool = False) -> Heed:
    return build(Settings(database_url=database_url(database, size)), migrate=migrate)


def reusable(database: str, size: int) -> Meta | None:
    """The meta of a finished load whose database still holds exactly its data."""
    meta = Meta.read(database, size)
    if meta is None:
        return None
    if database == "sqlite" and not Path(database_url(database, size)[10:]).exists():
        return None
    try:
        # Brought to this checkout's migrations: a load made by older code is reused
        # with today's schema (its indexes included), as a running heed would migrate it.
        heed = open_heed(database, size, migrate=True)
        with heed.uow.read() as tx:
            count = tx.session.scalar(
                select(func.count())
                .select_from(t.Contact)
                .where(t.Contact.account_id == meta.account_id)
            )
        heed.engine.dispose()
    except Exception:
        return None
    return meta if count == meta.contacts else None


def analyze(heed: Heed, *, vacuum: bool = False) -> None:
    """Refresh the planner's statistics, as autovacuum would while tables grow.

    This matters on PostgreSQL beyond the plans of later queries: the foreign-key
    checks of a long-lived connection keep the plan made when ``customers`` was
    empty (a scan of the table) until its statistics change. With autovacuum off, as
    on the benchmark machine, each insert then re-read the whole customers table and
    a 100 k load took 18 minutes; with these ANALYZEs it takes under one.
    """
    if heed.engine.dialect.name == "postgresql":
        with heed.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE" if vacuum else "ANALYZE")
    else:
        with heed.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()


@dataclass
class _Tally:
    """What the generated rows hold, counted as they go to the import."""

    customers: int = 0
    locations: int = 0
    contacts: int = 0
    do_not_mail: int = 0
    phones: list[str] = field(default_factory=list)

    def count(self, row: dict[str, Any]) -> None:
        self.customers += 1
        self.locations += len(row["locations"])
        self.do_not_mail += row["do_not_mail"]
        for contact in [
            *row["contacts"],
            *(c for loc in row["locations"] for c in loc["contacts"]),
        ]:
            self.contacts += 1
            if contact["kind"] == "mobile" and not contact["value"].startswith(("(123)", "000")):
                self.phones.append(contact["value"])


def _text_stops(heed: Heed, account_id: str, phones: list[str], rng: random.Random) -> int:
    """OPT_OUT_SHARE of the distinct mobile numbers text STOP; answers how many did."""
    distinct = sorted({normalize_phone(p) for p in phones})
    stoppers = rng.sample(distinct, round(len(distinct) * OPT_OUT_SHARE))
    for i, number in enumerate(stoppers):
        record_inbound_sms(
            heed.uow,
            account_id,
            from_number=number,
            to_number=BUSINESS_NUMBER,
            body=rng.choice(("STOP", "Stop", "STOP.", "stop", "UNSUBSCRIBE")),
            message_id=f"SMload{i:08d}",
        )
    return len(stoppers)


def load(database: str, size: int, *, force: bool = False, quiet: bool = False) -> Meta:
    if not force:
        meta = reusable(database, size)
        if meta is not None:
            return meta
    started = time.perf_counter()
    ensure_database(database, size, fresh=True)
    heed = open_heed(database, size, migrate=True)
    account = accounts.create_account(
        heed.uow, ACCOUNT_NAME, [BUSINESS_NUMBER], twilio_auth_token=TWILIO_TOKEN
    )
    principal = Principal(account.account_id, "import:bench", frozenset(PERMISSIONS))
    rng = random.Random(7)
    tally = _Tally()
    batch: list[dict[str, Any]] = []

    batches = 0

    def flush() -> None:
        nonlocal batches
        import_customers(heed.uow, principal, batch)
        batch.clear()
        batches += 1
        if batches in (1, 3, 10) or batches % 50 == 0:
            analyze(heed)

    for row in customers(size):
        tally.count(row)
        batch.append(row)
        if len(batch) >= BATCH:
            flush()
            if not quiet and tally.customers % (BATCH * 20) == 0:
                print(
                    f"  {database} {size_label(size)}: {tally.contacts:,} contacts "
                    f"({time.perf_counter() - started:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
    if batch:
        flush()
    imported = time.perf_counter() - started
    stopped = _text_stops(heed, account.account_id, tally.phones, rng)
    analyze(heed, vacuum=True)
    heed.engine.dispose()
    elapsed = time.perf_counter() - started
    if not quiet:
        print(
            f"  {database} {size_label(size)}: imported in {imported:.0f} s, "
            f"{stopped:,} STOPs in {elapsed - imported:.0f} s",
            file=sys.stderr,
        )
    meta = Meta(
        database=database,
        size=size,
        account_id=account.account_id,
        contacts=tally.contacts,
        customers=tally.customers,
        locations=tally.locations,
        opted_out=stopped,
        do_not_mail=tally.do_not_mail,
        load_seconds=round(elapsed, 1),
        load_peak_rss_kb=status_kb("self", "VmHWM"),
        load_command=f"uv run python -m bench.dataset --database {database} "
        f"--size {size_label(size)}",
    )
    meta.save()
    return meta


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--size", required=True, help="contacts: 10k, 100k, 1m")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--force", action="store_true", help="reload even if reusable")
    args = parser.parse_args(argv)
    meta = load(args.database, parse_size(args.size), force=args.force, quiet=args.quiet)
    print(json.dumps(asdict(meta)))
    print("command:", shlex.join(sys.argv), file=sys.stderr)


if __name__ == "__main__":
    main()
