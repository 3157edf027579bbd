"""Profile one in-process hot path with pyinstrument; the text lands in bench/profiles/.

    uv run python -m bench.profile --database sqlite --size 10k --target decide_one
    uv run python -m bench.profile --database postgresql --size 1m --target decide_many

Targets: decide_one, decide_many, recipients, stop (record_inbound_sms). The
database must have been loaded (``bench.dataset`` or ``bench.run``) first.
"""

from __future__ import annotations

import argparse
import random
import time

from pyinstrument import Profiler

from bench import inprocess
from bench.common import (
    BUSINESS_NUMBER,
    DATA,
    PROFILES,
    Meta,
    database_url,
    parse_size,
    size_label,
)
from bench.dataset import Numbers
from bench.httpbench import Server, write_decision_bodies, write_twilio_bodies, wrk
from heed.bootstrap import build
from heed.config import Settings
from heed.domain.decision import Category
from heed.services.accounts import create_api_key
from heed.services.common import PERMISSIONS
from heed.services.consent import record_inbound_sms
from heed.services.decisions import (
    MAX_BATCH,
    DecisionRequest,
    decide_many,
    decide_one,
)
from heed.services.recipients import recipients_for


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="profile one hot path")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--size", required=True)
    parser.add_argument(
        "--target",
        choices=("decide_one", "decide_many", "recipients", "stop", "http_decisions", "http_stop"),
        required=True,
    )
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--tag", default="", help="suffix for the output file, e.g. before")
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    meta = Meta.read(args.database, size)
    if meta is None:
        raise SystemExit(f"load {args.database} {args.size} first (python -m bench.dataset)")
    if args.target.startswith("http_"):
        profile_server(args.database, size, meta, args.target, int(args.seconds), args.tag)
        return
    heed = build(Settings(database_url=database_url(args.database, size)))
    who = inprocess.principal(meta.account_id)
    sample = inprocess.draw_sample(heed, meta.account_id, 5000, 2000, seed=1)
    numbers = Numbers(random.Random(time.time_ns()))
    profiler = Profiler(interval=0.0005)
    calls = 0
    cpu = time.process_time()
    profiler.start()
    started = time.perf_counter()
    while time.perf_counter() - started < args.seconds:
        if args.target == "decide_one":
            body = sample.decisions[calls % len(sample.decisions)]
            decide_one(heed.uow, who, DecisionRequest.parse(body))
        elif args.target == "decide_many":
            start = (calls * MAX_BATCH) % (len(sample.decisions) - MAX_BATCH)
            batch = sample.decisions[start : start + MAX_BATCH]
            decide_many(heed.uow, who, [DecisionRequest.parse(b) for b in batch])
        elif args.target == "recipients":
            customer_id, location_id = sample.jobs[calls % len(sample.jobs)]
            recipients_for(
                heed.uow,
                who,
                customer_id=customer_id,
                location_id=location_id,
                category=Category.JOB,
            )
        else:
            record_inbound_sms(
                heed.uow,
                meta.account_id,
                from_number=numbers.new(),
                to_number=BUSINESS_NUMBER,
                body="STOP",
                message_id=f"SMprofile{time.time_ns()}",
            )
        calls += 1
    elapsed = time.perf_counter() - started
    profiler.stop()
    cpu = time.process_time() - cpu
    PROFILES.mkdir(parents=True, exist_ok=True)
    name = f"{args.target}-{args.database}-{size_label(size)}{'-' + args.tag if args.tag else ''}"
    header = (
        f"# {args.target} on {args.database} {size_label(size)}: {calls} calls in "
        f"{elapsed:.1f} s ({calls / elapsed:.1f}/s; {calls / cpu:.1f} per CPU-second of this "
        "process, profiler included)\n"
        f"# uv run python -m bench.profile --database {args.database} --size {args.size} "
        f"--target {args.target}\n\n"
    )
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    path = PROFILES / f"{name}.txt"
    path.write_text(header + text)
    print(header.strip())
    print(f"written {path}")


def profile_server(
    database: str, size: int, meta: Meta, target: str, seconds: int, tag: str
) -> None:
    """Serve bench.app under pyinstrument while wrk drives one route, then save the profile."""
    PROFILES.mkdir(parents=True, exist_ok=True)
    name = f"{target}-{database}-{size_label(size)}{'-' + tag if tag else ''}"
    path = PROFILES / f"{name}.txt"
    heed = build(Settings(database_url=database_url(database, size)))
    sample = inprocess.draw_sample(heed, meta.account_id, 5000, 10, seed=2)
    api_key = create_api_key(heed.uow, meta.account_id, list(PERMISSIONS))
    heed.engine.dispose()
    server = Server(database_url(database, size), meta.account_id, "--profile", str(path))
    try:
        if target == "http_decisions":
            bodies = write_decision_bodies(DATA / "profile-decisions.jsonl", sample.decisions)
            result = wrk(server, "/v1/decisions", bodies, seconds, api_key=api_key)
        else:
            url = server.base + "/webhooks/twilio/sms"
            lines = write_twilio_bodies(DATA / "profile-twilio.lines", url, seconds * 3000, tag)
            result = wrk(
                server,
                "/webhooks/twilio/sms",
                lines,
                seconds,
                content_type="application/x-www-form-urlencoded",
            )
    finally:
        server.stop()
    header = (
        f"# {target} on {database} {size_label(size)} under wrk (32 connections): "
        f"{result['per_second']} req/s with the profiler on\n"
        f"# uv run python -m bench.profile --database {database} --size {size_label(size)} "
        f"--target {target}\n\n"
    )
    path.write_text(header + path.read_text())
    print(header.strip())
    print(f"written {path}")


if __name__ == "__main__":
    main()
