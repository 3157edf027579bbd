"""One-click email unsubscribe (RFC 8058, R-14): signed links and the headers that carry them.

A token is itsdangerous' URL-safe timed serialization of ``[account_id, email]``,
salted for this purpose alone, under a key derived from ``HEED_SECRET_KEY`` or,
when that is unset, the secret the installation made once and keeps in its
database (bootstrap.build), so links outlive restarts. Nothing is stored per link,
so every email heed's callers send can carry one. A link works for LINK_LIFETIME.

Links sent before heed used itsdangerous are ``<payload>.<mac>`` (HMAC-SHA256, no
time inside). They are still honoured, on the unsubscribe route only, until
LEGACY_LINKS_ACCEPTED_UNTIL: the lifetime of a link counted from the release that
stopped issuing them. No new link is made in that format.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from itsdangerous import BadData, URLSafeTimedSerializer

from heed.adapters.db.uow import UnitOfWork
from heed.config import Settings
from heed.domain.addresses import normalize_email
from heed.domain.errors import InvalidSignature
from heed.services.common import get_account
from heed.services.common import now as clock_now
from heed.services.consent import EmailEvent, record_email

_PROCESS_SECRET = secrets.token_hex(32)
# Keeps this key apart from anything else HEED_SECRET_KEY signs (sessions, CSRF).
_PURPOSE = b"heed/unsubscribe/v1"
_SALT = "heed.unsubscribe"
# Mail is read late and kept long; CAN-SPAM asks for 30 days at the least.
LINK_LIFETIME = timedelta(days=180)
LEGACY_LINKS_ACCEPTED_UNTIL = datetime(2026, 11, 26, tzinfo=UTC) + LINK_LIFETIME
_NOT_VALID = "This unsubscribe link is not valid."
_EXPIRED = (
    "This unsubscribe link has expired. Use the link in a more recent email from the "
    "business, or reply to it asking to be removed."
)


def signing_key(settings: Settings) -> bytes:
    secret = (settings.secret_key or _PROCESS_SECRET).encode()
    return hmac.new(secret, _PURPOSE, hashlib.sha256).digest()


def _serializer(key: bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=_SALT)


def make_token(key: bytes, account_id: str, email: str) -> str:
    return str(_serializer(key).dumps([account_id, normalize_email(email)]))


def read_token(key: bytes, token: str, now: datetime | None = None) -> tuple[str, str]:
    """The account id and email a token names; InvalidSignature if heed did not sign it,
    or code ``link_expired`` once it is older than LINK_LIFETIME."""
    moment = now or clock_now()
    if token.count(".") == 1:
        return _read_legacy_token(key, token, moment)
    try:
        data, signed_at = _serializer(key).loads(token, return_timestamp=True)
    except BadData:
        raise InvalidSignature(_NOT_VALID) from None
    if moment - signed_at > LINK_LIFETIME:
        raise InvalidSignature(_EXPIRED, code="link_expired")
    return _names(data)


def _read_legacy_token(key: bytes, token: str, moment: datetime) -> tuple[str, str]:
    payload, _, mac = token.partition(".")
    expected = _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())
    # Bytes, not str: compare_digest refuses non-ASCII text, and a forged link may carry any.
    if not mac or not hmac.compare_digest(mac.encode(), expected.encode()):
        raise InvalidSignature(_NOT_VALID)
    if moment > LEGACY_LINKS_ACCEPTED_UNTIL:
        raise InvalidSignature(_EXPIRED, code="link_expired")
    try:
        data = json.loads(_unb64(payload))
    except (ValueError, TypeError, binascii.Error):
        raise InvalidSignature(_NOT_VALID) from None
    return _names(data)


def _names(data: object) -> tuple[str, str]:
    if not isinstance(data, list) or len(data) != 2:
        raise InvalidSignature(_NOT_VALID)
    account_id, email = data
    if not isinstance(account_id, str) or not isinstance(email, str):
        raise InvalidSignature(_NOT_VALID)
    return account_id, email


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


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


def describe(
    uow: UnitOfWork, settings: Settings, token: str, now: datetime | None = None
) -> dict[str, Any]:
    """Whom a link unsubscribes from what, for the confirmation page."""
    account_id, email = read_token(signing_key(settings), token, now)
    with uow.read() as tx:
        account = get_account(tx, account_id)
        return {"email": email, "business": account.name}


def unsubscribe(
    uow: UnitOfWork, settings: Settings, token: str, now: datetime | None = None
) -> dict[str, Any]:
    """Suppress the address for automated email (R-14); a second click changes nothing."""
    account_id, email = read_token(signing_key(settings), token, now)
    changed = record_email(
        uow, EmailEvent(account_id, email, "unsubscribe", via="unsubscribe_link")
    )
    with uow.read() as tx:
        account = get_account(tx, account_id)
        return {"email": email, "business": account.name, "changed": changed}
