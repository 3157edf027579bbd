"""What routes depend on: heed's wiring, the unit of work and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from heed.adapters.db.uow import UnitOfWork
from heed.bootstrap import Heed
from heed.services.accounts import authenticate_api_key
from heed.services.common import Principal


def get_heed(request: Request) -> Heed:
    heed: Heed = request.app.state.heed
    return heed


def get_uow(request: Request) -> UnitOfWork:
    return get_heed(request).uow


def get_principal(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    raw = token.strip() if scheme.lower() == "bearer" else None
    return authenticate_api_key(get_uow(request), raw)


HeedDep = Annotated[Heed, Depends(get_heed)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]
CurrentKey = Annotated[Principal, Depends(get_principal)]


def allowed(principal: Principal, permission: str) -> Principal:
    """Check one permission (R-22); routes call it first thing."""
    principal.require(permission)
    return principal
