"""/v1/customers, /v1/locations and caller-ID look-up (R-8, R-9, R-20)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from heed.domain import limits
from heed.entrypoints.api.deps import CurrentKey, UowDep
from heed.entrypoints.api.routes import created, errors
from heed.entrypoints.api.schemas import (
    CustomerCreate,
    CustomerPage,
    CustomerPublic,
    CustomerUpdate,
    LocationCreate,
    LocationPublic,
    LocationUpdate,
    LookupPublic,
)
from heed.services import customers
from heed.services.customer_commands import (
    CustomerChanges,
    CustomerInput,
    LocationChanges,
    LocationInput,
)

router = APIRouter(prefix="/v1", tags=["customers"])


@router.post("/customers", response_model=CustomerPublic, **created(409))
def create_customer(uow: UowDep, key: CurrentKey, body: CustomerCreate) -> dict[str, Any]:
    """A customer with its contacts (customer:edit) and locations (also location:edit)."""
    return customers.create_customer(uow, key, CustomerInput.parse(body.sent()))


@router.get("/customers", response_model=CustomerPage, responses=errors())
def list_customers(
    uow: UowDep,
    key: CurrentKey,
    q: Annotated[
        str | None,
        Query(description="Name, phone in any format, or email.", max_length=limits.NAME),
    ] = None,
    invoice_delivery: Annotated[
        Literal["mail", "email", "both"] | None, Query(description="Exactly this delivery (R-9).")
    ] = None,
    do_not_mail: bool | None = None,
    flagged: Annotated[
        bool | None, Query(description="Only customers with (or without) an R-9 flag.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=customers.MAX_PAGE)] = 50,
    cursor: Annotated[
        str | None,
        Query(description="next_cursor of the previous page.", max_length=limits.CURSOR),
    ] = None,
) -> dict[str, Any]:
    """Customers in name order, a page at a time (customer:view)."""
    return customers.list_customers(
        uow,
        key,
        q=q,
        invoice_delivery=invoice_delivery,
        do_not_mail=do_not_mail,
        flagged=flagged,
        limit=limit,
        cursor=cursor,
    )


@router.get("/customers/{customer_id}", response_model=CustomerPublic, responses=errors(404))
def get_customer(uow: UowDep, key: CurrentKey, customer_id: str) -> dict[str, Any]:
    return customers.get_customer(uow, key, customer_id)


@router.patch("/customers/{customer_id}", response_model=CustomerPublic, responses=errors(404))
def update_customer(
    uow: UowDep, key: CurrentKey, customer_id: str, body: CustomerUpdate
) -> dict[str, Any]:
    """Setting do_not_mail turns every notification of the customer off (R-8);
    clearing it turns nothing back on."""
    return customers.update_customer(uow, key, customer_id, CustomerChanges.parse(body.sent()))


@router.post(
    "/customers/{customer_id}/locations", response_model=LocationPublic, **created(404, 409)
)
def create_location(
    uow: UowDep, key: CurrentKey, customer_id: str, body: LocationCreate
) -> dict[str, Any]:
    return customers.create_location(uow, key, customer_id, LocationInput.parse(body.sent()))


@router.patch("/locations/{location_id}", response_model=LocationPublic, responses=errors(404))
def update_location(
    uow: UowDep, key: CurrentKey, location_id: str, body: LocationUpdate
) -> dict[str, Any]:
    return customers.update_location(uow, key, location_id, LocationChanges.parse(body.sent()))


@router.delete(
    "/locations/{location_id}",
    status_code=204,
    response_class=Response,
    responses=errors(404, 409),
)
def delete_location(uow: UowDep, key: CurrentKey, location_id: str) -> Response:
    """Remove a location (location:edit). One that still has contacts is refused with 409
    location_has_contacts: remove its contacts first."""
    customers.delete_location(uow, key, location_id)
    return Response(status_code=204)


@router.get("/locations/{location_id}", response_model=LocationPublic, responses=errors(404))
def get_location(uow: UowDep, key: CurrentKey, location_id: str) -> dict[str, Any]:
    return customers.get_location(uow, key, location_id)


@router.get("/lookup", response_model=LookupPublic, responses=errors())
def lookup(
    uow: UowDep,
    key: CurrentKey,
    phone: Annotated[str, Query(description="Any format.", max_length=limits.PHONE_QUERY)],
) -> dict[str, Any]:
    """Caller ID (R-20), customer:view. Locations are listed only to keys that may
    also view locations."""
    return customers.lookup_phone(uow, key, phone)
