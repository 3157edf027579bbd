"""The account's lists staff work through: opted-out numbers and suppressed emails, the
placeholder clean-up list, and caller ID (R-20)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from heed.entrypoints.web.base import HeedDep, PageRoute, StaffDep, render
from heed.services import account_lists
from heed.services.account_lists import ListQuery

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/opted-out")
def opted_out(
    request: Request, who: StaffDep, heed: HeedDep, q: str = "", page: str = "1"
) -> Response:
    found = account_lists.opted_out_list(heed.uow, who.principal, ListQuery.parse(q, page))
    return render(request, "opted_out.html", found, who)


@router.get("/placeholders")
def placeholders(request: Request, who: StaffDep, heed: HeedDep, page: str = "1") -> Response:
    found = account_lists.placeholder_list(heed.uow, who.principal, ListQuery.parse("", page))
    return render(request, "placeholders.html", found, who)


@router.get("/lookup")
def lookup(request: Request, who: StaffDep, heed: HeedDep, phone: str = "") -> Response:
    """Caller ID: staff type the number that is calling and see whose it is."""
    who.principal.require("customer:view")
    if not phone.strip():
        return render(request, "lookup.html", {"phone": "", "found": None}, who)
    found = account_lists.caller_id(heed.uow, who.principal, phone)
    status = 200 if found["number"] else 422
    return render(request, "lookup.html", {"phone": phone, "found": found}, who, status=status)
