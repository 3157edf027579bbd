"""A PostgreSQL batch's contacts read whole against read in parts, in one process.

    BENCH_PG=postgresql://postgres@127.0.0.1:5433 uv run python -m bench.overlap \\
        --size 1m --rounds 12 --batches 10

Runs ``decide_many`` over ``bench.batch``'s sample (batches of 1,000, run
``bench.batch`` first) with each split of a batch's contact ids in turn, alternating
every ``--batches`` batches: ``1`` is one statement (the whole batch, then heed's
work on it), the others the shares of the pipelined parts
(``decision_facts.PART_SHARES``). Per batch: wall time, this process's CPU, the
server process's CPU (``/proc/<backend pid>/stat``, so the server must run on this
machine; one connection serves every batch) and the time heed spent waiting on the
database (psycopg's ``Connection.wait``). What the parts hide of the server's work
is the fall in that wait. Prints the medians (and ranges) over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from bench import inprocess
from bench.batch import sample_path
from bench.common import Meta, database_url, parse_size
from heed.adapters.db import decision_facts
from heed.bootstrap import build
from heed.config import Settings
from heed.services.decisions import MAX_BATCH, DecisionRequest, decide_many

WHOLE = "1"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", required=True)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--batches", type=int, default=10, help="batches per split per round")
    parser.add_argument(
        "--splits",
        default=f"{WHOLE};" + ",".join(str(s) for s in decision_facts.PART_SHARES),
        help="splits to compare, ';' between them, each the parts' shares",
    )
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    meta = Meta.read("postgresql", size)
    if meta is None:
        raise SystemExit(f"load postgresql {args.size} first (python -m bench.dataset)")
    built = build(Settings(database_url=database_url("postgresql", size)))
    who = inprocess.principal(meta.account_id)
    bodies: list[dict[str, Any]] = json.loads(sample_path("postgresql", size).read_text())
    batches = [bodies[i : i + MAX_BATCH] for i in range(0, len(bodies) - MAX_BATCH + 1, MAX_BATCH)]
    with built.engine.connect() as connection:
        backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    server_cpu = _process_cpu(Path(f"/proc/{backend}/stat"))
    waited = _timing_waits()
    splits = args.splits.split(";")
    done = 0

    def run(split: str, count: int) -> tuple[float, float, float, float]:
        nonlocal done
        shares = tuple(float(share) for share in split.split(","))
        decision_facts.PART_SHARES = shares
        decision_facts.PART_MIN = 1 if len(shares) > 1 else 10**9
        waited[0] = 0.0
        wall, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
        for _ in range(count):
            batch = batches[done % len(batches)]
            decide_many(built.uow, who, [DecisionRequest.parse(body) for body in batch])
            done += 1
        return tuple(  # type: ignore[return-value]
            1000 * value / count
            for value in (
                time.perf_counter() - wall,
                time.process_time() - cpu,
                server_cpu() - server,
                waited[0],
            )
        )

    for split in splits:
        run(split, 5)  # each split's statement prepared, its facts built
    figures: dict[str, list[tuple[float, float, float, float]]] = {split: [] for split in splits}
    for round_ in range(args.rounds):
        for split in splits if round_ % 2 == 0 else splits[::-1]:
            figures[split].append(run(split, args.batches))
    names = ("wall_ms", "heed_cpu_ms", "server_cpu_ms", "heed_waits_ms")
    result = {
        split: {
            name: {
                "median": round(statistics.median(r[k] for r in rows), 2),
                "range": [round(min(r[k] for r in rows), 2), round(max(r[k] for r in rows), 2)],
            }
            for k, name in enumerate(names)
        }
        for split, rows in figures.items()
    }
    print(json.dumps({"size": size, "load_average": os.getloadavg(), **result}, indent=2))
    built.engine.dispose()


def _process_cpu(stat: Path) -> Callable[[], float]:
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    return read


def _timing_waits() -> list[float]:
    """psycopg's waits on the database, summed into the list's one item."""
    waited = [0.0]
    wait = psycopg.Connection.wait

    def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return wait(self, *args, **kwargs)
        finally:
            waited[0] += time.perf_counter() - started

    psycopg.Connection.wait = timed  # type: ignore[method-assign]
    return waited


if __name__ == "__main__":
    main()
