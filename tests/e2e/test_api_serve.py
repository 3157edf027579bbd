"""`heed serve` as a real process: the CLI makes an account, the server answers over TCP."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_support import free_port, heed_command, heed_serve, wait_until_up
from sqlalchemy import text

from heed.adapters.transports import LogTransport
from heed.bootstrap import Heed, build
from heed.config import Settings
from heed.services import accounts, consent, ledger_check
from heed.services.common import PERMISSIONS, Principal


@pytest.fixture
def environment(db_url: str, heed: Heed) -> dict[str, str]:
    # The heed fixture has migrated db_url already; the server migrates again, a no-op.
    return {**os.environ, "HEED_DATABASE_URL": db_url, "HEED_OUTBOX_INTERVAL": "0.1"}


@pytest.fixture
def server(environment: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The server process, starting; it is not waited for, so the test can use the time."""
    port = free_port()
    with heed_serve(environment, port) as process:
        yield f"http://127.0.0.1:{port}", process


def test_heed_serve_answers_the_api_for_an_account_made_by_the_cli(
    server: tuple[str, subprocess.Popen[bytes]], environment: dict[str, str]
) -> None:
    url, process = server
    created = subprocess.run(
        heed_command("account", "create", "--name", "Lone Star Plumbing", "--json"),
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    account = json.loads(created.stdout)
    wait_until_up(url, process)
    headers = {"Authorization": f"Bearer {account['api_key']}"}
    with httpx.Client(base_url=url, headers=headers, timeout=10) as http:
        assert http.get("/v1/account").json()["id"] == account["account_id"]
        made = http.post(
            "/v1/customers",
            json={
                "name": "Maria Alvarez",
                "contacts": [{"kind": "mobile", "value": "512-867-5309"}],
            },
        )
        assert made.status_code == 201
        sent = http.post(
            "/v1/messages",
            json={
                "channel": "sms",
                "contact_id": made.json()["contacts"][0]["id"],
                "body": "Luis is on the way.",
                "manual": True,
            },
        )
        assert sent.status_code == 202
        deadline = time.monotonic() + 10
        while http.get(f"/v1/messages/{sent.json()['id']}").json()["status"] != "sent":
            assert time.monotonic() < deadline, "the server's outbox never delivered"
            time.sleep(0.05)
        assert httpx.get(f"{url}/v1/customers").status_code == 401
    assert "openapi" in httpx.get(f"{url}/openapi.json", headers=headers).json()


def test_heed_serve_checks_every_ledger_at_start_up_and_says_loudly_when_one_fails(
    tmp_path: Path,
) -> None:
    """R-17: a current-consent row edited outside heed, found by the server on its own."""
    url = f"sqlite:///{tmp_path / 'heed.sqlite3'}"
    with open(os.devnull, "w") as quiet:
        own = build(Settings(database_url=url), migrate=True, transport=LogTransport(quiet))
    try:
        made = accounts.create_account(own.uow, "Lone Star Plumbing")
        staff = Principal(made.account_id, "user:office@lonestar.example", frozenset(PERMISSIONS))
        consent.record_opt_out_for_customer(own.uow, staff, "+15128675309")
        with own.engine.begin() as connection:
            connection.execute(text("UPDATE consent_state SET opted_out = false"))

        port = free_port()
        log = tmp_path / "serve.log"
        environment = {**os.environ, "HEED_DATABASE_URL": url, "HEED_LEDGER_CHECK_DELAY": "0"}
        with log.open("w") as out, heed_serve(environment, port, out):
            deadline = time.monotonic() + 60
            while ledger_check.last_failure(own.uow, made.account_id) is None:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            while "CONSENT LEDGER CHECK FAILED" not in log.read_text():
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        said = log.read_text()
        assert made.account_id in said and "+15128675309" in said
    finally:
        own.engine.dispose()
