"""Where messages leave heed: a log for demos and tests, Twilio for real.

A transport only delivers; it never decides. Everything reaching it has passed R-18.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Protocol, TextIO

logger = logging.getLogger("heed.transport")

# Twilio's code for "the recipient replied STOP to this sender" on a send.
TWILIO_OPTED_OUT = 21610


@dataclass(frozen=True)
class Outbound:
    message_id: str
    channel: str
    to: str
    sender: str | None
    body: str


@dataclass(frozen=True)
class Delivery:
    provider_id: str | None
    error_code: int | None = None
    error_message: str | None = None

    @property
    def opted_out(self) -> bool:
        return self.error_code == TWILIO_OPTED_OUT


class Transport(Protocol):
    name: str

    def send(self, message: Outbound) -> Delivery: ...


class LogTransport:
    """Prints each message and keeps it in memory, for demos and tests."""

    name = "log"

    def __init__(self, stream: TextIO | None = None) -> None:
        self.sent: list[Outbound] = []
        self._stream = stream

    def send(self, message: Outbound) -> Delivery:
        self.sent.append(message)
        line = (
            f"heed: {message.channel} to {message.to} from {message.sender or '-'}: {message.body}"
        )
        print(line, file=self._stream or sys.stdout, flush=True)
        return Delivery(provider_id=f"log-{message.message_id}")


class TwilioTransport:
    """Sends texts through Twilio's Messages API with the official client."""

    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, api_base: str = "") -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self._client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=10))
        if api_base:
            # Point the client at another host speaking Twilio's API (a local stand-in in tests).
            self._client.api.base_url = api_base.rstrip("/")

    def send(self, message: Outbound) -> Delivery:
        from twilio.base.exceptions import TwilioRestException

        if message.channel != "sms":
            return Delivery(None, error_code=-1, error_message="twilio sends texts only")
        try:
            sent = self._client.messages.create(
                to=message.to, from_=message.sender, body=message.body
            )
        except TwilioRestException as error:
            return Delivery(None, error_code=error.code, error_message=error.msg)
        return Delivery(provider_id=sent.sid)
