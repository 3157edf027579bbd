"""The audit trail of a customer, location or contact (R-23, R-33)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from heed.domain import limits
from heed.entrypoints.api.deps import CurrentKey, UowDep
from heed.entrypoints.api.routes import errors
from heed.entrypoints.api.schemas.audit import AuditPage
from heed.services import audit_trail
from heed.services.permissions import refuse_early

router = APIRouter(prefix="/v1", tags=["audit"])

_Id = Annotated[str | None, Query(max_length=limits.ID)]


@router.get("/audit", response_model=AuditPage, responses=errors(404))
def audit(
    uow: UowDep,
    key: CurrentKey,
    customer_id: _Id = None,
    location_id: _Id = None,
    contact_id: _Id = None,
    limit: Annotated[
        int | None, Query(description=f"1 to {audit_trail.MAX_LIMIT}; 50 when left out.")
    ] = None,
    cursor: Annotated[
        str | None,
        Query(description="next_cursor of the page before.", max_length=limits.CURSOR),
    ] = None,
) -> dict[str, Any]:
    """Who changed what, when, old → new, newest first (customer:view). Give one of
    customer_id (its locations' and contacts' changes too), location_id (its contacts'
    too) or contact_id, or none for the whole account. A staff opt-out of a number shows
    in every record holding it."""
    refuse_early(audit_trail.audit_trail, key)
    query = audit_trail.AuditQuery.parse(
        customer_id=customer_id,
        location_id=location_id,
        contact_id=contact_id,
        limit=limit,
        cursor=cursor,
    )
    return audit_trail.audit_trail(uow, key, query).as_dict()
