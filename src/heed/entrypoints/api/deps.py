"""What routes depend on: heed's wiring, the unit of work and the caller.

The dependencies are ``async def`` on purpose: a plain ``def`` dependency costs a
thread-pool hop on every request, and these only read attributes or run one
indexed SELECT (see app.py for why that is fine on the event loop).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from heed.adapters.db.uow import UnitOfWork
from heed.bootstrap import Heed
from heed.domain.errors import NotFound
from heed.services.accounts import authenticate_api_key
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
    return authenticate_api_key(heed.uow, raw)


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
