"""A real ``heed serve`` process and Debian's Chromium, for the staff UI's browser tests.

The server shares the tests' database, so tests set up accounts and customers
in-process through services and then look at them through the browser.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from api_support import free_port, heed_serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")


@dataclass(frozen=True)
class Server:
    url: str
    log: Path


# Moments the server under test lives at (its clock runs on from there): the same
# working Tuesday in Chicago, inside and outside the default 08:00–21:00 sending window.
AFTERNOON_IN_CHICAGO = datetime(2026, 5, 5, 15, 0, tzinfo=ZoneInfo("America/Chicago"))
NIGHT_IN_CHICAGO = datetime(2026, 5, 5, 3, 0, tzinfo=ZoneInfo("America/Chicago"))


@contextmanager
def start_server(db_url: str, log_dir: Path, clock: datetime) -> Iterator[Server]:
    """``heed serve`` whose clock reads ``clock`` when it starts: what the pages show
    never depends on the hour the tests run at."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "HEED_DATABASE_URL": db_url,
        "HEED_PUBLIC_URL": url,
        "HEED_SECRET_KEY": secrets.token_hex(16),
        "HEED_TRANSPORT": "log",
        "HEED_TEST_CLOCK": clock.isoformat(),
    }
    log = log_dir / "heed-serve.log"
    with log.open("w") as out, heed_serve(env, port, out) as process:
        # As long as api_support.wait_until_up allows: a loaded CI machine starts slowly.
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"heed serve exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(url + "/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"heed serve did not answer: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield Server(url, log)
