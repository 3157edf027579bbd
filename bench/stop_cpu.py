"""CPU time per signed STOP in the inbound writer: ``record_signed_texts`` in-process.

Batches of signed Twilio STOPs from fresh numbers, each as the route hands it to the
writer (form parsed as the route parses it, URL, signature), recorded one batch after
another; the figure is this process's CPU time (time.process_time) per STOP.

    uv run python -m bench.stop_cpu --database sqlite --size 10k

``--before SRC`` compares with another checkout's ``src`` (e.g. ``git archive main``
unpacked): rounds alternate between it and this one, each in a fresh process on its
own copy of the database (SQLite; on PostgreSQL both write to the bench database),
and the medians are printed. ``--http`` measures the whole server instead: the CPU
time ``bench.app`` (event loop and inbound writer) spends per signed STOP while wrk
posts them, from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from bench.common import BUSINESS_NUMBER, TWILIO_TOKEN, Meta, database_url, parse_size

PUBLIC_URL = "https://heed.example.com"
WEBHOOK = PUBLIC_URL + "/webhooks/twilio/sms"


def one_round(url: str, account_id: str, batches: int, batch_size: int, seed: str) -> float:
    """CPU µs per STOP of ``batches`` batches, after two batches of warm-up."""
    from starlette.datastructures import ImmutableMultiDict
    from twilio.request_validator import HMAC_SHA1, RequestValidator

    from bench.dataset import Numbers
    from heed.bootstrap import build
    from heed.config import Settings
    from heed.entrypoints.api.routes.webhooks import SignedText, record_signed_texts
    from heed.services.consent import InboundResult

    heed = build(
        Settings(database_url=url, twilio_auth_token=TWILIO_TOKEN, public_url=PUBLIC_URL),
        migrate=False,
    )
    validator = RequestValidator(TWILIO_TOKEN)
    numbers = Numbers(random.Random(seed))
    total = (batches + 2) * batch_size
    texts = []
    for i in range(total):
        params = {
            "ToCountry": "US",
            "SmsMessageSid": f"SMcpu{seed}{i:08d}",
            "NumMedia": "0",
            "MessageSid": f"SMcpu{seed}{i:08d}",
            "AccountSid": "ACbench",
            "From": numbers.new(),
            "To": BUSINESS_NUMBER,
            "Body": ("STOP", "Stop", "stop", "UNSUBSCRIBE", "STOP.")[i % 5],
            "NumSegments": "1",
            "ApiVersion": "2010-04-01",
        }
        signature = validator.compute_signature(WEBHOOK, params)
        form = ImmutableMultiDict(parse_qsl(urlencode(params), keep_blank_values=True))
        texts.append(SignedText(form, WEBHOOK, signature, HMAC_SHA1))
    chunks = [texts[i : i + batch_size] for i in range(0, total, batch_size)]
    for chunk in chunks[:2]:
        record_signed_texts(heed, chunk)
    cpu = time.process_time()
    for chunk in chunks[2:]:
        outcomes = record_signed_texts(heed, chunk)
        assert all(isinstance(o, InboundResult) and not o.duplicate for o in outcomes), outcomes
    cpu = time.process_time() - cpu
    heed.engine.dispose()
    return cpu / (batches * batch_size) * 1e6


def compare(args: argparse.Namespace, meta: Meta) -> None:
    before_src = str(Path(args.before).resolve())
    with tempfile.TemporaryDirectory(prefix="stop-cpu-") as scratch:
        urls = {}
        for side in ("before", "after"):
            if args.database == "sqlite":
                source = database_url("sqlite", meta.size).removeprefix("sqlite:///")
                copy = Path(scratch) / f"{side}.sqlite3"
                shutil.copyfile(source, copy)
                key = Path(source + ".key")
                if key.exists():
                    shutil.copyfile(key, str(copy) + ".key")
                urls[side] = f"sqlite:///{copy}"
            else:
                urls[side] = database_url("postgresql", meta.size)
        figures: dict[str, list[float]] = {"before": [], "after": []}
        for r in range(args.rounds):
            order = ("before", "after") if r % 2 == 0 else ("after", "before")
            for side in order:
                env = dict(os.environ)
                if side == "before":
                    env["PYTHONPATH"] = before_src
                command = [
                    sys.executable,
                    "-m",
                    "bench.stop_cpu",
                    "--one",
                    urls[side],
                    "--account",
                    meta.account_id,
                    "--batches",
                    str(args.batches),
                    "--batch-size",
                    str(args.batch_size),
                    "--seed",
                    f"{side}{r}{time.time_ns()}",
                ]
                if args.http:
                    figures[side].append(http_round(urls[side], meta, env, args.seconds))
                else:
                    done = subprocess.run(
                        command, env=env, capture_output=True, text=True, check=True
                    )
                    figures[side].append(json.loads(done.stdout)["cpu_us_per_stop"])
                print(f"round {r} {side}: {figures[side][-1]:.0f} µs/STOP", flush=True)
        before, after = (statistics.median(figures[s]) for s in ("before", "after"))
        what = (
            f"{args.seconds} s of wrk (server CPU)"
            if args.http
            else f"{args.batches} batches of {args.batch_size}"
        )
        print(
            f"{args.database} {args.size}, {args.rounds} rounds of {what}: median CPU per "
            f"STOP {before:.0f} µs before → {after:.0f} µs after "
            f"({(after - before) / before * 100:+.0f} %)"
        )


def http_round(url: str, meta: Meta, env: dict[str, str], seconds: int) -> float:
    """Server CPU µs per answered STOP while wrk posts fresh signed STOPs for ``seconds``."""
    from bench.common import DATA
    from bench.httpbench import Server, write_twilio_bodies, wrk

    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        server = Server(url, meta.account_id)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    try:
        path = "/webhooks/twilio/sms"
        tag = f"h{time.time_ns()}"
        lines = write_twilio_bodies(
            DATA / "stop-cpu-twilio.lines", server.base + path, (seconds + 2) * _MAX_RATE, tag
        )
        form = "application/x-www-form-urlencoded"
        wrk(server, path, lines, 1, content_type=form)  # warm-up
        tag = f"h{time.time_ns()}"
        lines = write_twilio_bodies(
            DATA / "stop-cpu-twilio.lines", server.base + path, seconds * _MAX_RATE, tag
        )
        cpu = _cpu_seconds(server.process.pid)
        result = wrk(server, path, lines, seconds, content_type=form)
        cpu = _cpu_seconds(server.process.pid) - cpu
        requests = int(result["requests"])
        # Every STOP a fresh text: a run that used up the bodies would post repeats.
        if result["non2xx"] or requests >= seconds * _MAX_RATE:
            raise SystemExit(f"wrk run not usable: {result}")
        return cpu / requests * 1e6
    finally:
        server.stop()


# STOPs per second a run has fresh bodies for (one SQLite server read 2,800/s under wrk).
_MAX_RATE = 5000


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="CPU time per signed STOP in the writer")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--size", default="10k")
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", help="another checkout's src directory to compare with")
    parser.add_argument("--http", action="store_true", help="server CPU per STOP under wrk")
    parser.add_argument("--seconds", type=int, default=5, help="wrk run length (--http)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--account", help=argparse.SUPPRESS)
    parser.add_argument("--seed", default=f"cpu{time.time_ns()}")
    args = parser.parse_args(argv)
    if args.one:
        figure = one_round(args.one, args.account, args.batches, args.batch_size, args.seed)
        print(json.dumps({"cpu_us_per_stop": figure}))
        return
    meta = Meta.read(args.database, parse_size(args.size))
    if meta is None:
        raise SystemExit(f"load {args.database} {args.size} first (python -m bench.dataset)")
    if args.before:
        compare(args, meta)
        return
    url = database_url(args.database, meta.size)
    figure = one_round(url, meta.account_id, args.batches, args.batch_size, args.seed)
    print(f"{figure:.0f} µs CPU per STOP")


if __name__ == "__main__":
    main()
