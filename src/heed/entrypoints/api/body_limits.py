"""Request body size limits: 413 ``payload_too_large`` past each route's limit.

An ASGI middleware, so the limit holds before any route, form parser or JSON decoder
sees a byte: a declared ``Content-Length`` over the limit is answered at once, without
reading the body, and a body sent without one (chunked) is counted as it streams in
and cut off at the first byte past the limit.
"""

from __future__ import annotations

import contextlib
import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KIB = 1024
MIB = 1024 * KIB

# JSON bodies, web forms and anything not named below: a customer with its locations and
# contacts is a few KiB, so 64 KiB leaves room without letting a body fill the database.
DEFAULT_LIMIT = 64 * KIB

# (path prefix, limit), the first match wins. A batch of up to 1,000 decisions is about
# 150 KiB. Twilio's webhook form is small (a text is at most 1,600 characters).
ROUTE_LIMITS: tuple[tuple[str, int], ...] = (
    ("/v1/decisions/batch", 1 * MIB),
    ("/webhooks/twilio/", 64 * KIB),
    # A CSV import is streamed to disk as it arrives: 100k customers are about 20 MiB.
    ("/v1/imports", 256 * MIB),
    ("/imports", 256 * MIB),
)


def limit_for(path: str) -> int:
    for prefix, limit in ROUTE_LIMITS:
        if path.startswith(prefix):
            return limit
    return DEFAULT_LIMIT


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit // KIB} KiB"


class _TooLarge(HTTPException):
    """Raised from ``receive`` once the streamed body passed the limit and the 413 went out.

    An HTTPException because FastAPI passes those through its body parsing unchanged
    (anything else becomes a 400). Whatever the app answers to it is dropped: the
    client already has its 413.
    """

    def __init__(self) -> None:
        super().__init__(status_code=413)


class BodySizeLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        received = 0
        started = refused = False

        async def counted_receive() -> Message:
            nonlocal received, started, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if not started:  # else the route answered before reading it all
                        started = refused = True
                        await _refuse(send, limit)
                    raise _TooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        # The app's own answer to _TooLarge is dropped by watched_send; one that
        # escapes its handlers ends here.
        with contextlib.suppress(_TooLarge):
            await self.app(scope, counted_receive, watched_send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps(
        {
            "error": {
                "code": "payload_too_large",
                "message": f"The request body is larger than {_size(limit)}, "
                f"the limit for this route ({limit} bytes).",
                "details": {"limit": limit},
            }
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The rest of the body is never read, so the connection cannot be reused.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
