"""What moving database work off the event loop costs: two servers, interleaved, one database.

    git archive <commit> | tar -x -C /tmp/heed-before
    uv run python -m bench.offloop --database sqlite --before-src /tmp/heed-before/src

Serves ``bench.app`` twice over the same loaded database (``bench.run`` loads it): one
process runs heed from ``--before-src`` (an older checkout's ``src``), the other this
checkout's. Each round measures, on both servers in turn, the one-SELECT route on the
event loop, the same SELECT in the thread pool and ``POST /v1/decisions``, with wrk
as ``bench.run`` does. Besides requests per second it reads each server's own CPU
time (``/proc/<pid>/stat``) and reports CPU microseconds per request: on a machine
shared with other work, wall-clock rates swing with the load, while the CPU a
server spends per request barely moves. Medians over the rounds are printed and
written to ``bench/results/offloop/<database>-<size>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import DATA, database_url, parse_size, size_label
from bench.httpbench import Server, wrk
from heed.bootstrap import build
from heed.config import Settings
from heed.services.accounts import create_api_key
from heed.services.common import PERMISSIONS

RESULTS = Path(__file__).resolve().parent / "results" / "offloop"
ROUTES = ("/bench/select", "/bench/select-pool", "/v1/decisions")
HERE = Path(__file__).resolve().parent.parent


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_seconds() -> tuple[float, float]:
    """The whole machine's CPU time so far, every core summed, from /proc/stat: (busy,
    all). Busy is everything but idle and iowait, whichever process spent it: heed,
    PostgreSQL, wrk and the kernel alike."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = ticks[3] + ticks[4]
    hertz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / hertz, sum(ticks) / hertz


def serve(url: str, account_id: str, src: Path) -> Server:
    os.environ["PYTHONPATH"] = f"{src}{os.pathsep}{HERE}"
    try:
        return Server(url, account_id)
    finally:
        del os.environ["PYTHONPATH"]


def measure(server: Server, path: str, bodies: Path, seconds: int, key: str) -> dict[str, float]:
    before = cpu_seconds(server.process.pid)
    run = wrk(server, path, bodies, seconds, api_key=key)
    spent = cpu_seconds(server.process.pid) - before
    return {
        "per_second": run["per_second"],
        "cpu_us_per_request": round(spent / max(run["requests"], 1) * 1e6, 1),
        "non2xx": run["non2xx"] + run["errors"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite")
    parser.add_argument("--size", default="10k")
    parser.add_argument("--before-src", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=3)
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    meta = json.loads((DATA / f"{args.database}-{size_label(size)}.json").read_text())
    url = database_url(args.database, size)
    heed = build(Settings(database_url=url), migrate=False)
    key = create_api_key(heed.uow, meta["account_id"], list(PERMISSIONS))
    heed.engine.dispose()
    bodies = DATA / "decisions.jsonl"  # written by bench.run from the sampled contacts
    servers = {
        "before": serve(url, meta["account_id"], args.before_src.resolve()),
        "after": serve(url, meta["account_id"], HERE / "src"),
    }
    runs: dict[str, dict[str, list[dict[str, float]]]] = {
        name: {path: [] for path in ROUTES} for name in servers
    }
    try:
        for server in servers.values():  # warm-up
            for path in ROUTES:
                wrk(server, path, bodies, 1, api_key=key)
        for round_ in range(args.rounds):
            for name, server in servers.items():
                for path in ROUTES:
                    runs[name][path].append(measure(server, path, bodies, args.seconds, key))
            print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    finally:
        for server in servers.values():
            server.stop()
    summary: dict[str, Any] = {}
    for name, by_path in runs.items():
        summary[name] = {
            path: {
                figure: statistics.median(run[figure] for run in path_runs)
                for figure in ("per_second", "cpu_us_per_request")
            }
            for path, path_runs in by_path.items()
        }
        decisions, select = summary[name]["/v1/decisions"], summary[name]["/bench/select"]
        summary[name]["decisions_per_second_over_select"] = round(
            statistics.median(
                d["per_second"] / s["per_second"]
                for d, s in zip(by_path["/v1/decisions"], by_path["/bench/select"], strict=True)
            ),
            3,
        )
        summary[name]["decisions_cpu_over_select_cpu"] = round(
            decisions["cpu_us_per_request"] / select["cpu_us_per_request"], 3
        )
    result = {
        "database": args.database,
        "size": size,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "uv run python -m bench.offloop " + " ".join(sys.argv[1:]),
        "rounds": args.rounds,
        "seconds": args.seconds,
        "median": summary,
        "runs": runs,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{args.database}-{size_label(size)}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
