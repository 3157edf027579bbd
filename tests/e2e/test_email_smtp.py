"""Email leaves through a real SMTP conversation, carrying a one-click unsubscribe
that reaches heed (R-14, RFC 8058), and an unsubscribe stops the next automated email."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from aiosmtpd.controller import Controller
from starlette.testclient import TestClient

from heed.adapters.transports import ChannelRouter, LogTransport, SmtpTransport
from heed.bootstrap import Heed
from heed.services import messages
from heed.services.common import Principal


class Inbox:
    def __init__(self) -> None:
        self.received: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _email_contact(client: TestClient, auth: dict[str, str], make_customer: Any) -> str:
    customer = make_customer(
        "Maria Alvarez", contacts=[{"kind": "email", "value": "maria.alvarez@gmail.com"}]
    )
    contact_id: str = customer["contacts"][0]["id"]
    return contact_id


def test_an_automated_email_carries_a_one_click_unsubscribe_that_stops_the_next_one(
    heed: Heed,
    staff: Principal,
    client: TestClient,
    auth: dict[str, str],
    make_customer: Any,
    smtp_server: tuple[Inbox, int],
) -> None:
    inbox, port = smtp_server
    transport = ChannelRouter(
        sms=LogTransport(), email=SmtpTransport("127.0.0.1", port, "office@acme-plumbing.com")
    )
    contact_id = _email_contact(client, auth, make_customer)
    queued = client.post(
        "/v1/messages",
        json={"channel": "email", "contact_id": contact_id, "body": "Your tech arrives at 9."},
        headers=auth,
    )
    assert queued.status_code == 202, queued.text
    messages.deliver_due(heed.uow, transport, settings=heed.settings, account_id=staff.account_id)
    deadline = time.monotonic() + 5
    while not inbox.received and time.monotonic() < deadline:
        time.sleep(0.05)

    (email,) = inbox.received
    assert email["To"] == "maria.alvarez@gmail.com"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Long headers are folded on the wire; the URL is the unfolded text between < and >.
    link = "".join(str(email["List-Unsubscribe"]).split()).strip("<>")
    one_click = client.post(urlsplit(link).path, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200, (link, one_click.text)

    again = client.post(
        "/v1/messages",
        json={"channel": "email", "contact_id": contact_id, "body": "Reminder: tomorrow."},
        headers=auth,
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "email_suppressed"
    by_hand = client.post(
        "/v1/messages",
        json={"channel": "email", "contact_id": contact_id, "body": "Your receipt", "manual": True},
        headers=auth,
    )
    assert by_hand.status_code == 202, "an unsubscribe stops automated email only"
    assert messages.get_message(heed.uow, staff, queued.json()["id"])["status"] == "sent"


def test_a_manual_email_carries_no_unsubscribe_link(
    heed: Heed,
    staff: Principal,
    client: TestClient,
    auth: dict[str, str],
    make_customer: Any,
    smtp_server: tuple[Inbox, int],
) -> None:
    inbox, port = smtp_server
    transport = SmtpTransport("127.0.0.1", port, "office@acme-plumbing.com")
    contact_id = _email_contact(client, auth, make_customer)
    client.post(
        "/v1/messages",
        json={"channel": "email", "contact_id": contact_id, "body": "Hi!", "manual": True},
        headers=auth,
    )
    messages.deliver_due(heed.uow, transport, settings=heed.settings, account_id=staff.account_id)
    deadline = time.monotonic() + 5
    while not inbox.received and time.monotonic() < deadline:
        time.sleep(0.05)
    (email,) = inbox.received
    assert email["List-Unsubscribe"] is None


# A Tuesday morning in Austin; the sends below are decided and retried at explicit times.
MORNING = datetime(2026, 5, 5, 15, 0, tzinfo=UTC)


def test_an_unreachable_mail_relay_is_retried_with_backoff_then_fails_with_its_error_r30(
    heed: Heed, staff: Principal, client: TestClient, auth: dict[str, str], make_customer: Any
) -> None:
    transport = SmtpTransport("127.0.0.1", _free_port(), "office@acme-plumbing.com", timeout=2)
    settings = heed.settings.model_copy(
        update={"outbox_max_attempts": 2, "outbox_backoff": 60, "outbox_backoff_max": 600}
    )
    with time_machine.travel(MORNING, tick=False):
        contact_id = _email_contact(client, auth, make_customer)
        queued = client.post(
            "/v1/messages",
            json={"channel": "email", "contact_id": contact_id, "body": "Hi!"},
            headers=auth,
        )
    message_id = queued.json()["id"]

    def deliver(at: datetime) -> dict[str, Any]:
        messages.deliver_due(
            heed.uow, transport, at, settings=settings, account_id=staff.account_id
        )
        return messages.get_message(heed.uow, staff, message_id)

    first = deliver(MORNING)
    assert (first["status"], first["attempts"]) == ("queued", 1)
    assert "ConnectionRefusedError" in (first["last_error"] or "")
    assert deliver(MORNING + timedelta(seconds=30))["attempts"] == 1, "retried before its backoff"
    last = deliver(MORNING + timedelta(minutes=5))
    assert (last["status"], last["attempts"]) == ("failed", 2)
    assert "ConnectionRefusedError" in (last["last_error"] or "")


def test_a_retried_email_keeps_one_message_id_r30(
    heed: Heed,
    staff: Principal,
    client: TestClient,
    auth: dict[str, str],
    make_customer: Any,
    smtp_server: tuple[Inbox, int],
) -> None:
    inbox, port = smtp_server
    down = SmtpTransport("127.0.0.1", _free_port(), "Acme <office@acme-plumbing.com>", timeout=2)
    up = SmtpTransport("127.0.0.1", port, "Acme <office@acme-plumbing.com>")
    settings = heed.settings.model_copy(update={"outbox_backoff": 60})
    with time_machine.travel(MORNING, tick=False):
        contact_id = _email_contact(client, auth, make_customer)
        queued = client.post(
            "/v1/messages",
            json={"channel": "email", "contact_id": contact_id, "body": "Hi!", "manual": True},
            headers=auth,
        )
    message_id = queued.json()["id"]
    messages.deliver_due(heed.uow, down, MORNING, settings=settings, account_id=staff.account_id)
    messages.deliver_due(
        heed.uow, up, MORNING + timedelta(hours=1), settings=settings, account_id=staff.account_id
    )
    deadline = time.monotonic() + 5
    while not inbox.received and time.monotonic() < deadline:
        time.sleep(0.05)
    (email,) = inbox.received
    assert email["Message-ID"] == f"<{message_id}@acme-plumbing.com>"
    stored = messages.get_message(heed.uow, staff, message_id)
    assert (stored["status"], stored["attempts"]) == ("sent", 2)
    assert stored["provider_id"] == email["Message-ID"]
