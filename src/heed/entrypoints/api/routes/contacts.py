"""Contact methods: adding, reading, changing, removing and syncing them (R-1 … R-6).

A contact's permission is its owner's (R-22): customer:view/edit for a contact on
a customer, location:view/edit for one on a location; the verbs check it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from heed.entrypoints.api.deps import CurrentKey, UowDep
from heed.entrypoints.api.routes import created, errors
from heed.entrypoints.api.schemas import (
    ContactChangePublic,
    ContactCreate,
    ContactPublic,
    ContactUpdate,
    ContactUpdated,
    SyncRequest,
    SyncResult,
)
from heed.services import contacts

router = APIRouter(prefix="/v1", tags=["contacts"])


@router.post("/customers/{customer_id}/contacts", response_model=ContactPublic, **created(404, 409))
def add_customer_contact(
    uow: UowDep, key: CurrentKey, customer_id: str, body: ContactCreate
) -> dict[str, Any]:
    """A phone, email or fax on the customer itself (customer:edit). A new contact's
    job notifications follow the account switch unless the customer is Do Not Mail (R-3)."""
    return contacts.add_contact(uow, key, body.command(), customer_id=customer_id)


@router.post("/locations/{location_id}/contacts", response_model=ContactPublic, **created(404, 409))
def add_location_contact(
    uow: UowDep, key: CurrentKey, location_id: str, body: ContactCreate
) -> dict[str, Any]:
    """A contact at one of the customer's service locations (location:edit)."""
    return contacts.add_contact(uow, key, body.command(), location_id=location_id)


@router.get("/contacts/{contact_id}", response_model=ContactPublic, responses=errors(404))
def get_contact(uow: UowDep, key: CurrentKey, contact_id: str) -> dict[str, Any]:
    return contacts.get_contact(uow, key, contact_id)


@router.patch("/contacts/{contact_id}", response_model=ContactUpdated, responses=errors(404, 409))
def update_contact(
    uow: UowDep, key: CurrentKey, contact_id: str, body: ContactUpdate
) -> dict[str, Any]:
    """Change kind (mobile ⇄ phone ⇄ fax), value, memo or notifications. After a value
    change the answer lists the other records that still carry the old value (R-6)."""
    return contacts.update_contact(uow, key, contact_id, body.command())


@router.delete(
    "/contacts/{contact_id}", status_code=204, response_class=Response, responses=errors(404)
)
def delete_contact(uow: UowDep, key: CurrentKey, contact_id: str) -> Response:
    """Remove the contact; consent stays with the address (R-5, R-17)."""
    contacts.delete_contact(uow, key, contact_id)
    return Response(status_code=204)


@router.post("/contacts/{contact_id}/sync", response_model=SyncResult, responses=errors(404, 409))
def sync_contact(
    uow: UowDep, key: CurrentKey, contact_id: str, body: SyncRequest
) -> dict[str, Any]:
    """Copy the contact's last value change onto the targets, all or nothing (R-6).
    Needs edit on the owners of the contact and of every target."""
    return contacts.sync_contact(
        uow,
        key,
        contact_id,
        body.targets,
        confirm_other_customers=body.confirm_other_customers,
    )


@router.get(
    "/contacts/{contact_id}/history",
    response_model=list[ContactChangePublic],
    responses=errors(404),
)
def contact_history(uow: UowDep, key: CurrentKey, contact_id: str) -> list[dict[str, Any]]:
    """Every value change of the contact, oldest first (R-5)."""
    return contacts.contact_history(uow, key, contact_id)
