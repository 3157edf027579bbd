"""One-click email unsubscribe (RFC 8058, R-14): signed links and the headers that carry them.

A token is ``<payload>.<mac>``: the payload names the account and the address
(base64url JSON), the mac is HMAC-SHA256 over it under a key derived from
``HEED_SECRET_KEY``, or, when that is unset, the secret the installation made
once and keeps in its database (bootstrap.build), so links outlive restarts.
Nothing is stored per link, so every email heed's callers send can carry one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from typing import Any
from urllib.parse import quote

from heed.adapters.db.uow import UnitOfWork
from heed.config import Settings
from heed.domain.addresses import normalize_email
from heed.domain.errors import InvalidSignature
from heed.services.common import get_account
from heed.services.consent import record_email_event

_PROCESS_SECRET = secrets.token_hex(32)
# Keeps this key apart from anything else HEED_SECRET_KEY signs (sessions, CSRF).
_PURPOSE = b"heed/unsubscribe/v1"


def signing_key(settings: Settings) -> bytes:
    secret = (settings.secret_key or _PROCESS_SECRET).encode()
    return hmac.new(secret, _PURPOSE, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_token(key: bytes, account_id: str, email: str) -> str:
    payload = _b64(json.dumps([account_id, normalize_email(email)]).encode())
    mac = _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{mac}"


def read_token(key: bytes, token: str) -> tuple[str, str]:
    """The account id and email a token names; InvalidSignature if heed did not sign it."""
    payload, _, mac = token.partition(".")
    expected = _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())
    # Bytes, not str: compare_digest refuses non-ASCII text, and a forged link may carry any.
    if not mac or not hmac.compare_digest(mac.encode(), expected.encode()):
        raise InvalidSignature("This unsubscribe link is not valid.")
    try:
        account_id, email = json.loads(_unb64(payload))
    except (ValueError, TypeError, binascii.Error):
        raise InvalidSignature("This unsubscribe link is not valid.") from None
    if not isinstance(account_id, str) or not isinstance(email, str):
        raise InvalidSignature("This unsubscribe link is not valid.")
    return account_id, email


def unsubscribe_url(settings: Settings, account_id: str, email: str) -> str:
    token = make_token(signing_key(settings), account_id, email)
    return f"{settings.public_url.rstrip('/')}/unsubscribe/{quote(token)}"


def list_unsubscribe_headers(settings: Settings, account_id: str, email: str) -> dict[str, str]:
    """The headers an automated email to ``email`` carries, so mail clients offer a
    one-click unsubscribe that reaches heed (RFC 2369 + RFC 8058)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(settings, account_id, email)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def describe(uow: UnitOfWork, settings: Settings, token: str) -> dict[str, Any]:
    """Whom a link unsubscribes from what, for the confirmation page."""
    account_id, email = read_token(signing_key(settings), token)
    with uow.read() as tx:
        account = get_account(tx, account_id)
        return {"email": email, "business": account.name}


def unsubscribe(uow: UnitOfWork, settings: Settings, token: str) -> dict[str, Any]:
    """Suppress the address for automated email (R-14); a second click changes nothing."""
    account_id, email = read_token(signing_key(settings), token)
    changed = record_email_event(
        uow, account_id, email=email, event="unsubscribe", via="unsubscribe_link"
    )
    with uow.read() as tx:
        account = get_account(tx, account_id)
        return {"email": email, "business": account.name, "changed": changed}
