"""/v1/customers/{id}/preference-link: a signed link to the customer's own page (R-31)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from heed.entrypoints.api.deps import CurrentKey, HeedDep
from heed.entrypoints.api.routes import created
from heed.entrypoints.api.schemas.preference_links import (
    PreferenceLinkCreate,
    PreferenceLinkPublic,
)
from heed.services import preference_links

router = APIRouter(prefix="/v1", tags=["customers"])


@router.post(
    "/customers/{customer_id}/preference-link",
    response_model=PreferenceLinkPublic,
    **created(404),
)
def create_preference_link(
    heed: HeedDep, key: CurrentKey, customer_id: str, body: PreferenceLinkCreate | None = None
) -> dict[str, Any]:
    """A new link to the customer's preference page (customer:edit); the earlier one stops
    working. Without a body the link works for 90 days."""
    days = body.expires_in_days if body else preference_links.DEFAULT_DAYS
    command = preference_links.LinkRequest(customer_id, days)
    return preference_links.create_link(heed.uow, key, command, settings=heed.settings)
