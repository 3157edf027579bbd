"""Sending through Twilio's Messages API, against a local server that answers as Twilio does.

Error 21610 ("Attempt to send to unsubscribed recipient") means the number texted
STOP to Twilio directly: heed records that opt-out too (R-16a) and the message ends
blocked.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from api_support import free_port
from starlette.testclient import TestClient

from heed.adapters.transports import TwilioTransport
from heed.bootstrap import Heed
from heed.entrypoints.api.app import create_app

ACCOUNT_SID = "AC" + "0" * 32
API_SECRET = "twilio-api-secret"
UNSUBSCRIBED = "+15122449021"


class FakeTwilio(BaseHTTPRequestHandler):
    """POST /2010-04-01/Accounts/{sid}/Messages.json, as Twilio answers it."""

    received: list[dict[str, Any]]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.received.append(
            {"path": self.path, "form": form, "auth": self.headers.get("Authorization")}
        )
        if self.path != f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json":
            self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
        elif form.get("To") == UNSUBSCRIBED:
            self._answer(
                400,
                {
                    "code": 21610,
                    "message": "Attempt to send to unsubscribed recipient",
                    "more_info": "https://www.twilio.com/docs/errors/21610",
                    "status": 400,
                },
            )
        else:
            sid = f"SM{len(self.received):032x}"
            self._answer(
                201,
                {
                    "sid": sid,
                    "account_sid": ACCOUNT_SID,
                    "to": form.get("To"),
                    "from": form.get("From"),
                    "body": form.get("Body"),
                    "status": "queued",
                    "num_segments": "1",
                    "direction": "outbound-api",
                    "api_version": "2010-04-01",
                    "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
                },
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
def twilio_api() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []
    handler = type("Handler", (FakeTwilio,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def twilio_client(heed: Heed, twilio_api: tuple[str, list[dict[str, Any]]]) -> Iterator[TestClient]:
    base, _ = twilio_api
    app = create_app(
        dataclasses.replace(
            heed,
            settings=heed.settings.model_copy(update={"outbox_interval": 0.05}),
            transport=TwilioTransport(ACCOUNT_SID, API_SECRET, base),
        )
    )
    with TestClient(app) as client:
        yield client


def _send(client: TestClient, auth: dict[str, str], to: str) -> str:
    response = client.post(
        "/v1/messages",
        json={"channel": "sms", "to": to, "body": "Your technician is on the way.", "manual": True},
        headers=auth,
    )
    assert response.status_code == 202, response.text
    message_id: str = response.json()["id"]
    return message_id


def _settled(client: TestClient, auth: dict[str, str], message_id: str) -> Any:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        message = client.get(f"/v1/messages/{message_id}", headers=auth).json()
        if message["status"] not in ("queued", "sending"):
            return message
        time.sleep(0.02)
    raise AssertionError(f"{message_id} was never delivered")


def test_a_text_goes_to_twilios_messages_api_and_keeps_its_sid(
    twilio_client: TestClient,
    twilio_api: tuple[str, list[dict[str, Any]]],
    auth: dict[str, str],
    business_number: str,
) -> None:
    _, received = twilio_api
    message = _settled(twilio_client, auth, _send(twilio_client, auth, "+15128675309"))
    assert message["status"] == "sent"
    [request] = [r for r in received if r["form"].get("To") == "+15128675309"]
    assert request["form"] == {
        "To": "+15128675309",
        "From": business_number,
        "Body": "Your technician is on the way.",
    }
    assert (
        request["auth"]
        == "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{API_SECRET}".encode()).decode()
    )
    assert message["provider_id"].startswith("SM")


def test_twilio_error_21610_records_an_opt_out_and_blocks_the_message(
    twilio_client: TestClient, auth: dict[str, str]
) -> None:
    message = _settled(twilio_client, auth, _send(twilio_client, auth, UNSUBSCRIBED))
    assert (message["status"], message["reason"]) == ("blocked", "sms_opt_out")
    assert message["error"].startswith("21610")
    state = twilio_client.get(f"/v1/consent/{UNSUBSCRIBED}", headers=auth).json()
    assert state["opted_out"] is True
    assert [(e["action"], e["source"], e["actor"]) for e in state["events"]] == [
        ("opt_out", "provider", "provider")
    ]
    again = twilio_client.post(
        "/v1/messages",
        json={"channel": "sms", "to": UNSUBSCRIBED, "body": "Hello?", "manual": True},
        headers=auth,
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "sms_opt_out"
