"""The History panel of a customer's and each location's record, its full pages, and the
staff's record of a customer's spoken "stop texting us" (R-23, R-33, R-15).

The panel renders with the record page (``record_history``, a template global like the
review count), so it shows without JavaScript; its "Older changes" link opens the full
page at the next cursor, or with htmx loads the older changes in place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from heed.bootstrap import Heed
from heed.domain.errors import Invalid
from heed.entrypoints.web import base
from heed.entrypoints.web.base import TEMPLATES, FormDep, HeedDep, PageRoute, Staff, StaffDep
from heed.services import consent, display
from heed.services.audit_trail import AuditPage, AuditQuery, audit_trail

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PANEL_SIZE = 10
PAGE_SIZE = 50


def history_view(page: AuditPage, url: str, title: str, cursor: str | None) -> dict[str, Any]:
    """A page of the trail as the templates show it: when in the account's local time,
    who by name, and each change old → new."""
    rows = [
        {
            "at": item["at"],
            "when": display.local_time(datetime.fromisoformat(item["at"]), page.zone),
            "who": item["actor"]["label"],
            "actor_type": item["actor"]["type"],
            "action": item["action"],
            "lines": display.change_lines(item),
        }
        for item in page.items
    ]
    return {
        "rows": rows,
        "next": page.next_cursor,
        "cursor": cursor,
        "url": url,
        "title": title,
        "zone": str(page.zone),
    }


def record_history(
    request: Request, who: Staff | None, kind: str, record_id: str, title: str
) -> dict[str, Any] | None:
    """The newest changes of a customer or location, for its record page's panel; none
    for staff who may not view customers."""
    if who is None or not who.principal.can("customer:view"):
        return None
    heed: Heed = request.app.state.heed
    query = AuditQuery.parse(**{f"{kind}_id": record_id}, limit=PANEL_SIZE)
    page = audit_trail(heed.uow, who.principal, query)
    view = history_view(page, f"/{kind}s/{record_id}/history", title, None)
    return {**view, "kind": kind, "key": record_id}


TEMPLATES.env.globals["record_history"] = record_history


@router.get("/customers/{customer_id}/history")
def customer_history(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, cursor: str = ""
) -> Response:
    return _history_page(request, who, heed, "customer", customer_id, cursor)


@router.get("/locations/{location_id}/history")
def location_history(
    request: Request, location_id: str, who: StaffDep, heed: HeedDep, cursor: str = ""
) -> Response:
    return _history_page(request, who, heed, "location", location_id, cursor)


def _history_page(
    request: Request, who: Staff, heed: Heed, kind: str, record_id: str, cursor: str
) -> Response:
    try:
        query = AuditQuery.parse(
            **{f"{kind}_id": record_id}, limit=PAGE_SIZE, cursor=cursor or None
        )
    except Invalid as error:
        return base.error_page(request, 422, "Not shown", error.message)
    page = audit_trail(heed.uow, who.principal, query)
    url = f"/{kind}s/{record_id}/history"
    view = history_view(page, url, page.record_name or record_id, cursor or None)
    back = f"/{kind}s/{record_id}"
    context = {"h": view, "back": back, "kind": kind, "customer_id": page.customer_id}
    return base.render(request, "history.html", context, who)


@router.post("/contacts/{contact_id}/stop-texting")
def stop_texting(contact_id: str, who: StaffDep, heed: HeedDep, form: FormDep) -> Response:
    """The customer called and asked us to stop texting: the number's SMS opt-out, with
    the staff member as actor and the call as method, in force at once (R-15)."""
    consent.record_contact_opt_out(
        heed.uow, who.principal, contact_id, base.text(form, "note") or None
    )
    back = base.text(form, "back")
    return RedirectResponse(back if base._BACK.match(back) else "/", status_code=303)
