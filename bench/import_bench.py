"""CSV import speed and memory (R-32): rows/s on SQLite and PostgreSQL, and the peak memory
of an import of 10k rows beside one of 100k, to show the import streams (memory flat).

    uv run python -m bench.import_bench --sizes 10k,100k --databases sqlite,postgresql

Each (database, size) runs in its own process, so each peak is its own: the file is
written first (a row at a time), then imported through ``services.csv_import`` into a
fresh account as ``heed import`` does. Memory is the Python heap's peak during the
import: the process's resident memory (VmRSS) as the import starts and the highest
sampled after each chunk. ``--postgresql URL`` names the
database (default: BENCH_PG's server, database ``heed_bench_import``, created if missing).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import PG_SERVER, parse_size

PG_DATABASE = "heed_bench_import"
HEADER = "External ID,Name,Location,Street,City,State,Zip,Mobile Phone,Phone,E-mail,SMS Opted Out\n"
AREAS = ("512", "214", "713", "305", "405", "415", "212", "617", "303", "604")


def write_file(path: Path, rows: int, seed: int = 17) -> None:
    """``rows`` rows of an old system's export: 1 in 3 with a location, 1 in 50 opted out,
    1 in 200 a placeholder, 1 in 500 malformed."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for i in range(rows):
            area = rng.choice(AREAS)
            mobile = f"({area}) {rng.randint(201, 989)}-{rng.randint(0, 9999):04d}"
            if i % 200 == 7:
                mobile = "(123) 456-7890"
            if i % 500 == 11:
                mobile = "512-55"
            place = (
                f"Home,{rng.randint(1, 9999)} Oak St,Austin,TX,787{rng.randint(10, 99)}"
                if i % 3 == 0
                else ",,,,"
            )
            email = f"c{i}@acme-mail.com" if i % 4 == 0 else ""
            opted = "yes" if i % 50 == 3 else "no"
            out.write(f"B-{i},Customer {i},{place},{mobile},,{email},{opted}\n")


def current_rss_kib() -> int:
    """The process's resident memory now (Linux), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def run_one(database: str, rows: int, url: str) -> dict[str, Any]:
    """Import a file of ``rows`` rows into a fresh account; the figures as a dict."""
    from heed.bootstrap import build
    from heed.config import Settings
    from heed.services import accounts, csv_import
    from heed.services.common import PERMISSIONS, Principal

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "import.csv"
        write_file(path, rows)
        if database == "sqlite":
            url = f"sqlite:///{folder}/heed.sqlite3"
        heed = build(Settings(database_url=url), migrate=True)
        made = accounts.create_account(heed.uow, "Bench Imports", [])
        principal = Principal(made.account_id, "operator:bench", frozenset(PERMISSIONS))
        job = csv_import.start_import(heed.uow, principal, csv_import.StartImport(path.name))
        before = current_rss_kib()
        highest = [before]

        def sample(done: int, total: int | None) -> None:
            highest.append(current_rss_kib())

        started = time.perf_counter()
        run = csv_import.RunImport(job["id"], path, sample)
        report = csv_import.run_import(heed.uow, principal, run)
        seconds = time.perf_counter() - started
        rss = max(highest)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        heed.engine.dispose()
    return {
        "database": database,
        "rows": rows,
        "status": report["status"],
        "created": report["created"],
        "flagged": report["flagged_count"],
        "errors": report["error_count"],
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "rss_before_mib": round(before / 1024, 1),
        "rss_peak_mib": round(rss / 1024, 1),
        "process_max_rss_mib": round(peak / 1024, 1),
    }


def _pg_url(url: str | None) -> str:
    """The given URL, or BENCH_PG's server's database heed_bench_import (made if missing)."""
    if url:
        return url
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE],
        capture_output=True,
        check=False,
    )
    return f"{PG_SERVER}/{PG_DATABASE}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgresql", default=None, help="A PostgreSQL URL to import into.")
    parser.add_argument("--one", nargs=2, metavar=("DATABASE", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        database, rows = args.one
        print(json.dumps(run_one(database, int(rows), args.postgresql or "")))
        return
    results = []
    for database in args.databases.split(","):
        url = _pg_url(args.postgresql) if database == "postgresql" else ""
        for size in args.sizes.split(","):
            command = [sys.executable, "-m", "bench.import_bench", "--one", database]
            command += [str(parse_size(size)), "--postgresql", url]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(result)
            print(json.dumps(result), flush=True)
    print("\n| database | rows | rows/s | seconds | RSS at start → highest during |")
    print("|---|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['database']} | {r['rows']:,} | {r['rows_per_second']:,} | {r['seconds']} "
            f"| {r['rss_before_mib']} → {r['rss_peak_mib']} MiB |"
        )


if __name__ == "__main__":
    main()
