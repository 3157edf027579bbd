"""One server process against two on one PostgreSQL database (issue 18, "Scale").

    uv run python -m bench.processes --size 10k --seconds 5

Loads (or reuses) ``bench.run``'s database of that size, then serves ``bench.app``
with one process and with two (``--workers 2``: one port, each worker its own engine,
pool and outbox, as ``heed serve --workers 2``) and measures on each, with wrk as
``bench.run`` does, ``POST /v1/decisions``, the signed Twilio STOP webhook and the
reference app's one-SELECT route (``POST /bench/select``), so heed's two-process gain
can be set beside the reference's. Each round starts one server of each kind in turn,
in the other order the next round, so a change in the machine's load falls on both;
each figure is the best of its rounds (every round is kept). The servers' CPU time is
read too (``/proc/<pid>/stat``, the workers summed): CPU per request barely moves with
the machine's load where requests per second do. So is the whole machine's (``/proc/stat``:
heed or the reference, PostgreSQL and wrk together): where one process already keeps
the cores busy, no second process can double its figure, and ``room`` says how far one
could go at the same CPU per request. Raw figures go to
``bench/results/processes/<database>-<size>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import inprocess
from bench.common import DATA, database_url, machine, parse_size, size_label
from bench.httpbench import (
    CONNECTIONS,
    Server,
    write_decision_bodies,
    write_twilio_bodies,
    wrk,
)
from bench.offloop import cpu_seconds, machine_seconds
from bench.run import load, say
from heed.bootstrap import build
from heed.config import Settings
from heed.services.accounts import create_api_key
from heed.services.common import PERMISSIONS

RESULTS = Path(__file__).resolve().parent / "results" / "processes"
DATABASE = "postgresql"
SAMPLE_CONTACTS = 20_000
ROUTES = ("decisions", "webhook", "select")
PATHS = {
    "decisions": "/v1/decisions",
    "webhook": "/webhooks/twilio/sms",
    "select": "/bench/select",
}


def workers_of(server: Server, count: int) -> list[int]:
    """The processes that answer: the server itself, or its ``count`` workers once each
    has answered ``/bench/pid`` (the parent of ``--workers`` only hands out the port)."""
    if count == 1:
        return [server.process.pid]
    seen: set[int] = set()
    deadline = time.monotonic() + 120
    while len(seen) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(seen)} of {count} workers answered within 120 s")
        status, answer = server.post("/bench/pid", b"{}")
        if status == 200:
            seen.add(int(json.loads(answer)["pid"]))
        else:
            time.sleep(0.1)
    return sorted(seen)


def measure(
    processes: int,
    url: str,
    account_id: str,
    bodies: Path,
    api_key: str,
    seconds: int,
    tag: str,
    connections: int = CONNECTIONS,
) -> dict[str, dict[str, Any]]:
    """Every route on one server of ``processes`` processes."""
    server = Server(url, account_id, "--workers", str(processes))
    try:
        pids = workers_of(server, processes)
        webhook = server.base + PATHS["webhook"]
        signed = write_twilio_bodies(DATA / "processes-twilio.lines", webhook, seconds * 6000, tag)
        kinds: dict[str, tuple[Path, dict[str, str]]] = {
            "decisions": (bodies, {"api_key": api_key}),
            "webhook": (signed, {"content_type": "application/x-www-form-urlencoded"}),
            "select": (bodies, {}),
        }
        # A short warm-up of every worker on the routes that change nothing.
        for route in ("decisions", "select"):
            wrk(server, PATHS[route], bodies, 2, api_key=api_key)
        runs: dict[str, dict[str, Any]] = {}
        for route in ROUTES:
            route_bodies, options = kinds[route]
            before = [cpu_seconds(pid) for pid in pids]
            busy_before, all_before = machine_seconds()
            run = wrk(
                server, PATHS[route], route_bodies, seconds, connections=connections, **options
            )
            busy_after, all_after = machine_seconds()
            spent = [cpu_seconds(pid) - start for pid, start in zip(pids, before, strict=True)]
            run["cpu_us_per_request"] = round(sum(spent) / max(run["requests"], 1) * 1e6, 1)
            run["cpu_seconds_per_process"] = [round(s, 2) for s in spent]
            # The share of the machine's cores in use while wrk ran (heed or the
            # reference, PostgreSQL, wrk, the kernel): 1.0 is every core busy.
            run["machine_busy"] = round(
                (busy_after - busy_before) / max(all_after - all_before, 1e-9), 3
            )
            runs[route] = run
        return runs
    finally:
        server.stop()


def summary(kept: dict[str, dict[int, dict[str, Any]]]) -> dict[str, Any]:
    routes: dict[str, Any] = {}
    for route, by_processes in kept.items():
        one, two = by_processes[1], by_processes[2]
        routes[route] = {
            "path": PATHS[route],
            "one_process": one,
            "two_processes": two,
            "ratio_two_to_one": round(two["per_second"] / one["per_second"], 2),
            # The most any number of processes could give at the same CPU per request:
            # the machine's cores over the share one process's run kept busy.
            "room": round(1 / max(one["machine_busy"], 1e-9), 2),
        }
    return routes


def table(routes: dict[str, Any]) -> str:
    lines = [
        "| route | 1 process req/s | p50 / p99 ms | 2 processes req/s | p50 / p99 ms | 2 ÷ 1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    machine = [
        "\n| route | machine busy, 1 process | 2 processes | room left by 1 process |",
        "| --- | ---: | ---: | ---: |",
    ]
    for route in ROUTES:
        figures = routes[route]
        one, two = figures["one_process"], figures["two_processes"]
        path = f"`{figures['path']}`"
        lines.append(
            f"| {path} | {one['per_second']:,.0f} | {one['p50_ms']} / {one['p99_ms']} | "
            f"{two['per_second']:,.0f} | {two['p50_ms']} / {two['p99_ms']} | "
            f"{figures['ratio_two_to_one']} |"
        )
        machine.append(
            f"| {path} | {one['machine_busy']:.0%} | {two['machine_busy']:.0%} | "
            f"{figures['room']}× |"
        )
    reference = routes["select"]["ratio_two_to_one"]
    for route in ("decisions", "webhook"):
        gain = routes[route]["ratio_two_to_one"]
        lines.append(
            f"\n{PATHS[route]}: two processes give {gain}× one, the one-SELECT reference "
            f"{reference}× (heed's gain ÷ the reference's: {gain / reference:.2f})"
        )
    return "\n".join([*lines, *machine])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="10k", help="contacts: 10k, 100k, 1m")
    parser.add_argument("--seconds", type=int, default=10, help="length of each measurement")
    parser.add_argument("--rounds", type=int, default=2, help="servers of each kind started")
    parser.add_argument(
        "--connections",
        type=int,
        default=CONNECTIONS,
        help=f"wrk's open connections, each a client waiting for its answer ({CONNECTIONS})",
    )
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    command = "uv run python -m bench.processes " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    started = os.getloadavg()
    say(f"{DATABASE} {size_label(size)}: loading (or reusing)")
    meta = load(DATABASE, size)
    url = database_url(DATABASE, size)
    heed = build(Settings(database_url=url))
    sample = inprocess.draw_sample(heed, meta.account_id, SAMPLE_CONTACTS, 0, seed=size)
    api_key = create_api_key(heed.uow, meta.account_id, list(PERMISSIONS))
    heed.engine.dispose()
    DATA.mkdir(parents=True, exist_ok=True)
    bodies = write_decision_bodies(DATA / "processes-decisions.jsonl", sample.decisions)
    tag = f"{int(time.time())}w"
    kept: dict[str, dict[int, dict[str, Any]]] = {route: {} for route in ROUTES}
    for round_ in range(args.rounds):
        for processes in (1, 2) if round_ % 2 == 0 else (2, 1):
            say(f"  round {round_ + 1}/{args.rounds}: {processes} process(es)")
            runs = measure(
                processes,
                url,
                meta.account_id,
                bodies,
                api_key,
                args.seconds,
                f"{tag}{round_}p{processes}",
                args.connections,
            )
            for route, run in runs.items():
                best = kept[route].get(processes)
                rounds = [*(best or {}).get("rounds", []), run["per_second"]]
                if best is None or run["per_second"] > best["per_second"]:
                    best = run
                kept[route][processes] = {**best, "rounds": rounds}
                say(f"    {route}: {run['per_second']:,.0f} req/s")
    routes = summary(kept)
    result = {
        "database": DATABASE,
        "size": size,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "machine": machine(),
        "load_average_at_start": [round(x, 2) for x in started],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "seconds": args.seconds,
        "rounds": args.rounds,
        "connections": args.connections,
        "routes": routes,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.connections == CONNECTIONS else f"-c{args.connections}"
    path = RESULTS / f"{DATABASE}-{size_label(size)}{suffix}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(table(routes))
    say(f"wrote {path}")


if __name__ == "__main__":
    main()
