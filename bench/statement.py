"""The batch decision's one statement alone: its rows read into contacts, per 1,000 ids.

    uv run python -m bench.statement --database sqlite --size 1m
    BENCH_PG=postgresql://postgres@127.0.0.1:5433 uv run python -m bench.statement \\
        --database postgresql --size 1m

Draws batches of 1,000 random contact ids of the loaded account (sorted, as a batch
asks), then reads them with ``decision_facts``' statement into ``StoredContact``s,
alternating two ways of reading in one process, each over the same batches:

- SQLite: a connection without a memory map against one with heed's
  (``engine.SQLITE_MMAP_BYTES``). Figures: this process's CPU and wall time per batch.
- PostgreSQL: the rows fetched whole against streamed in chunks (libpq 17's chunked
  mode). Figures: this process's CPU, the server process's CPU (read from
  ``/proc/<backend pid>/stat``, so the server must run on this machine) and wall time.

Prints one line per round and way, then the medians as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any

import psycopg

from bench.common import Meta, database_url, parse_size
from heed.adapters.db.decision_facts import _CONTACTS_POSTGRESQL_SQL, _CONTACTS_SQLITE, _stored
from heed.adapters.db.engine import SQLITE_MMAP_BYTES

BATCH = 1000


def sqlite_ways(
    path: str, account_id: str
) -> tuple[list[str], dict[str, Callable[[list[str]], Any]]]:
    def connect(mapped: int) -> sqlite3.Connection:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute(f"PRAGMA mmap_size={mapped}")
        return connection

    plain, mapped = connect(0), connect(SQLITE_MMAP_BYTES)
    ids = [
        r[0] for r in plain.execute("SELECT id FROM contacts WHERE account_id = ?", (account_id,))
    ]
    sql = _CONTACTS_SQLITE.format(",".join("?" * BATCH))

    def way(connection: sqlite3.Connection) -> Callable[[list[str]], Any]:
        def read(batch: list[str]) -> Any:
            connection.execute("BEGIN")
            _stored(connection.execute(sql, (account_id, *batch)))
            connection.execute("COMMIT")

        return read

    return ids, {"no map": way(plain), "memory map": way(mapped)}


def postgresql_ways(
    url: str, account_id: str
) -> tuple[list[str], dict[str, Callable[[list[str]], Any]], Callable[[], float]]:
    connection = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    ids = [
        r[0]
        for r in connection.execute("SELECT id FROM contacts WHERE account_id = %s", (account_id,))
    ]
    row = connection.execute("SELECT pg_backend_pid()").fetchone()
    assert row is not None
    stat = f"/proc/{row[0]}/stat"
    tick = os.sysconf("SC_CLK_TCK")
    connection.rollback()

    def server_cpu() -> float:
        fields = open(stat).read().rsplit(")", 1)[1].split()  # noqa: SIM115
        return (int(fields[11]) + int(fields[12])) / tick

    def whole(batch: list[str]) -> Any:
        _stored(connection.execute(_CONTACTS_POSTGRESQL_SQL, _params(account_id, batch)))
        connection.rollback()

    def streamed(batch: list[str]) -> Any:
        rows: Iterable[Any] = connection.cursor().stream(
            _CONTACTS_POSTGRESQL_SQL, _params(account_id, batch), size=64
        )
        _stored(rows)
        connection.rollback()

    return ids, {"whole": whole, "streamed": streamed}, server_cpu


def _params(account_id: str, batch: list[str]) -> dict[str, Any]:
    return {"account_id": account_id, "ids": batch}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--size", required=True)
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    size = parse_size(args.size)
    url = database_url(args.database, size)
    meta = Meta.read(args.database, size)
    if meta is None:
        raise SystemExit(
            "load it first: uv run python -m bench.dataset"
            f" --database {args.database} --size {args.size}"
        )
    server_cpu: Callable[[], float] | None = None
    if args.database == "sqlite":
        ids, ways = sqlite_ways(url.removeprefix("sqlite:///"), meta.account_id)
    else:
        ids, ways, server_cpu = postgresql_ways(url, meta.account_id)
    rng = random.Random(size)
    batches = [sorted(rng.sample(ids, BATCH)) for _ in range(args.batches)]
    figures: dict[str, list[dict[str, float]]] = {name: [] for name in ways}
    for read in ways.values():  # warm the caches once
        for batch in batches:
            read(batch)
    for round_ in range(args.rounds):
        order = list(ways.items()) if round_ % 2 == 0 else list(reversed(ways.items()))
        for name, read in order:
            server = server_cpu() if server_cpu else 0.0
            cpu, wall = time.process_time(), time.perf_counter()
            for batch in batches:
                read(batch)
            n = len(batches)
            got = {
                "cpu_ms": (time.process_time() - cpu) / n * 1000,
                "wall_ms": (time.perf_counter() - wall) / n * 1000,
            }
            if server_cpu:
                got["server_cpu_ms"] = (server_cpu() - server) / n * 1000
            figures[name].append(got)
            print(
                f"round {round_ + 1} {name:10} "
                + "  ".join(f"{k} {v:6.2f}" for k, v in got.items())
            )
    medians = {
        name: {key: round(statistics.median(r[key] for r in rounds), 2) for key in rounds[0]}
        for name, rounds in figures.items()
    }
    print(json.dumps({"database": args.database, "size": size, "per_1000_ids": medians}, indent=2))


if __name__ == "__main__":
    main()
