"""The staff page of the review list (R-29): texts heed could not read, with Opt out and Dismiss."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from heed.bootstrap import Heed
from heed.domain.errors import Invalid
from heed.entrypoints.web.base import (
    TEMPLATES,
    FormDep,
    HeedDep,
    PageRoute,
    StaffDep,
    render,
    text,
)
from heed.services import review

router = APIRouter(route_class=PageRoute, include_in_schema=False)

# The latest decisions shown under the list, with who made them; the API pages on.
DECIDED_SHOWN = 20


def review_count(request: Request, account_id: str) -> int:
    """How many texts wait for review, for the navigation."""
    heed: Heed = request.app.state.heed
    return review.pending_count(heed.uow, account_id)


TEMPLATES.env.globals["review_count"] = review_count


@router.get("/review")
def review_page(
    request: Request, who: StaffDep, heed: HeedDep, cursor: str | None = None
) -> Response:
    try:
        page = review.pending(heed.uow, who.principal, cursor=cursor)
    except Invalid:  # an edited link: the first page
        page = review.pending(heed.uow, who.principal)
    settled = review.decided(heed.uow, who.principal, limit=DECIDED_SHOWN)["items"]
    return render(
        request,
        "review.html",
        {"items": page["items"], "next": page["next_cursor"], "decided": settled},
        who,
    )


@router.post("/review/{review_id}")
def review_decide(review_id: str, who: StaffDep, heed: HeedDep, form: FormDep) -> Response:
    decision = text(form, "decision")
    if decision not in ("opt_out", "dismiss"):
        return RedirectResponse("/review", status_code=303)
    review.decide(
        heed.uow, who.principal, review_id, "opt_out" if decision == "opt_out" else "dismiss"
    )
    return RedirectResponse("/review", status_code=303)
