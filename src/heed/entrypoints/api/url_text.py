"""Refuses a request whose path or query string holds control characters (R-34).

Path and query parameters (ids, ``q``, ``phone``, a consent address) reach database
queries as they come. PostgreSQL cannot compare or store a NUL, SQLite can: without
this check the same URL would be a 500 on one database and a 404 on the other. Every
route, API and staff pages alike, answers 422 ``validation_error`` naming the
parameter before routing. Tab, line feed and carriage return stay allowed in query
values (a search box may carry them); a path holds none.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from heed.domain.limits import refused_character
from heed.entrypoints.api.errors import error_body


class RefuseControlCharacters:
    """ASGI middleware: a 422 for control characters in the URL, before any route runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = _refusal(scope)
            if refusal is not None:
                field, why = refusal
                response = JSONResponse(
                    error_body("validation_error", f"{field} {why}.", {"field": field}),
                    status_code=422,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _refusal(scope: Scope) -> tuple[str, str] | None:
    why = refused_character(scope.get("path", ""))
    if why is not None:
        return "path", why
    query: bytes = scope.get("query_string", b"")
    if not query:
        return None
    # Decoded as Starlette decodes it, so the check sees what the route will see.
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        why = refused_character(name, multiline=True) or refused_character(value, multiline=True)
        if why is not None:
            return (name if refused_character(name, multiline=True) is None else "query"), why
    return None
