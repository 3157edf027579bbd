"""Messages heed sends for the account (R-21)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from heed.entrypoints.api.deps import CurrentKey, UowDep
from heed.entrypoints.api.routes import errors
from heed.entrypoints.api.schemas import (
    MessageCreate,
    MessagePublic,
)
from heed.services import messages

router = APIRouter(prefix="/v1", tags=["sending"])


@router.post("/messages", status_code=202, response_model=MessagePublic, responses=errors(404, 409))
async def send_message(
    uow: UowDep, key: CurrentKey, body: MessageCreate, request: Request
) -> dict[str, Any]:
    """Decide, then queue (or defer until not_before); the server's outbox delivers it.
    Blocked answers 409 with the decision's reason as the code, and nothing is sent (R-21)."""
    sent = await run_in_threadpool(messages.send_message, uow, key, body.command())
    # The outbox's wake-up belongs to the event loop, so the route stays async.
    request.app.state.outbox.wake()
    return sent


@router.get("/messages/{message_id}", response_model=MessagePublic, responses=errors(404))
def get_message(uow: UowDep, key: CurrentKey, message_id: str) -> dict[str, Any]:
    """A message's status (queued, deferred, sending, sent, blocked, failed), attempts and
    last_error (messages:send)."""
    return messages.get_message(uow, key, message_id)
