"""A real ``heed serve`` process and Debian's Chromium, for the staff UI's browser tests.

The server shares the tests' database, so tests set up accounts and customers
in-process through services and then look at them through the browser. The
``server``, ``browser`` and ``page`` fixtures built on these live in conftest.py;
a module that needs another page overrides ``page`` with ``open_page``.
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
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from api_support import free_port, heed_serve
from playwright.sync_api import Browser, Page, expect

from heed.bootstrap import Heed
from heed.services import accounts
from heed.services.accounts import NewAccount
from unique_values import unique_email

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
# Every staff user the browser tests make signs in with this password.
PASSWORD = "correct horse battery"


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


def open_page(
    browser: Browser, *, timeout_ms: int = 10_000, **context_options: Any
) -> Iterator[Page]:
    """A page in a context of its own (1280×900 unless ``viewport`` says otherwise), whose
    waits give up after ``timeout_ms``; the context is closed once the page is done with."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **context_options})
    try:
        context.set_default_timeout(timeout_ms)
        yield context.new_page()
    finally:
        context.close()


def staff_user(
    heed: Heed, account: NewAccount, role: str = "office", name: str | None = None
) -> str:
    """A new staff user of ``account`` with ``role``, under an email no test has used."""
    email = unique_email(role, "acme.example")
    accounts.create_user(heed.uow, account.account_id, email, PASSWORD, role, name)
    return email


def sign_in_as(page: Page, server: Server, email: str) -> None:
    """Sign ``email`` in through the login form and wait for the search page."""
    page.goto(server.url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Find a customer")).to_be_visible()


def sign_in(
    page: Page, server: Server, heed: Heed, account: NewAccount, role: str = "office"
) -> str:
    """A new staff user of ``account`` with ``role``, signed in on ``page``: their email."""
    email = staff_user(heed, account, role)
    sign_in_as(page, server, email)
    return email
