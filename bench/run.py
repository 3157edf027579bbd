"""Run heed's benchmarks and write bench/RESULTS.md.

    uv run python -m bench.run --sizes 10k,100k,1m --databases sqlite,postgresql
    uv run python -m bench.run --sizes 10k            # quick: both databases, 10 k contacts

For each database and size it loads (or reuses) the data, then measures in one
run: in-process decisions (single and batches of 1,000), job recipients for 10 k
jobs, POST /v1/decisions and the Twilio STOP webhook over HTTP with wrk beside a
bare route and a one-SELECT route served by the same process, and peak memory of
the load and of the server. Raw figures go to bench/results/<db>-<size>.json;
RESULTS.md is rebuilt from every results file present.
"""

from __future__ import annotations

import argparse
import gc
import json
import shlex
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import inprocess, report
from bench.common import DATA, Meta, database_url, parse_size, size_label, status_kb
from bench.httpbench import Server, write_decision_bodies, write_twilio_bodies, wrk
from heed.bootstrap import build, freeze_start_up_heap
from heed.config import Settings
from heed.services.accounts import create_api_key
from heed.services.common import PERMISSIONS

RESULTS = Path(__file__).resolve().parent / "results"
SAMPLE_CONTACTS = 20_000
JOBS = 10_000
ROUNDS = 2


def load(database: str, size: int) -> Meta:
    command = [sys.executable, "-m", "bench.dataset", "--database", database]
    command += ["--size", size_label(size)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"loading {database} {size_label(size)} failed:\n{done.stderr}")
    for line in done.stderr.splitlines():
        print(line, file=sys.stderr)
    return Meta(**json.loads(done.stdout.strip().splitlines()[-1]))


def run_one(database: str, size: int, seconds: int, *, http: bool, command: str) -> dict[str, Any]:
    say(f"{database} {size_label(size)}: loading (or reusing)")
    meta = load(database, size)
    url = database_url(database, size)
    heed = build(Settings(database_url=url))
    who = inprocess.principal(meta.account_id)
    sample = inprocess.draw_sample(heed, meta.account_id, SAMPLE_CONTACTS, JOBS, seed=size)
    jobs = sample.jobs
    if len(jobs) < JOBS:  # fewer locations than jobs at 10 k: jobs repeat locations
        jobs = [jobs[i % len(jobs)] for i in range(JOBS)]
    sample = inprocess.Sample(sample.decisions, jobs)
    result: dict[str, Any] = {
        "database": database,
        "size": size,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "data": {
            "contacts": meta.contacts,
            "customers": meta.customers,
            "locations": meta.locations,
            "opted_out": meta.opted_out,
            "do_not_mail": meta.do_not_mail,
            "load_seconds": meta.load_seconds,
            "load_peak_rss_kb": meta.load_peak_rss_kb,
            "load_command": meta.load_command,
        },
    }
    say(f"{database} {size_label(size)}: in-process decisions")
    # Measured as in a server that has started: its start-up heap frozen, as `heed
    # serve` does (bootstrap.freeze_start_up_heap); thawed for the next size.
    freeze_start_up_heap()
    result["decide_one"] = inprocess.bench_decide_one(heed, who, sample, seconds)
    result["decide_many"] = inprocess.bench_decide_many(heed, who, sample, seconds)
    say(f"{database} {size_label(size)}: recipients for {JOBS:,} jobs")
    result["recipients"] = inprocess.bench_recipients(heed, who, sample)
    gc.unfreeze()
    result["bench_process_peak_rss_kb"] = status_kb("self", "VmHWM")
    if http:
        api_key = create_api_key(heed.uow, meta.account_id, list(PERMISSIONS))
        result["http"] = run_http(url, meta, api_key, sample, seconds)
    heed.engine.dispose()
    return result


def run_http(
    url: str, meta: Meta, api_key: str, sample: inprocess.Sample, seconds: int
) -> dict[str, Any]:
    DATA.mkdir(parents=True, exist_ok=True)
    bodies = write_decision_bodies(DATA / "decisions.jsonl", sample.decisions)
    server = Server(url, meta.account_id)
    out: dict[str, Any] = {"server_start_rss_kb": server.memory()["rss_kb"]}
    try:
        webhook = server.base + "/webhooks/twilio/sms"
        tag = str(int(time.time()))
        first = bodies.read_text().splitlines()[0].encode()
        auth = {"Authorization": f"Bearer {api_key}"}
        decision_status, decision_answer = server.post("/v1/decisions", first, auth)
        out["decisions_probe"] = [decision_status, decision_answer.decode()[:300]]
        probe = write_twilio_bodies(DATA / "twilio-probe.lines", webhook, 1, tag + "p")
        signature, form = probe.read_text().strip().split("\t")
        webhook_status, webhook_answer = server.post(
            "/webhooks/twilio/sms",
            form.encode(),
            {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"},
        )
        out["webhook_probe"] = [webhook_status, webhook_answer.decode()[:300]]
        # A short warm-up over every route, so no route pays for cold pages or imports.
        for path in ("/bench/bare", "/bench/select"):
            wrk(server, path, bodies, 2)
        if decision_status == 200:
            wrk(server, "/v1/decisions", bodies, 2, api_key=api_key)
        # The machine is shared, so each route is measured ROUNDS times, interleaved
        # with the others, and its best round is reported (every round is kept too).
        for round_ in range(ROUNDS):
            say(f"  wrk round {round_ + 1}/{ROUNDS}: bare, select, decisions, webhook")
            runs: dict[str, dict[str, Any]] = {
                "bare": wrk(server, "/bench/bare", bodies, seconds),
                "select": wrk(server, "/bench/select", bodies, seconds),
            }
            if decision_status == 200:
                runs["decisions"] = wrk(server, "/v1/decisions", bodies, seconds, api_key=api_key)
            if webhook_status == 200:
                signed = write_twilio_bodies(
                    DATA / "twilio.lines", webhook, seconds * 4000, f"{tag}r{round_}"
                )
                runs["webhook"] = wrk(
                    server,
                    "/webhooks/twilio/sms",
                    signed,
                    seconds,
                    content_type="application/x-www-form-urlencoded",
                )
                runs["webhook"]["signed_bodies"] = seconds * 4000
            for key, run in runs.items():
                rounds = [*out.get(key, {}).get("rounds", []), run["per_second"]]
                best = out.get(key)
                if best is None or run["per_second"] > best["per_second"]:
                    best = run
                out[key] = {**best, "rounds": rounds}
        out["server_memory"] = server.memory()
    finally:
        server.stop()
    return out


def say(text: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="heed's benchmarks", formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10k", help="contacts, comma-separated: 10k,100k,1m")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=int, default=10, help="length of each measurement")
    parser.add_argument("--no-http", action="store_true", help="in-process figures only")
    parser.add_argument("--report-only", action="store_true", help="rebuild RESULTS.md")
    args = parser.parse_args(argv)
    command = "uv run python -m bench.run " + shlex.join(sys.argv[1:])
    RESULTS.mkdir(exist_ok=True)
    if not args.report_only:
        for size in (parse_size(s) for s in args.sizes.split(",")):
            for database in args.databases.split(","):
                result = run_one(
                    database, size, args.seconds, http=not args.no_http, command=command
                )
                path = RESULTS / f"{database}-{size_label(size)}.json"
                path.write_text(json.dumps(result, indent=2) + "\n")
                say(f"{database} {size_label(size)}: written {path.name}")
                report.write(RESULTS)
    report.write(RESULTS)
    say(f"wrote {report.RESULTS_MD}")


if __name__ == "__main__":
    main()
