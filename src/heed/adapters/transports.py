"""Where messages leave heed: a log for demos and tests, Twilio for texts and
SMTP for email in production, and a router that sends each channel its own way.

A transport only delivers; it never decides. Everything reaching it has passed R-18.
"""

from __future__ import annotations

import email.policy
import logging
import smtplib
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
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
    subject: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    provider_id: str | None
    error_code: int | None = None
    error_message: str | None = None
    # A refusal worth retrying (the provider was busy or unreachable), not a verdict.
    transient: bool = False

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
    """Sends texts through Twilio's Messages API with the official client.

    Twilio's Messages API takes no idempotency key (its I-Twilio-Idempotency-Token
    header is on the webhooks Twilio sends, not on requests it receives), so a
    retry after an interrupted attempt may text twice; the message's attempts and
    last_error say so.
    """

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
            # Too many requests, or Twilio's own trouble: try again later. Anything
            # else (a bad number, an opted-out recipient) is Twilio's answer.
            busy = error.status == 429 or error.status >= 500
            return Delivery(None, error_code=error.code, error_message=error.msg, transient=busy)
        return Delivery(provider_id=sent.sid)


# An unsubscribe URL is one long word: folded at 78 it would be RFC 2047-encoded,
# which mail clients do not read as a link. 998 is RFC 5322's hard line limit.
_SMTP_POLICY = email.policy.SMTP.clone(max_line_length=998)


class SmtpTransport:
    """Sends email through an SMTP relay (the business's mail provider)."""

    name = "smtp"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = 10,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._username, self._password = username, password
        self._starttls, self._timeout = starttls, timeout
        self._domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"

    def send(self, message: Outbound) -> Delivery:
        if message.channel != "email":
            return Delivery(None, error_code=-1, error_message="smtp sends email only")
        mail = EmailMessage(policy=_SMTP_POLICY)
        mail["From"] = self._sender
        mail["To"] = message.to
        mail["Subject"] = message.subject or "A message"
        # The same Message-ID on every attempt: a relay or mailbox that already holds
        # it can tell a retry from a second message (email's idempotency key).
        mail["Message-ID"] = f"<{message.message_id}@{self._domain}>"
        for name, value in message.headers.items():
            mail[name] = value
        mail.set_content(message.body)
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                if self._starttls:
                    smtp.starttls()
                if self._username:
                    smtp.login(self._username, self._password)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as refused:
            code, reason = next(iter(refused.recipients.values()))
            return Delivery(
                None,
                error_code=code,
                error_message=reason.decode(errors="replace"),
                transient=400 <= code < 500,
            )
        except smtplib.SMTPResponseException as error:
            said = error.smtp_error
            message_text = said.decode(errors="replace") if isinstance(said, bytes) else said
            return Delivery(
                None,
                error_code=error.smtp_code,
                error_message=f"{type(error).__name__}: {message_text}",
                transient=400 <= error.smtp_code < 500,
            )
        except (smtplib.SMTPException, OSError) as error:
            # The relay could not be reached or hung up: nothing was refused, try again.
            return Delivery(
                None,
                error_code=-1,
                error_message=f"{type(error).__name__}: {error}",
                transient=True,
            )
        return Delivery(provider_id=str(mail["Message-ID"]))


class ChannelRouter:
    """Texts one way, email another: each channel to the transport that speaks it."""

    name = "router"

    def __init__(self, sms: Transport, email: Transport) -> None:
        self.sms, self.email = sms, email

    def send(self, message: Outbound) -> Delivery:
        return (self.email if message.channel == "email" else self.sms).send(message)
