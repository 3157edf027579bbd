"""One mapping from heed's errors to HTTP, registered once in create_app."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from heed.domain.errors import (
    Conflict,
    Forbidden,
    HeedError,
    Invalid,
    NotFound,
    Unauthorized,
)

STATUS: list[tuple[type[HeedError], int]] = [
    (Unauthorized, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (Invalid, 422),
]


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def status_for(error: HeedError) -> int:
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return 400


async def _heed_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HeedError)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    return JSONResponse(
        error_body(exc.code, exc.message, exc.details),
        status_code=status_for(exc),
        headers=headers,
    )


def _field(loc: Any) -> str:
    """Where the error is, as a caller names it: ``contacts[0].kind``, ``limit``."""
    parts = list(loc or ())
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {}
    field = _field(first.get("loc"))
    if first.get("type") == "json_invalid":
        message = "The request body is not valid JSON."
        field = "body"
    else:
        message = f"{field}: {first.get('msg', 'is not valid')}."
    details = {
        "field": field,
        "errors": [
            {
                "field": "body" if e.get("type") == "json_invalid" else _field(e.get("loc")),
                "message": e.get("msg", ""),
            }
            for e in errors
        ],
    }
    return JSONResponse(error_body("validation_error", message, details), status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        # FastAPI's answer to a body it cannot decode (bad UTF-8, a broken form): to a
        # caller that is one more malformed request, which the contract answers with 422.
        return JSONResponse(
            error_body(
                "validation_error",
                f"The request body is not valid: {exc.detail}.",
                {"field": "body"},
            ),
            status_code=422,
        )
    code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "error"
    )
    return JSONResponse(
        error_body(code, str(exc.detail)),
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


def register(app: FastAPI) -> None:
    app.add_exception_handler(HeedError, _heed_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
