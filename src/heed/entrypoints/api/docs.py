"""/docs and /openapi.json: for signed-in staff and API keys, public only when configured.

The schema names every route and field heed has, which is a map for whoever probes
it, so by default it is served only to a caller heed already knows: a valid API key
(any permission) or a staff session cookie. ``HEED_PUBLIC_DOCS=true`` serves both to
anyone, for an installation that publishes its API.
"""

from __future__ import annotations

import importlib.util

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from heed.bootstrap import Heed
from heed.domain.errors import Unauthorized
from heed.entrypoints.api.deps import get_principal

OPENAPI_URL = "/openapi.json"
DOCS_URL = "/docs"


def add_docs(app: FastAPI, heed: Heed) -> None:
    """Serve the schema and its Swagger UI (create_app turns FastAPI's public ones off)."""

    @app.get(OPENAPI_URL, include_in_schema=False)
    async def openapi(request: Request) -> Response:
        if not await _may_read(heed, request):
            raise Unauthorized(
                "The API schema is for staff and API keys: sign in, or send "
                "Authorization: Bearer <api_key>."
            )
        return JSONResponse(app.openapi())

    @app.get(DOCS_URL, include_in_schema=False)
    async def docs(request: Request) -> Response:
        if not await _may_read(heed, request):
            if _web_mounted():
                return RedirectResponse("/login?next=" + DOCS_URL, status_code=303)
            raise Unauthorized("The API docs are for staff: send an API key.")
        return get_swagger_ui_html(openapi_url=OPENAPI_URL, title=f"{app.title} - API")


async def _may_read(heed: Heed, request: Request) -> bool:
    if heed.settings.public_docs:
        return True
    if request.headers.get("authorization"):
        try:
            await get_principal(request)
        except Unauthorized:
            return False
        return True
    if _web_mounted():
        return await run_in_threadpool(_signed_in, request)
    return False


def _web_mounted() -> bool:
    return importlib.util.find_spec("heed.entrypoints.web.base") is not None


def _signed_in(request: Request) -> bool:
    """Whether the request carries a live staff session (the web UI's own check)."""
    from heed.entrypoints.web.base import LoginRequired, current_staff

    try:
        current_staff(request)
    except LoginRequired:
        return False
    return True
