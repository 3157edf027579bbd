"""Batch decisions with the start-up heap frozen, as `heed serve` runs them, against the
collector left to scan it: fresh processes, alternating which goes first.

    uv run python -m bench.heap --database sqlite --size 1m --rounds 3 --seconds 6

Each round runs one process per side over the same 20,000 requests (bench.inprocess);
the JSON lands in bench/results/heap/.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

from bench import inprocess
from bench.common import BENCH, Meta, database_url, machine, parse_size, size_label

SIDES = ("scanned", "frozen")


def side(database: str, size: int, frozen: bool, seconds: float) -> dict[str, Any]:
    """One process's figures: decide_many with or without the freeze."""
    from heed.bootstrap import build, freeze_start_up_heap
    from heed.config import Settings

    meta = Meta.read(database, size)
    assert meta is not None, f"load {database} {size_label(size)} first (bench.dataset)"
    heed = build(Settings(database_url=database_url(database, size)))
    who = inprocess.principal(meta.account_id)
    sample = inprocess.draw_sample(heed, meta.account_id, 20_000, 0, seed=size)
    if frozen:
        freeze_start_up_heap()
    figures = inprocess.bench_decide_many(heed, who, sample, seconds)
    figures["tracked_objects"] = len(gc.get_objects())
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="sqlite")
    parser.add_argument("--size", default="1m")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    if args.side:
        print(json.dumps(side(args.database, size, args.side == "frozen", args.seconds)))
        return
    rounds: list[dict[str, Any]] = []
    for n in range(args.rounds):
        order = SIDES if n % 2 == 0 else SIDES[::-1]
        found = {}
        for name in order:
            command = [sys.executable, "-m", "bench.heap", "--database", args.database]
            command += ["--size", args.size, "--seconds", str(args.seconds), "--side", name]
            out = subprocess.run(
                command, check=True, capture_output=True, text=True, cwd=BENCH.parent
            )
            found[name] = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"round {n + 1} {name}: {found[name]['per_cpu_second']:,.0f} per CPU-s")
        rounds.append(found)
    ratios = [r["frozen"]["per_cpu_second"] / r["scanned"]["per_cpu_second"] for r in rounds]
    summary = {
        "command": " ".join(["uv run python -m bench.heap", *(argv or sys.argv[1:])]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "database": args.database,
        "size": size,
        "rounds": rounds,
        "median": {
            name: statistics.median(r[name]["per_cpu_second"] for r in rounds) for name in SIDES
        },
        "frozen_over_scanned": [round(r, 2) for r in ratios],
    }
    out_dir = BENCH / "results" / "heap"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{args.database}-{size_label(size)}.json"
    path.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({k: summary[k] for k in ("median", "frozen_over_scanned")}))


if __name__ == "__main__":
    main()
