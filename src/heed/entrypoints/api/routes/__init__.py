"""The API's routers, one module per part of CONTRACT.md, and what they share."""

from __future__ import annotations

from typing import Any

from heed.entrypoints.api.schemas import ErrorPublic

_WHY = {
    401: "No API key, or not a valid one (code unauthorized).",
    403: "The key lacks the route's permission, or is a gateway key on a staff route or a "
    "staff key on an inbound one (code forbidden).",
    404: "No such id in this account (code not_found).",
    409: "A consent or preference rule refuses it; the code names the rule.",
    422: "The request is malformed, or a value is refused (validation_error, invalid_phone, "
    "international_number, invalid_email, placeholder_contact).",
    413: "The body is larger than the route's limit (code payload_too_large).",
}


def errors(*statuses: int, auth: bool = True) -> dict[int | str, dict[str, Any]]:
    """The error answers a route can give, all in the contract's error body.

    Every authenticated route can answer 401, 403 and 422, and any route 413 (a body
    past its limit, body_limits.py); declaring 422 here also keeps FastAPI from
    documenting its own validation body, which heed never sends.
    """
    wanted = {*statuses, 413, 422, *((401, 403) if auth else ())}
    return {s: {"model": ErrorPublic, "description": _WHY[s]} for s in sorted(wanted)}


def created(*statuses: int) -> dict[str, Any]:
    """A route's keywords for an answer that creates something: 201 and its errors."""
    return {"status_code": 201, "responses": errors(*statuses)}


def json_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``errors`` for a route that answers XML or HTML when it succeeds: FastAPI would
    document a ``model`` under the route's own media type, but errors are always JSON."""
    ref = {"$ref": "#/components/schemas/ErrorPublic"}
    return {
        s: {"description": _WHY[s], "content": {"application/json": {"schema": ref}}}
        for s in sorted({*statuses, 413, 422})
    }
