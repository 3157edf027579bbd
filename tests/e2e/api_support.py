"""Plain helpers for the API's end-to-end tests (fixtures live in conftest.py)."""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import httpx
from twilio.request_validator import RequestValidator

PUBLIC_URL = "http://127.0.0.1:8000"
WEBHOOK_URL = PUBLIC_URL + "/webhooks/twilio/sms"

_sids = itertools.count(1)


def bearer(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"}


def message_sid() -> str:
    """A Twilio MessageSid nobody has used yet in this session."""
    return f"SM{os.getpid():08x}{next(_sids):024x}"


def twilio_form(frm: str, to: str, body: str, **extra: str) -> dict[str, str]:
    return {"From": frm, "To": to, "Body": body, "MessageSid": message_sid(), **extra}


def twilio_signature(token: str, params: dict[str, Any], url: str = WEBHOOK_URL) -> str:
    """What Twilio puts in X-Twilio-Signature, computed by Twilio's own library."""
    signature: str = RequestValidator(token).compute_signature(url, params)
    return signature


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# The installed `heed` command, run by this interpreter so it uses the same environment.
CLI = "import sys; from heed.entrypoints.cli import main; sys.argv[0] = 'heed'; main()"


def heed_command(*args: str) -> list[str]:
    return [sys.executable, "-c", CLI, *args]


@contextmanager
def heed_serve(
    environment: dict[str, str],
    port: int,
    output: IO[str] | int = subprocess.PIPE,
    *options: str,
) -> Iterator[subprocess.Popen[bytes]]:
    """`heed serve` as a process, its output piped (or written to ``output``),
    stopped when the block ends."""
    process = subprocess.Popen(
        heed_command("serve", "--port", str(port), *options),
        env=environment,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = process.stdout.read().decode() if process.stdout else ""
            raise AssertionError(f"heed serve did not come up:\n{output}")
        time.sleep(0.1)
