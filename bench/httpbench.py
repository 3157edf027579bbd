"""HTTP figures: wrk against heed's routes and the two baselines, one server process."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bench.common import BENCH, BUSINESS_NUMBER, DATA, TWILIO_TOKEN, status_kb
from bench.dataset import Numbers

LUA = BENCH / "wrk" / "post_lines.lua"
CONNECTIONS = 32
THREADS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """``bench.app`` in its own process: uvicorn, one worker, like ``heed serve``."""

    def __init__(self, database_url: str, account_id: str, *extra: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "HEED_DATABASE_URL": database_url,
            "HEED_PUBLIC_URL": self.base,
            "BENCH_ACCOUNT_ID": account_id,
            # The ledger self-check a server runs 10 s after it starts (and daily) walks
            # every entry in a thread of the serving process: measured in a run, it
            # would take the interpreter from the requests for seconds whenever it fell
            # in a window. A steady state has none; it is measured on its own
            # (`heed ledger verify`).
            "HEED_LEDGER_CHECK_DELAY": str(24 * 3600),
        }
        self.log = open(DATA / "server.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.app", "--port", str(self.port), *extra],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        # Generous: several workers start side by side on a machine that may be busy.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"bench server exited; see {DATA / 'server.log'}")
            try:
                self.post("/bench/bare", b"{}")
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"bench server did not start within 180 s; see {DATA / 'server.log'}")

    def post(
        self, path: str, body: bytes, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Content-Type": "application/json", **(headers or {})},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                status: int = answer.status
                return status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def memory(self) -> dict[str, int]:
        pid = self.process.pid
        return {"rss_kb": status_kb(pid, "VmRSS"), "peak_rss_kb": status_kb(pid, "VmHWM")}

    def stop(self) -> None:
        # SIGINT: uvicorn shuts down gracefully, then Python unwinds (so a profiler stops).
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def wrk(
    server: Server,
    path: str,
    bodies: Path,
    seconds: int,
    *,
    api_key: str = "",
    content_type: str = "application/json",
    connections: int = CONNECTIONS,
) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        server.base + path,
    ]
    env = {
        **os.environ,
        "BENCH_BODIES": str(bodies),
        "BENCH_AUTH": api_key,
        "BENCH_CONTENT_TYPE": content_type,
        "BENCH_THREADS": str(THREADS),
    }
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON "))
    raw: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
    seconds_run = raw["duration_us"] / 1e6
    return {
        "path": path,
        "command": " ".join(command[:-1]) + f" {path}",
        "requests": raw["requests"],
        "per_second": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "errors": raw["errors_connect"]
        + raw["errors_read"]
        + raw["errors_write"]
        + raw["errors_timeout"],
        "non2xx": raw["non2xx"],
        "stderr": done.stderr.strip()[-500:],
    }


def write_decision_bodies(path: Path, decisions: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(d, separators=(",", ":")) + "\n" for d in decisions))
    return path


def write_twilio_bodies(path: Path, url: str, count: int, run_tag: str) -> Path:
    """Signed STOP webhooks, each from its own number with its own MessageSid.

    The numbers are fresh random ones (seeded by the run), so each request opts a
    new number out: the full path, ledger entry and projection included.
    """
    validator = RequestValidator(TWILIO_TOKEN)
    numbers = Numbers(random.Random(run_tag))
    lines = []
    for i in range(count):
        params = {
            "MessageSid": f"SMbench{run_tag}{i:08d}",
            "AccountSid": "ACbench",
            "From": numbers.new(),
            "To": BUSINESS_NUMBER,
            "Body": ("STOP", "Stop", "stop", "UNSUBSCRIBE", "STOP.")[i % 5],
            "NumMedia": "0",
        }
        signature = validator.compute_signature(url, params)
        lines.append(f"{signature}\t{urlencode(params)}\n")
    path.write_text("".join(lines))
    return path
