"""Decisions and recipients (R-18, R-19)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from heed.entrypoints.api.deps import (
    CurrentKey,
    UowDep,
    allowed,
    body_schema,
    get_principal,
    json_body,
)
from heed.entrypoints.api.loop_reads import LoopReads
from heed.entrypoints.api.routes import errors
from heed.entrypoints.api.schemas import (
    DecisionBatch,
    DecisionBatchPublic,
    DecisionPublic,
    DecisionRequest,
    RecipientsPublic,
    RecipientsRequest,
)
from heed.services import decisions

router = APIRouter(prefix="/v1", tags=["sending"])


@router.post(
    "/decisions",
    response_model=DecisionPublic,
    responses=errors(404),
    openapi_extra=body_schema(DecisionRequest),
)
async def decide(uow: UowDep, request: Request) -> JSONResponse:
    """May this message go to this contact or address, on this channel, now? Always
    answers allowed, blocked or deferred with a reason code; "no" is not an error."""
    # The key, then the body, as FastAPI's own order: 401 before 422.
    key = allowed(await get_principal(request), "customer:view")
    body = await json_body(request, DecisionRequest)
    data = body.model_dump(by_alias=True, exclude_unset=True)
    # A stored contact on SQLite is decided on the loop, by a read that cannot wait
    # (loop_reads.py); everything else in the thread pool.
    reads: LoopReads = request.app.state.loop_reads
    decision = reads.decide(key, data) if reads.enabled else None
    if decision is None:
        decision = await run_in_threadpool(decisions.decide_one, uow, key, data)
    # decision_view already has DecisionPublic's shape; answering it directly spares
    # the hottest route a second validation pass (same bytes, same schema in /docs).
    return JSONResponse(decision)


@router.post("/decisions/batch", response_model=DecisionBatchPublic, responses=errors(404))
def decide_batch(uow: UowDep, key: CurrentKey, body: DecisionBatch) -> dict[str, Any]:
    """Up to 1000 decisions, answered in the order asked."""
    allowed(key, "customer:view")
    items: list[object] = [
        item.model_dump(by_alias=True, exclude_unset=True) for item in body.items
    ]
    return {"results": decisions.decide_many(uow, key, items)}


@router.post("/recipients", response_model=RecipientsPublic, responses=errors(404))
def recipients(uow: UowDep, key: CurrentKey, body: RecipientsRequest) -> dict[str, Any]:
    """Who hears about a job (R-19): every enabled phone and email on the customer and
    the job's location, merged by address, each with its decision."""
    allowed(key, "customer:view")
    found = decisions.recipients_for(
        uow,
        key,
        customer_id=body.customer_id,
        location_id=body.location_id,
        category=body.category,
        channel=body.channel,
    )
    return {"recipients": found}
