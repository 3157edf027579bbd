"""Staff sessions: a signed cookie carrying the user id and the session's CSRF token.

The cookie is HMAC-SHA256 signed with ``HEED_SECRET_KEY``. When that is unset a
random key is drawn once per process: sessions then end when the server restarts,
and several server processes behind one balancer would not accept each other's
cookies, so production sets the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from fastapi import Request, Response

COOKIE = "heed_session"
MAX_AGE = 12 * 60 * 60
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class Session:
    csrf: str
    user_id: str | None = None
    account_id: str | None = None
    issued: int = 0


class Signer:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(("heed-web-session:" + secret).encode()).digest()

    def _sign(self, payload: bytes) -> str:
        digest = hmac.new(self._key, payload, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def dumps(self, session: Session) -> str:
        data: dict[str, object] = {
            "c": session.csrf,
            "u": session.user_id,
            "a": session.account_id,
            "t": session.issued or int(time.time()),
        }
        payload = base64.urlsafe_b64encode(json.dumps(data).encode())
        return payload.decode().rstrip("=") + "." + self._sign(payload.rstrip(b"="))

    def loads(self, cookie: str | None) -> Session | None:
        if not cookie or "." not in cookie:
            return None
        payload, _, signature = cookie.rpartition(".")
        if not hmac.compare_digest(self._sign(payload.encode()), signature):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            issued = int(data["t"])
            csrf = str(data["c"])
        except (ValueError, KeyError, TypeError):
            return None
        if time.time() - issued > MAX_AGE:
            return None
        user, account = data.get("u"), data.get("a")
        return Session(
            csrf=csrf,
            user_id=user if isinstance(user, str) else None,
            account_id=account if isinstance(account, str) else None,
            issued=issued,
        )


def new_session(user_id: str | None = None, account_id: str | None = None) -> Session:
    return Session(
        csrf=secrets.token_urlsafe(24),
        user_id=user_id,
        account_id=account_id,
        issued=int(time.time()),
    )


def set_cookie(request: Request, response: Response, signer: Signer, session: Session) -> None:
    response.set_cookie(
        COOKIE,
        signer.dumps(session),
        max_age=MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def csrf_ok(session: Session | None, submitted: str | None) -> bool:
    return bool(session and submitted and hmac.compare_digest(session.csrf, submitted))
