"""Real `heed serve` processes sharing one database's outbox (R-30).

Two servers racing for the same messages hand each to the provider once; a server
killed with SIGKILL while Twilio holds its request open leaves a message that
another server recovers when the lease runs out, and retries or fails with the
reason visible through the API.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from api_support import bearer, free_port, heed_serve
from sqlalchemy import select, update

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.services import accounts, messages
from heed.services.common import Principal

ACCOUNT_SID = "AC" + "1" * 32
MESSAGES = 300


def _number(i: int) -> str:
    return f"+1512621{i:04d}"  # clear of the fictional 555-01XX range, a placeholder


@pytest.fixture
def environment(db_url: str, heed: Heed) -> dict[str, str]:
    return {
        **os.environ,
        "HEED_DATABASE_URL": db_url,
        "HEED_OUTBOX_INTERVAL": "0.1",
        "HEED_TRANSPORT": "log",
    }


def _wait_for(what: str, check: Any, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    """Like api_support's, with room for two servers starting at once on a busy machine."""

    def up() -> bool:
        assert process.poll() is None, f"heed serve at {url} exited with {process.returncode}"
        try:
            return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    _wait_for(f"heed serve at {url}", up, seconds=240)


def _messages(heed: Heed, account_id: str) -> list[t.Message]:
    with heed.uow.read() as tx:
        return list(tx.session.scalars(select(t.Message).where(t.Message.account_id == account_id)))


def _hold_back(heed: Heed, account_id: str, until: datetime | None) -> None:
    """Make the account's queued messages due at ``until`` (None: when they were queued)."""
    with heed.uow.write() as tx:
        tx.session.execute(
            update(t.Message)
            .where(t.Message.account_id == account_id, t.Message.status == "queued")
            .values(next_attempt_at=until or t.Message.created_at)
        )
        tx.commit()


def test_two_servers_on_one_database_send_each_message_exactly_once_r30(
    heed: Heed,
    environment: dict[str, str],
    account: accounts.NewAccount,
    staff: Principal,
    tmp_path: Path,
) -> None:
    token = uuid.uuid4().hex[:10]
    bodies = [f"Technician on the way, job {i} [{token}]" for i in range(MESSAGES)]
    ids = [
        messages.send_message(
            heed.uow,
            staff,
            messages.SendMessage(channel="sms", to=_number(i), body=body, manual=True),
        )["id"]
        for i, body in enumerate(bodies)
    ]
    # Held back until both servers answer, so both race for every message from the first.
    _hold_back(heed, account.account_id, datetime(2100, 1, 1, tzinfo=UTC))
    ports = [free_port(), free_port()]
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    with (
        logs[0].open("w") as first_log,
        logs[1].open("w") as second_log,
        heed_serve(environment, ports[0], first_log) as first,
        heed_serve(environment, ports[1], second_log) as second,
    ):
        wait_until_up(f"http://127.0.0.1:{ports[0]}", first)
        wait_until_up(f"http://127.0.0.1:{ports[1]}", second)
        _hold_back(heed, account.account_id, None)

        def all_sent() -> bool:
            return {m.status for m in _messages(heed, account.account_id)} == {"sent"}

        _wait_for("every message to be sent", all_sent, seconds=120)
        with httpx.Client(headers=bearer(account.api_key), timeout=10) as http:
            sample = [
                http.get(f"http://127.0.0.1:{ports[i % 2]}/v1/messages/{message_id}").json()
                for i, message_id in enumerate(ids[:10])
            ]
    printed: Counter[str] = Counter()
    per_server = []
    for log in logs:
        lines = [line.split(": ", 2)[-1] for line in log.read_text().splitlines()]
        mine = [body for body in lines if body.endswith(f"[{token}]")]
        per_server.append(len(mine))
        printed.update(mine)
    assert {body: printed[body] for body in bodies} == dict.fromkeys(bodies, 1)
    assert {m.attempts for m in _messages(heed, account.account_id)} == {1}
    assert all((m["status"], m["attempts"]) == ("sent", 1) for m in sample)
    assert sum(per_server) == MESSAGES


class HoldingTwilio(BaseHTTPRequestHandler):
    """Twilio's Messages API. While ``hold`` is set, a text to ``held_number`` never
    returns; a text to ``busy_number`` always meets a 503."""

    received: list[str]
    held_number: str
    busy_number: str
    hold: threading.Event
    arrived: threading.Event
    released: threading.Event

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.received.append(form.get("To", ""))
        if form.get("To") == self.held_number and self.hold.is_set():
            self.arrived.set()
            self.released.wait(timeout=60)
            return  # the caller is dead by now; nothing to answer
        if form.get("To") == self.busy_number:
            self._answer(503, {"code": 20503, "message": "Service Unavailable", "status": 503})
            return
        sid = f"SM{uuid.uuid4().hex}"
        self._answer(
            201, {"sid": sid, "account_sid": ACCOUNT_SID, "to": form.get("To"), "status": "queued"}
        )

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def holding_twilio() -> Iterator[tuple[str, type[HoldingTwilio]]]:
    unique = os.getpid() % 499
    handler: type[HoldingTwilio] = type(
        "Handler",
        (HoldingTwilio,),
        {
            "received": [],
            "held_number": _number(9000 + unique),
            "busy_number": _number(9500 + unique),
            "hold": threading.Event(),
            "arrived": threading.Event(),
            "released": threading.Event(),
        },
    )
    handler.hold.set()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        handler.released.set()
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_server_killed_mid_send_leaves_a_message_another_server_retries_r30(
    heed: Heed,
    environment: dict[str, str],
    account: accounts.NewAccount,
    staff: Principal,
    holding_twilio: tuple[str, type[HoldingTwilio]],
    tmp_path: Path,
) -> None:
    base, twilio = holding_twilio
    twilio_environment = {
        **environment,
        "HEED_TRANSPORT": "twilio",
        "HEED_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "HEED_TWILIO_API_KEY": "secret",
        "HEED_TWILIO_API_BASE": base,
        "HEED_OUTBOX_LEASE": "2",
        "HEED_OUTBOX_BACKOFF": "0.2",
        "HEED_OUTBOX_BACKOFF_MAX": "1",
        "HEED_OUTBOX_MAX_ATTEMPTS": "2",
    }

    def queue(to: str) -> str:
        sent = messages.send_message(
            heed.uow,
            staff,
            messages.SendMessage(channel="sms", to=to, body="On the way", manual=True),
        )
        message_id: str = sent["id"]
        return message_id

    interrupted = queue(twilio.held_number)
    with heed_serve(twilio_environment, free_port(), subprocess.DEVNULL) as doomed:
        assert twilio.arrived.wait(timeout=240), "the first server never reached Twilio"
        assert messages.get_message(heed.uow, staff, interrupted)["status"] == "sending"
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
    twilio.hold.clear()
    unlucky = queue(twilio.busy_number)

    port = free_port()
    log = tmp_path / "survivor.log"
    with log.open("w") as output, heed_serve(twilio_environment, port, output) as survivor:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, survivor)
        with httpx.Client(base_url=url, headers=bearer(account.api_key), timeout=10) as http:

            def settled() -> list[dict[str, Any]] | None:
                found = [http.get(f"/v1/messages/{m}").json() for m in (interrupted, unlucky)]
                done = all(m["status"] in ("sent", "failed") for m in found)
                return found if done else None

            recovered, failed = _wait_for("both messages to settle", settled, seconds=120)

    assert (recovered["status"], recovered["attempts"]) == ("sent", 2)
    assert "lease ran out" in recovered["last_error"]
    assert recovered["provider_id"].startswith("SM")
    assert twilio.received.count(twilio.held_number) == 2

    assert (failed["status"], failed["attempts"]) == ("failed", 2)
    assert failed["last_error"] == "20503: Unable to create record: Service Unavailable"
    assert twilio.received.count(twilio.busy_number) == 2
    told = [line for line in log.read_text().splitlines() if unlucky in line]
    assert any("failed after 2 attempts" in line for line in told), told
