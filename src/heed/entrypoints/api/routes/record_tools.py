"""/v1/customers/{id}/merge and /v1/customers/{id}/notifications: a customer's records at once."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from heed.entrypoints.api.deps import CurrentKey, UowDep
from heed.entrypoints.api.routes import errors
from heed.entrypoints.api.schemas import CustomerPublic
from heed.entrypoints.api.schemas.record_tools import AllBells, AllBellsPublic, CustomerMerge
from heed.services import bells, merge

router = APIRouter(prefix="/v1", tags=["customers"])


@router.post("/customers/{customer_id}/merge", response_model=CustomerPublic, responses=errors(404))
def merge_customers(
    uow: UowDep, key: CurrentKey, customer_id: str, body: CustomerMerge
) -> dict[str, Any]:
    """Move every contact and location of from_customer_id to this customer and remove the
    other one, in one transaction (customer:edit). Consent stays with each address; Do Not
    Mail on either makes the kept customer Do Not Mail. Answers the kept customer."""
    command = merge.MergeCustomers.parse(customer_id, body.sent())
    merged: dict[str, Any] = merge.merge_customers(uow, key, command)["customer"]
    return merged


@router.post(
    "/customers/{customer_id}/notifications",
    response_model=AllBellsPublic,
    responses=errors(404),
)
def set_all_bells(uow: UowDep, key: CurrentKey, customer_id: str, body: AllBells) -> dict[str, Any]:
    """Turn one category on or off for every contact of the customer and its locations
    (customer:edit). Nothing turns on where an opt-out, a suppression, Do Not Mail or a
    placeholder forbids it: those contacts are listed in skipped with the reason."""
    return bells.set_all_bells(uow, key, bells.SetAllBells.parse(customer_id, body.sent()))
