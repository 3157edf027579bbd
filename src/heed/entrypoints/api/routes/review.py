"""The review list (R-29): inbound texts heed could not read with confidence, and deciding them.

Listing needs customer:view; deciding needs customer:edit, like recording a staff
opt-out. Deciding ``opt_out`` records the revocation in the ledger as the customer's
plain-language request (source ``natural_language``), with the reviewer as actor.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from heed.domain import limits
from heed.entrypoints.api.deps import CurrentKey, UowDep
from heed.entrypoints.api.routes import errors
from heed.entrypoints.api.schemas import Public, Request
from heed.services import review

router = APIRouter(prefix="/v1", tags=["consent"])

PageLimit = Annotated[int, Query(ge=1, le=review.MAX_PAGE)]
PageCursor = Annotated[
    str | None, Query(description="next_cursor of the previous page.", max_length=limits.CURSOR)
]


class ReviewItemPublic(Public):
    id: str
    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    body: str
    received_at: datetime
    language: Literal["en", "es", "fr"] = Field(description="The language the text was read in.")
    why: str = Field(description="Why heed could not decide on its own.")


class ReviewListPublic(Public):
    items: list[ReviewItemPublic]
    next_cursor: str | None = Field(
        default=None, description="Pass as cursor for the next page; null on the last page."
    )


class ReviewDecision(Request):
    decision: Literal["opt_out", "dismiss"]


class ReviewDecidedPublic(ReviewItemPublic):
    decision: Literal["opt_out", "dismiss"]


@router.get("/consent/review", response_model=ReviewListPublic, responses=errors())
def review_list(
    uow: UowDep,
    key: CurrentKey,
    limit: PageLimit = 50,
    cursor: PageCursor = None,
) -> dict[str, Any]:
    """Inbound texts waiting for a person to decide whether they revoke consent, oldest
    first, a page at a time (customer:view). Marketing to their senders waits too."""
    return review.pending(uow, key, limit=limit, cursor=cursor)


class ReviewSettledPublic(ReviewDecidedPublic):
    decided_by: str = Field(
        description="The staff user or API key that decided, or customer when the "
        "sender's own STOP settled the text."
    )
    decided_by_label: str = Field(
        description="Who decided, as staff read it: a staff member's name (else email), "
        "the key, or The customer's STOP."
    )
    decided_at: datetime


class ReviewSettledListPublic(Public):
    items: list[ReviewSettledPublic]
    next_cursor: str | None = Field(
        default=None, description="Pass as cursor for the next page; null on the last page."
    )


@router.get("/consent/review/decided", response_model=ReviewSettledListPublic, responses=errors())
def review_decided_list(
    uow: UowDep,
    key: CurrentKey,
    limit: PageLimit = 50,
    cursor: PageCursor = None,
) -> dict[str, Any]:
    """Texts already decided, the latest decision first, with who decided and when
    (customer:view)."""
    return review.decided(uow, key, limit=limit, cursor=cursor)


@router.post(
    "/consent/review/{review_id}", response_model=ReviewDecidedPublic, responses=errors(404, 409)
)
def review_decide(uow: UowDep, key: CurrentKey, review_id: str, body: ReviewDecision) -> Any:
    """Decide one text (customer:edit): ``opt_out`` records the customer's revocation,
    ``dismiss`` records nothing. The same decision twice changes nothing; the other one
    after it is refused."""
    return review.decide(uow, key, review_id, body.decision)
