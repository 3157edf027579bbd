"""Consent history of an address, its export and staff opt-outs."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse

from heed.domain.addresses import display_phone
from heed.domain.errors import Invalid
from heed.entrypoints.web.base import FormDep, HeedDep, PageRoute, StaffDep, render, text
from heed.services import consent as consent_service

router = APIRouter(route_class=PageRoute, include_in_schema=False)


# ---- consent history ---------------------------------------------------------------------------


@router.get("/consent")
def consent_search(request: Request, who: StaffDep, heed: HeedDep, address: str = "") -> Response:
    if address.strip():
        return RedirectResponse("/consent/" + quote(address.strip(), safe="@"), status_code=303)
    latest = consent_service.latest_events(heed.uow, who.principal)
    return render(request, "consent.html", {"address": "", "state": None, "latest": latest}, who)


@router.get("/consent.csv")
def consent_export(who: StaffDep, heed: HeedDep) -> Response:
    events = consent_service.ledger_events(heed.uow, who.principal)
    return StreamingResponse(
        consent_service.events_csv(events),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="heed-consent-ledger.csv"'},
    )


@router.post("/consent/{address:path}/opt-out")
def consent_opt_out(address: str, who: StaffDep, heed: HeedDep, form: FormDep) -> Response:
    """A customer's spoken request to stop, recorded by staff (R-15, R-17); never an opt-in."""
    command = consent_service.OptOut(address, text(form, "note") or None)
    consent_service.record_opt_out(heed.uow, who.principal, command)
    return RedirectResponse(
        "/consent/" + quote(address, safe="@+") + "?done=opted_out", status_code=303
    )


@router.get("/consent/{address:path}")
def consent_history(request: Request, address: str, who: StaffDep, heed: HeedDep) -> Response:
    try:
        state = consent_service.consent_history(heed.uow, who.principal, address)
    except Invalid as error:
        return render(
            request,
            "consent.html",
            {"address": address, "state": None, "address_error": error.message},
            who,
            status=422,
        )
    if state["channel"] == "sms":
        state["display"] = display_phone(state["address"])
    else:
        state["display"] = state["address"]
    return render(request, "consent.html", {"address": state["display"], "state": state}, who)
