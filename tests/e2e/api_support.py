"""Plain helpers for the API's end-to-end tests (fixtures live in conftest.py)."""

from __future__ import annotations

import itertools
import os
import socket
from typing import Any

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
