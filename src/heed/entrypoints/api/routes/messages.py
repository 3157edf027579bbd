"""Messages heed sends for the account (R-21)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from heed.domain import limits
from heed.entrypoints.api.deps import CurrentKey, UowDep
from heed.entrypoints.api.routes import errors
from heed.entrypoints.api.schemas import (
    MessageCreate,
    MessagePublic,
)
from heed.entrypoints.api.schemas.imports import MessagePage
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


@router.get("/messages", response_model=MessagePage, responses=errors())
def message_log(
    uow: UowDep,
    key: CurrentKey,
    status: Annotated[
        str | None,
        Query(description="queued, deferred, sending, sent, delivered or failed.", max_length=20),
    ] = None,
    to: Annotated[
        str | None,
        Query(description="A phone number in any format, or an email.", max_length=limits.ADDRESS),
    ] = None,
    since: Annotated[
        str | None,
        Query(
            description="Messages created at or after this ISO 8601 time (UTC if no offset).",
            max_length=40,
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=messages.MAX_LOG_PAGE)] = 50,
    cursor: Annotated[
        str | None,
        Query(description="next_cursor of the previous page.", max_length=limits.CURSOR),
    ] = None,
) -> dict[str, Any]:
    """The message log, newest first (customer:view): each message with its status, the
    decision's reason, attempts, last_error and provider_id."""
    command = messages.MessageLog(status=status, to=to, since=since, limit=limit, cursor=cursor)
    return messages.message_log(uow, key, command)
