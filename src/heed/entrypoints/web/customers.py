"""Search, new customers and the AR list."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse
from starlette.datastructures import FormData

from heed.domain.errors import Forbidden, HeedError
from heed.entrypoints.web import places
from heed.entrypoints.web.base import (
    FormDep,
    HeedDep,
    PageRoute,
    StaffDep,
    field_of,
    render,
    text,
    texts,
)
from heed.entrypoints.web.record import View, record, view_from
from heed.services import customers
from heed.services.customer_commands import CustomerInput
from heed.services.customer_lists import ar_csv_lines

router = APIRouter(route_class=PageRoute, include_in_schema=False)

NEW_CONTACT_FIELDS = ("mobile", "phone", "email")


@router.get("/")
def search(
    request: Request, who: StaffDep, heed: HeedDep, q: str = "", cursor: str | None = None
) -> Response:
    page = customers.list_customers(heed.uow, who.principal, q=q or None, limit=50, cursor=cursor)
    context = {"q": q, "items": page["items"], "next_cursor": page["next_cursor"]}
    return render(request, "search.html", context, who)


@router.get("/customers/new")
def new_customer_page(request: Request, who: StaffDep) -> Response:
    # The form alone: no service runs until it is posted.
    who.principal.require("customer:edit")
    return render(request, "new_customer.html", {"values": {}, "errors": {}}, who)


@router.post("/customers/new")
def new_customer(request: Request, who: StaffDep, heed: HeedDep, form: FormDep) -> Response:
    values = {k: text(form, k) for k in ("name", *NEW_CONTACT_FIELDS, "billing_address")}
    delivery = texts(form, "invoice_delivery") or ["mail"]
    fields = [k for k in NEW_CONTACT_FIELDS if values[k]]
    data = {
        "name": values["name"],
        "billing_address": values["billing_address"] or None,
        "invoice_delivery": delivery,
        "contacts": [{"kind": k, "value": values[k]} for k in fields],
    }
    location = _first_location(form)
    if location is not None:
        data["locations"] = [location]
    try:
        created = customers.create_customer(heed.uow, who.principal, CustomerInput.parse(data))
    except Forbidden:
        raise
    except HeedError as error:
        # contacts[i] is the i-th filled contact field of the form.
        match = re.match(r"contacts\[(\d+)\]", str(error.details.get("field") or ""))
        key = fields[int(match.group(1))] if match else field_of(error) or "name"
        values["invoice_delivery"] = ",".join(delivery)
        errors: dict[str, Any] = {key: error.message}
        if key == "locations":
            errors = {"location": {places.error_part(error, "locations[0]"): error.message}}
        context = {"values": {**values, **_location_values(form)}, "errors": errors}
        return render(request, "new_customer.html", context, who, status=422)
    return RedirectResponse(f"/customers/{created['id']}", status_code=303)


def _first_location(form: FormData) -> dict[str, Any] | None:
    """The form's first location, when any of its fields was filled in; named after its
    street when no name was typed."""
    address = places.address_from_form(form, "location_")
    name = text(form, "location_name")
    zone = text(form, "location_time_zone") or None
    if address is None and not name and zone is None:
        return None
    street = address.get("street") if address else ""
    return {"name": name or street, "address": address, "time_zone": zone}


def _location_values(form: FormData) -> dict[str, Any]:
    """The first location's fields as typed, for the form shown again."""
    return {
        "location_name": text(form, "location_name"),
        "location_time_zone": text(form, "location_time_zone"),
        "location": places.address_from_form(form, "location_") or {},
    }


# ---- AR ------------------------------------------------------------------------------------

DELIVERY_FILTERS = {"any": None, "mail": "mail", "email": "email", "both": "both"}
FLAG_FILTERS = {"any": None, "yes": True, "no": False}


def _filters(delivery: str, flagged: str) -> dict[str, Any]:
    """The AR page's filters as the customer lists take them; an unknown one is "any"."""
    return {
        "invoice_delivery": DELIVERY_FILTERS.get(delivery),
        "flagged": FLAG_FILTERS.get(flagged),
    }


@router.get("/ar")
def ar(
    request: Request,
    who: StaffDep,
    heed: HeedDep,
    delivery: str = "any",
    flagged: str = "any",
    cursor: str | None = None,
) -> Response:
    filters = _filters(delivery, flagged)
    page = customers.list_customers(heed.uow, who.principal, limit=100, cursor=cursor, **filters)
    context = {
        "items": page["items"],
        "next_cursor": page["next_cursor"],
        "delivery": delivery if delivery in DELIVERY_FILTERS else "any",
        "flagged": flagged if flagged in FLAG_FILTERS else "any",
        "query": f"delivery={quote(delivery)}&flagged={quote(flagged)}",
    }
    return render(request, "ar.html", context, who)


@router.get("/ar.csv")
def ar_csv(
    request: Request, who: StaffDep, heed: HeedDep, delivery: str = "any", flagged: str = "any"
) -> Response:
    rows = customers.list_all_customers(heed.uow, who.principal, **_filters(delivery, flagged))
    return StreamingResponse(
        ar_csv_lines(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="heed-ar.csv"'},
    )


__all__ = ["View", "record", "router", "view_from"]
