"""Batch and single decisions of two checkouts, interleaved, over one loaded database.

    git archive main src | tar -x -C /tmp/heed-base
    uv run python -m bench.batch --database sqlite --size 100k --before-src /tmp/heed-base/src

With ``--migrated-copy`` the after side reads a copy of the loaded database migrated
to this checkout's head (new indexes included), and the before side the loaded one.

Draws one sample of requests (``bench.inprocess``'s mix over 20,000 contacts) and
keeps it in a file, so both sides decide the same requests. Each round runs
``decide_many`` (batches of 1,000) and ``decide_one`` in a fresh process with heed
from ``--before-src`` (an older checkout's ``src``), then in one with this
checkout's, swapping which goes first every round; on a shared machine the load
moves between minutes, so ratios within a round are the figures to read. Each side
also decides every request of the sample at two fixed moments, one batch at a time,
and hashes the answers: the two digests must be equal. The result goes to
``bench/results/batch/<database>-<size>.json``.

The speed runs decide at the clock's "now": at night in the US every text waits
for its window, by day most go. ``--clock 2026-06-02T18:30:00Z`` starts both sides'
clocks at that moment (running on at the wall clock's pace), so a run at any hour can
measure either.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import inprocess
from bench.common import (
    DATA,
    PG_PREFIX,
    PG_SERVER,
    Meta,
    database_url,
    machine,
    parse_size,
    size_label,
)

RESULTS = Path(__file__).resolve().parent / "results" / "batch"
HERE = Path(__file__).resolve().parent.parent
SAMPLE_CONTACTS = 20_000
# A weekday afternoon, when every window is open, and a night, when texts wait.
MOMENTS = ("2026-06-02T18:30:00Z", "2026-06-03T05:10:00Z")


def sample_path(database: str, size: int) -> Path:
    return DATA / f"batch-sample-{database}-{size_label(size)}.json"


def worker(
    database: str, size: int, url: str, seconds: float, clock: str | None = None
) -> dict[str, Any]:
    """One side's figures, in this process (heed as found on PYTHONPATH)."""
    import heed
    from heed.bootstrap import build
    from heed.config import Settings
    from heed.services import common
    from heed.services.decisions import MAX_BATCH, DecisionRequest, decide_many

    meta = Meta.read(database, size)
    assert meta is not None
    bodies: list[dict[str, Any]] = json.loads(sample_path(database, size).read_text())
    built = build(Settings(database_url=url))
    who = inprocess.principal(meta.account_id)
    sample = inprocess.Sample(bodies, [])
    digest = hashlib.sha256()
    for moment in MOMENTS:
        for i in range(0, len(bodies), MAX_BATCH):
            batch = [DecisionRequest.parse({**b, "at": moment}) for b in bodies[i : i + MAX_BATCH]]
            answers = decide_many(built.uow, who, batch)
            digest.update(json.dumps(answers, sort_keys=True).encode())
    if clock:
        common.clock = common.clock_starting_at(datetime.fromisoformat(clock))
    result = {
        "heed": str(Path(heed.__file__).parent.parent),
        "decide_many": inprocess.bench_decide_many(built, who, sample, seconds),
        "decide_one": inprocess.bench_decide_one(built, who, sample, seconds),
        "answers_sha256": digest.hexdigest(),
    }
    built.engine.dispose()
    return result


def migrated_copy(database: str, size: int) -> str:
    """A copy of the loaded database brought to this checkout's migrations; its URL.
    The loaded one stays as the older checkout's schema left it."""
    from heed.adapters.db.migrate import upgrade

    loaded = database_url(database, size)
    if database == "sqlite":
        source = Path(loaded.removeprefix("sqlite:///"))
        target = source.with_name(source.stem + "-head.sqlite3")
        target.unlink(missing_ok=True)
        with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
            reading.backup(writing)
        key = Path(f"{source}.key")
        if key.exists():
            shutil.copyfile(key, f"{target}.key")
        url = f"sqlite:///{target}"
    else:
        name = f"{PG_PREFIX}_{size_label(size)}_head"
        for sql in (
            f"DROP DATABASE IF EXISTS {name}",
            f"CREATE DATABASE {name} TEMPLATE {loaded.rsplit('/', 1)[1]}",
        ):
            subprocess.run(["psql", f"{PG_SERVER}/postgres", "-qc", sql], check=True)
        url = f"{PG_SERVER}/{name}"
    upgrade(url)
    return url


def run_side(
    src: Path, database: str, size: int, url: str, seconds: float, clock: str | None = None
) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{HERE}"}
    command = [sys.executable, "-m", "bench.batch", "--database", database]
    command += ["--size", size_label(size), "--seconds", str(seconds), "--worker", url]
    command += ["--clock", clock] if clock else []
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{src}: {done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_average"] = Path("/proc/loadavg").read_text().split()[:3]
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--size", required=True)
    parser.add_argument("--before-src", type=Path, help="an older checkout's src")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--tag", default="", help="suffix for the result file")
    parser.add_argument(
        "--before-url",
        help="the database the older checkout reads (default: the loaded one); a copy "
        "made before this checkout's migrations, so each side runs on its own schema",
    )
    parser.add_argument(
        "--after-url", help="the database this checkout reads (default: the loaded one)"
    )
    parser.add_argument(
        "--migrated-copy",
        action="store_true",
        help="copy the loaded database, migrate the copy to this checkout's head and "
        "read it on the after side (the loaded one stays the before side's)",
    )
    parser.add_argument(
        "--clock",
        help="an ISO moment both sides' clocks start at for the speed runs "
        "(default: the real clock)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    if args.worker:
        print(json.dumps(worker(args.database, size, args.worker, args.seconds, args.clock)))
        return
    if args.before_src is None:
        parser.error("--before-src is required")
    meta = Meta.read(args.database, size)
    if meta is None:
        raise SystemExit(f"load {args.database} {args.size} first (python -m bench.dataset)")
    from heed.bootstrap import build
    from heed.config import Settings

    built = build(Settings(database_url=database_url(args.database, size)))
    drawn = inprocess.draw_sample(built, meta.account_id, SAMPLE_CONTACTS, 0, seed=size)
    built.engine.dispose()
    sample_path(args.database, size).write_text(json.dumps(drawn.decisions))
    sides = {"before": args.before_src.resolve(), "after": HERE / "src"}
    loaded = database_url(args.database, size)
    after = migrated_copy(args.database, size) if args.migrated_copy else args.after_url
    urls = {"before": args.before_url or loaded, "after": after or loaded}
    rounds: list[dict[str, Any]] = []
    for round_ in range(args.rounds):
        order = ("before", "after") if round_ % 2 == 0 else ("after", "before")
        runs: dict[str, Any] = {}
        for side in order:
            say(f"round {round_ + 1}/{args.rounds}: {side}")
            runs[side] = run_side(
                sides[side], args.database, size, urls[side], args.seconds, args.clock
            )
            say(
                f"  decide_many {runs[side]['decide_many']['per_second']:,.0f}/s, "
                f"decide_one p50 {runs[side]['decide_one']['p50_ms']} ms"
            )
        runs["ratios"] = ratios(runs["before"], runs["after"])
        runs["order"] = list(order)
        rounds.append(runs)
    same = {r[side]["answers_sha256"] for r in rounds for side in ("before", "after")}
    result = {
        "database": args.database,
        "size": size,
        "contacts": meta.contacts,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "uv run python -m bench.batch " + shlex.join(sys.argv[1:]),
        "urls": urls,
        "clock": args.clock or "real",
        "machine": machine(),
        "same_answers": len(same) == 1,
        "median": {
            key: statistics.median(r["ratios"][key] for r in rounds) for key in rounds[0]["ratios"]
        },
        "rounds": rounds,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"{args.database}-{size_label(size)}{'-' + args.tag if args.tag else ''}.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("same_answers", "median")}, indent=2))
    say(f"written {RESULTS / name}")


def ratios(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
    """After ÷ before: above 1 is faster for rates, below 1 is faster for latencies."""
    pick = {
        "decide_many_per_second": ("decide_many", "per_second"),
        "decide_many_per_cpu_second": ("decide_many", "per_cpu_second"),
        "decide_one_per_second": ("decide_one", "per_second"),
        "decide_one_p50_ms": ("decide_one", "p50_ms"),
    }
    return {
        key: round(after[part][name] / before[part][name], 3) for key, (part, name) in pick.items()
    }


def say(text: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
