"""Signed STOP webhooks during a login spray, against a real ``heed serve``.

For each database: a fresh small database, one account with a staff login, then
``heed serve``. wrk posts signed STOP webhooks (a fresh number and MessageSid each)
for ``--seconds``, first alone, then while a spray process posts wrong passwords to
``/login`` from ``--spray-clients`` concurrent connections, each request from an
address of its own (X-Forwarded-For, which heed trusts from the local proxy), so
the per-client throttle does not turn the spray away and every attempt is hashed
or refused for want of a hashing slot. Half the guesses name the real staff email,
half unknown ones.

    uv run python -m bench.spray --databases sqlite,postgresql --seconds 10

The spray runs in its own process; both share the machine's cores with the server
and PostgreSQL. Figures are printed and written to bench/results/spray.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench.common import BENCH, BUSINESS_NUMBER, DATA, PG_PREFIX, PG_SERVER, TWILIO_TOKEN
from bench.httpbench import LUA, free_port, write_twilio_bodies
from heed.bootstrap import build
from heed.config import Settings
from heed.services import accounts

STAFF_EMAIL = "office@bench-plumbing.example"
STAFF_PASSWORD = "bench-staff-password"
RESULTS = BENCH / "results" / "spray.json"


def fresh_database(database: str) -> str:
    if database == "sqlite":
        path = DATA / "spray.sqlite3"
        DATA.mkdir(parents=True, exist_ok=True)
        for leftover in DATA.glob("spray.sqlite3*"):
            leftover.unlink()
        return f"sqlite:///{path}"
    name = f"{PG_PREFIX}_spray"
    host = PG_SERVER.rsplit("/", 1)[-1]
    user, _, address = host.rpartition("@")
    hostname, _, port = address.partition(":")
    base = ["-h", hostname, "-p", port or "5432", "-U", user or "postgres"]
    subprocess.run(["dropdb", *base, "--if-exists", name], check=True, capture_output=True)
    subprocess.run(["createdb", *base, name], check=True, capture_output=True)
    return f"{PG_SERVER}/{name}"


def prepare(url: str) -> None:
    heed = build(Settings(database_url=url), migrate=True)
    try:
        made = accounts.create_account(
            heed.uow, "Bench Plumbing & Air", [BUSINESS_NUMBER], TWILIO_TOKEN
        )
        accounts.create_user(heed.uow, made.account_id, STAFF_EMAIL, STAFF_PASSWORD, "office")
    finally:
        heed.engine.dispose()


def serve(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HEED_DATABASE_URL": url, "HEED_PUBLIC_URL": base}
    code = "import sys; from heed.entrypoints.cli import main; sys.argv[0] = 'heed'; main()"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", code, "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"heed serve did not start; see {log}")


def wrk_stops(base: str, bodies: Path, seconds: int) -> dict[str, Any]:
    command = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--timeout", "15s", "-s", str(LUA)]
    env = {
        **os.environ,
        "BENCH_BODIES": str(bodies),
        "BENCH_CONTENT_TYPE": "application/x-www-form-urlencoded",
        "BENCH_THREADS": "2",
    }
    done = subprocess.run(
        [*command, base + "/webhooks/twilio/sms"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON "))
    raw: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
    return {
        "command": " ".join(command) + " /webhooks/twilio/sms",
        "requests": raw["requests"],
        "per_second": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "timeouts": raw["errors_timeout"],
        "non2xx": raw["non2xx"],
    }


async def _spray(base: str, clients: int, seconds: float) -> dict[str, Any]:
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        page = await http.get("/login")
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found is not None
        token = found[1]
        stop_at = time.monotonic() + seconds
        rng = random.Random(7)

        async def worker() -> None:
            while time.monotonic() < stop_at:
                email = STAFF_EMAIL if rng.random() < 0.5 else f"x{rng.randrange(10**6)}@b.example"
                address = ".".join(str(rng.randrange(1, 255)) for _ in range(4))
                began = time.monotonic()
                try:
                    answer = await http.post(
                        "/login",
                        data={"email": email, "password": "wrong-guess", "csrf_token": token},
                        headers={"X-Forwarded-For": address},
                    )
                except httpx.HTTPError:
                    statuses["transport error"] += 1
                    continue
                latencies.append(time.monotonic() - began)
                busy = "busy checking other sign-ins" in answer.text
                statuses[f"{answer.status_code}{' busy' if busy else ''}"] += 1

        await asyncio.gather(*(worker() for _ in range(clients)))
    latencies.sort()
    return {
        "attempts": sum(statuses.values()),
        "statuses": dict(statuses),
        "per_second": round(sum(statuses.values()) / seconds, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1) if latencies else None,
    }


def spray_main(base: str, clients: int, seconds: float, out: Path) -> None:
    out.write_text(json.dumps(asyncio.run(_spray(base, clients, seconds))))


def run_database(database: str, seconds: int, spray_clients: int) -> dict[str, Any]:
    url = fresh_database(database)
    prepare(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = serve(url, port, DATA / f"spray-{database}.log")
    try:
        webhook = base + "/webhooks/twilio/sms"
        quiet_bodies = write_twilio_bodies(DATA / "spray-quiet.tsv", webhook, 30_000, "q")
        sprayed_bodies = write_twilio_bodies(DATA / "spray-sprayed.tsv", webhook, 30_000, "s")
        print(f"{database}: STOP webhooks alone, {seconds} s", flush=True)
        alone = wrk_stops(base, quiet_bodies, seconds)
        print(f"  {alone}", flush=True)
        spray_out = DATA / "spray-attempts.json"
        sprayer = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.spray",
                "--spray-only",
                base,
                "--spray-clients",
                str(spray_clients),
                "--seconds",
                str(seconds + 2),
                "--out",
                str(spray_out),
            ]
        )
        time.sleep(2)  # the spray at full strength before STOPs are counted
        print(
            f"{database}: STOP webhooks during a login spray ({spray_clients} clients)", flush=True
        )
        during = wrk_stops(base, sprayed_bodies, seconds)
        sprayer.wait()
        spray = json.loads(spray_out.read_text())
        print(f"  {during}\n  spray: {spray}", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=15)
    return {
        "database": database,
        "alone": alone,
        "during_spray": during,
        "spray": spray,
        "kept": round(during["per_second"] / alone["per_second"], 2)
        if alone["per_second"]
        else None,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--spray-clients", type=int, default=32)
    parser.add_argument("--spray-only", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.spray_only:
        spray_main(args.spray_only, args.spray_clients, args.seconds, args.out)
        return
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    load = os.getloadavg()
    runs = [
        run_database(db.strip(), args.seconds, args.spray_clients)
        for db in args.databases.split(",")
    ]
    result = {
        "command": "uv run python -m bench.spray "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "started": started,
        "machine": f"{platform.node()} {os.cpu_count()} CPUs, load average before start {load}",
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
