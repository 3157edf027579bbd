"""Tampering with the consent ledger as a database user with full rights would, for the
tests that prove verification finds it (R-17).

Each tamper is one committed transaction that touches one throwaway account's rows
only, and the ledger's guards are back on for everyone when it commits: on
PostgreSQL the triggers are skipped for this session alone (session_replication_role,
a superuser's right); on SQLite they are dropped and re-created inside the same
transaction, which no other connection sees half-done.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, make_url, select, text

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.domain.consent import LedgerEntry


@contextmanager
def ledger_guards_off(heed: Heed) -> Iterator[Connection]:
    """A connection in a transaction where the ledger's triggers do not fire; committed
    when the block ends."""
    with heed.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            yield connection
            return
        guards = connection.execute(
            text(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'consent_events'"
            )
        ).all()
        for name, _ in guards:
            connection.execute(text(f'DROP TRIGGER "{name}"'))
        yield connection
        for _, sql in guards:
            connection.execute(text(sql))


def newest_entry(heed: Heed, account_id: str) -> LedgerEntry:
    with heed.uow.read() as tx:
        row = tx.session.scalars(
            select(t.ConsentEvent)
            .where(t.ConsentEvent.account_id == account_id)
            .order_by(t.ConsentEvent.seq.desc())
        ).first()
    assert row is not None
    return LedgerEntry(**{f.name: getattr(row, f.name) for f in dataclasses.fields(LedgerEntry)})


def delete_newest_entry(heed: Heed, account_id: str) -> int:
    """Remove the account's newest entry; answers its seq."""
    seq = newest_entry(heed, account_id).seq
    with ledger_guards_off(heed) as connection:
        connection.execute(
            text("DELETE FROM consent_events WHERE account_id = :account AND seq = :seq"),
            {"account": account_id, "seq": seq},
        )
    return seq


def rewrite_newest_entry(heed: Heed, account_id: str, **changes: Any) -> int:
    """Change the newest entry and store the hash its new contents call for, so every
    link of the chain still holds; answers its seq."""
    forged = dataclasses.replace(newest_entry(heed, account_id), **changes)
    values = {name: getattr(forged, name) for name in changes}
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    with ledger_guards_off(heed) as connection:
        connection.execute(
            text(
                f"UPDATE consent_events SET {assignments}, hash = :hash "
                "WHERE account_id = :account AND seq = :seq"
            ),
            {**values, "hash": forged.computed_hash(), "account": account_id, "seq": forged.seq},
        )
    return forged.seq


def set_current_consent(heed: Heed, account_id: str, address: str, *, opted_out: bool) -> None:
    """Edit consent_state directly: no trigger stands in the way (heed writes it)."""
    with heed.engine.begin() as connection:
        changed = connection.execute(
            text(
                "UPDATE consent_state SET opted_out = :opted_out "
                "WHERE account_id = :account AND address = :address"
            ),
            {"opted_out": opted_out, "account": account_id, "address": address},
        )
        assert changed.rowcount >= 1


@contextmanager
def private_database(db_url: str, tmp_path: Path, name: str) -> Iterator[str]:
    """A database of the test's own, on the same kind of server as ``db_url``, for
    checks that read every account (the shared test database has thousands)."""
    if not db_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / (name + '.sqlite3')}"
        return
    base = make_url(db_url)
    database = f"{base.database}_{re.sub(r'[^a-z0-9_]', '_', name.lower())}_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        try:
            yield base.set(database=database).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    finally:
        admin.dispose()
