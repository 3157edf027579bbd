"""Staff sessions in the browser: a signed cookie carrying the session's token and CSRF nonce.

Cookies and CSRF tokens are signed with itsdangerous under ``HEED_SECRET_KEY`` (or the
installation's own secret), each with its own salt, so a value signed for one purpose
is refused for another, and each carries its time, so it expires after MAX_AGE.
The cookie only names a session: whether it is still signed in is the server's
``staff_sessions`` table (services/staff.py), so logging out ends it everywhere.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request, Response
from itsdangerous import BadData, URLSafeTimedSerializer

from heed.services.staff import SESSION_LIFETIME

COOKIE = "heed_session"
MAX_AGE = int(SESSION_LIFETIME.total_seconds())
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SESSION_SALT = "heed.web.session"
_CSRF_SALT = "heed.web.csrf"


@dataclass(frozen=True)
class Session:
    csrf: str
    token: str | None = None


class Signer:
    """Signs the session cookie and the forms' CSRF tokens; ``secure`` marks cookies
    for HTTPS only (heed is served over https)."""

    def __init__(self, secret: str, *, secure: bool = False) -> None:
        self._cookies = URLSafeTimedSerializer(secret, salt=_SESSION_SALT)
        self._csrf = URLSafeTimedSerializer(secret, salt=_CSRF_SALT)
        self.secure = secure

    def dumps(self, session: Session) -> str:
        return self._cookies.dumps({"c": session.csrf, "s": session.token})

    def loads(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        try:
            data = self._cookies.loads(cookie, max_age=MAX_AGE)
        except BadData:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return None
        token = data.get("s")
        return Session(csrf=data["c"], token=token if isinstance(token, str) else None)

    def csrf_token(self, session: Session | None) -> str:
        """What a form carries to prove it came from a page of this session."""
        return self._csrf.dumps(session.csrf) if session else ""

    def csrf_ok(self, session: Session | None, submitted: str | None) -> bool:
        if not session or not submitted:
            return False
        try:
            nonce = self._csrf.loads(submitted, max_age=MAX_AGE)
        except BadData:
            return False
        return isinstance(nonce, str) and hmac.compare_digest(nonce, session.csrf)


def new_session(token: str | None = None) -> Session:
    return Session(csrf=secrets.token_urlsafe(24), token=token)


def set_cookie(request: Request, response: Response, signer: Signer, session: Session) -> None:
    response.set_cookie(
        COOKIE,
        signer.dumps(session),
        max_age=MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=signer.secure or request.url.scheme == "https",
        path="/",
    )
