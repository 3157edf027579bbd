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
from heed.domain.errors import NotFound
from heed.services.accounts import authenticate_api_key, cached_api_key
from heed.services.common import Principal
from heed.services.contacts import contact_owners


async def get_heed(request: Request) -> Heed:
    heed: Heed = request.app.state.heed
    return heed


async def get_uow(request: Request) -> UnitOfWork:
    heed: Heed = request.app.state.heed
    return heed.uow


async def get_principal(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    raw = token.strip() if scheme.lower() == "bearer" else None
    heed: Heed = request.app.state.heed
    known = cached_api_key(heed.uow, raw)
    if known is not None:
        return known
    return await run_in_threadpool(authenticate_api_key, heed.uow, raw)


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


def allowed(principal: Principal, permission: str) -> Principal:
    """Check one permission (R-22); routes call it first thing."""
    principal.require(permission)
    return principal


def allowed_on_contacts(
    uow: UnitOfWork,
    principal: Principal,
    action: str,
    contact_id: str,
    *others: str,
) -> Principal:
    """A contact's permission is its owner's: customer:<action> or location:<action>.

    ``contact_id`` must be the caller's (404 otherwise, whatever the permissions);
    ``others`` (sync targets) are checked only when found, because the sync service
    names the missing ones itself, field by field.
    """
    owners = contact_owners(uow, principal, [contact_id, *others])
    if contact_id not in owners:
        raise NotFound("No contact with this id.")
    for owner in sorted(set(owners.values())):
        principal.require(f"{owner}:{action}")
    return principal
