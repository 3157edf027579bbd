"""What routes depend on: heed's wiring, the unit of work and the caller.

The dependencies are ``async def`` on purpose: a plain ``def`` dependency costs a
thread-pool hop on every request, and these only read attributes or the API-key
cache. A key that is not in the cache is read from the database in a worker thread,
never on the event loop (see app.py).
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from heed.adapters.db.uow import UnitOfWork
from heed.bootstrap import Heed
from heed.domain.errors import Forbidden
from heed.entrypoints.web.session import COOKIE, Signer
from heed.services.api_keys import authenticate_api_key, cached_api_key
from heed.services.common import INBOUND, Principal


async def get_heed(request: Request) -> Heed:
    heed: Heed = request.app.state.heed
    return heed


async def get_uow(request: Request) -> UnitOfWork:
    heed: Heed = request.app.state.heed
    return heed.uow


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


async def get_principal(request: Request) -> Principal:
    """The caller of a staff route: any valid key but a gateway key (R-25)."""
    heed: Heed = request.app.state.heed
    principal = await _key_principal(heed, _bearer(request))
    if principal.is_gateway:
        raise Forbidden(
            "A gateway key may only post inbound messages (/v1/inbound/sms and /v1/inbound/email)."
        )
    return principal


async def _key_principal(heed: Heed, raw: str | None) -> Principal:
    """The key's principal from the short-lived cache on the loop, else read in the thread pool."""
    known = cached_api_key(heed.uow, raw)
    if known is not None:
        return known
    return await run_in_threadpool(authenticate_api_key, heed.uow, raw)


async def get_gateway(request: Request) -> Principal:
    """The caller of an inbound route: a gateway key and nothing else (R-25).

    A START lifts a customer's opt-out, so neither the account's first key nor any
    other staff key or staff login may post one: each is refused with 403.
    """
    heed: Heed = request.app.state.heed
    raw = _bearer(request)
    if raw is None and _staff_session(request, heed):
        raise Forbidden(_GATEWAY_ONLY, permission=INBOUND)
    principal = await _key_principal(heed, raw)
    if not principal.is_gateway:
        raise Forbidden(_GATEWAY_ONLY, permission=INBOUND)
    return principal


_GATEWAY_ONLY = (
    "Only a gateway key (heed key create --gateway) or the provider's signed webhook "
    "may post inbound messages; staff keys, logins and the account's own key may not."
)


def _staff_session(request: Request, heed: Heed) -> bool:
    signer = heed.extras.get("web_signer")
    if not isinstance(signer, Signer):
        return False
    session = signer.loads(request.cookies.get(COOKIE))
    return session is not None and session.token is not None


Body = TypeVar("Body", bound=BaseModel)


async def json_body(request: Request, model: type[Body]) -> Body:
    """The request's JSON body checked against ``model``, for the hottest routes.

    It is what a FastAPI body parameter does, in one pydantic-core pass over the raw
    bytes instead of FastAPI's dependency machinery (about a tenth of a decision
    request's cost). Errors are FastAPI's RequestValidationError, so they answer the
    same 422 ``validation_error``. Routes using it declare the body with
    ``body_schema`` so /openapi.json still describes it.
    """
    try:
        return model.model_validate_json(await request.body())
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from None


def body_schema(model: type[BaseModel]) -> dict[str, object]:
    """openapi_extra for a route that reads its body with json_body."""
    ref = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": ref}}}}


HeedDep = Annotated[Heed, Depends(get_heed)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]
CurrentKey = Annotated[Principal, Depends(get_principal)]
GatewayKey = Annotated[Principal, Depends(get_gateway)]
