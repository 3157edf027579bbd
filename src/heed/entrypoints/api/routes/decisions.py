"""Decisions and recipients (R-18, R-19): each route turns its checked body into the
service's typed request, calls one verb, and answers its view."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from heed.domain.decision import Category, Channel
from heed.entrypoints.api.deps import CurrentKey, UowDep, body_schema, get_principal, json_body
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
from heed.services import recipients as job_recipients
from heed.services.permissions import refuse_early

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
    # The key, then its permission, then the body: 401, 403, 422.
    key = refuse_early(decisions.decide_one, await get_principal(request))
    asked = command(await json_body(request, DecisionRequest))
    # A stored contact is decided on the loop, by a read that cannot block it
    # (loop_reads.py); everything else in the thread pool.
    reads: LoopReads = request.app.state.loop_reads
    decision = await reads.decide(key, asked)
    if decision is None:
        decision = await run_in_threadpool(decisions.decide_one, uow, key, asked)
    # decision_view already has DecisionPublic's shape; answering it directly spares
    # the hottest route a second validation pass (same bytes, same schema in /docs).
    return JSONResponse(decision)


@router.post("/decisions/batch", response_model=DecisionBatchPublic, responses=errors(404))
def decide_batch(uow: UowDep, key: CurrentKey, body: DecisionBatch) -> dict[str, Any]:
    """Up to 1000 decisions, answered in the order asked."""
    refuse_early(decisions.decide_many, key)
    asked = [command(item, f"items[{i}]") for i, item in enumerate(body.items)]
    return {"results": decisions.decide_many(uow, key, asked)}


@router.post("/recipients", response_model=RecipientsPublic, responses=errors(404))
def recipients(uow: UowDep, key: CurrentKey, body: RecipientsRequest) -> dict[str, Any]:
    """Who hears about a job (R-19): every enabled phone and email on the customer and
    the job's location, merged by address, each with its decision."""
    found = job_recipients.recipients_for(
        uow,
        key,
        customer_id=body.customer_id,
        location_id=body.location_id,
        category=Category(body.category),
        channel=Channel(body.channel) if body.channel else None,
    )
    return {"recipients": found}


def command(body: DecisionRequest, field: str = "") -> decisions.DecisionRequest:
    """The service's request from a checked body; ``field`` names it within a batch."""
    return decisions.DecisionRequest.of(
        Channel(body.channel),
        Category(body.category),
        manual=body.manual,
        contact_id=body.contact_id,
        to=body.to,
        sender=body.from_,
        at=body.at,
        field=field,
    )
