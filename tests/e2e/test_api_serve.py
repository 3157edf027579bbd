"""`heed serve` as a real process: the CLI makes an account, the server answers over TCP."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
from api_support import free_port, heed_command, heed_serve, wait_until_up

from heed.bootstrap import Heed


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
