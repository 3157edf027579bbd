"""Search, new customers, the customer and location record, and the AR list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from starlette.datastructures import FormData

from heed.adapters.csvfile import csv_text
from heed.bootstrap import Heed
from heed.domain.errors import (
    Conflict,
    HeedError,
    NotFound,
)
from heed.entrypoints.web.base import (
    _BACK,
    KIND_LABELS,
    FormDep,
    HeedDep,
    PageRoute,
    Staff,
    StaffDep,
    checked,
    field_of,
    render,
    text,
    texts,
)
from heed.services import contacts, customers, decisions, messages

router = APIRouter(route_class=PageRoute, include_in_schema=False)


# ---- search and new customers ------------------------------------------------------------


@router.get("/")
def search(
    request: Request, who: StaffDep, heed: HeedDep, q: str = "", cursor: str | None = None
) -> Response:
    who.principal.require("customer:view")
    page = customers.list_customers(heed.uow, who.principal, q=q or None, limit=50, cursor=cursor)
    return render(
        request,
        "search.html",
        {"q": q, "items": page["items"], "next_cursor": page["next_cursor"]},
        who,
    )


@router.get("/customers/new")
def new_customer_page(request: Request, who: StaffDep) -> Response:
    who.principal.require("customer:edit")
    return render(request, "new_customer.html", {"values": {}, "errors": {}}, who)


@router.post("/customers/new")
def new_customer(request: Request, who: StaffDep, heed: HeedDep, form: FormDep) -> Response:
    who.principal.require("customer:edit")
    values = {k: text(form, k) for k in ("name", "mobile", "phone", "email", "billing_address")}
    delivery = texts(form, "invoice_delivery") or ["mail"]
    fields = [k for k in ("mobile", "phone", "email") if values[k]]
    data = {
        "name": values["name"],
        "billing_address": values["billing_address"] or None,
        "invoice_delivery": delivery,
        "contacts": [{"kind": k, "value": values[k]} for k in fields],
    }
    try:
        created = customers.create_customer(heed.uow, who.principal, data)
    except HeedError as error:
        name = str(error.details.get("field") or "")
        match = re.match(r"contacts\[(\d+)\]", name)
        key = fields[int(match.group(1))] if match else field_of(error) or "name"
        values["invoice_delivery"] = ",".join(delivery)
        return render(
            request,
            "new_customer.html",
            {"values": values, "errors": {key: error.message}},
            who,
            status=422,
        )
    return RedirectResponse(f"/customers/{created['id']}", status_code=303)


# ---- the customer record ------------------------------------------------------------------


@dataclass
class View:
    """Which record page a change answers with: the customer, or one of its locations."""

    customer_id: str
    location_id: str | None = None

    @property
    def path(self) -> str:
        if self.location_id:
            return f"/locations/{self.location_id}"
        return f"/customers/{self.customer_id}"


def view_from(heed: Heed, who: Staff, back: str, customer_id: str) -> View:
    match = _BACK.match(back)
    if match and match.group(1) == "locations":
        location = customers.get_location(heed.uow, who.principal, match.group(2))
        if location["customer_id"] == customer_id:
            return View(customer_id, location["id"])
    return View(customer_id)


def record(
    request: Request,
    heed: Heed,
    who: Staff,
    view: View,
    *,
    status: int = 200,
    **state: Any,
) -> HTMLResponse:
    p = who.principal
    p.require("location:view" if view.location_id else "customer:view")
    customer = customers.get_customer(heed.uow, p, view.customer_id)
    locations = customer["locations"]
    if view.location_id:
        locations = [loc for loc in locations if loc["id"] == view.location_id]
        if not locations:
            raise NotFound("No location with this id.")
    if p.can("location:view"):
        for location in locations:
            location["job_contacts"] = decisions.recipients_for(
                heed.uow,
                p,
                customer_id=customer["id"],
                location_id=location["id"],
                category="job",
                channel="sms",
            )
    else:
        locations = []
    shown = ([] if view.location_id else customer["contacts"]) + [
        c for loc in locations for c in loc["contacts"]
    ]
    sent = (
        messages.list_messages(heed.uow, p, contact_ids=[c["id"] for c in shown], limit=10)
        if shown
        else []
    )
    by_id = {c["id"]: c for c in shown}
    for message in sent:
        contact = by_id.get(message["contact_id"] or "")
        message["to_display"] = contact["display"] if contact else message["to"]
    context = {
        "customer": customer,
        "locations": locations,
        "location": locations[0] if view.location_id else None,
        "view": view,
        "base": view.path,
        "sendable": [c for c in shown if c["kind"] in ("mobile", "phone", "email")],
        "messages": sent,
        "panel": None,
        "errors": {},
        "values": {},
        **state,
    }
    return render(request, "customer.html", context, who, status)


def _open_panel(open: str) -> dict[str, Any] | None:
    kind, _, contact_id = open.partition(":")
    if kind in ("settings", "edit") and contact_id:
        return {"kind": kind, "contact_id": contact_id, "errors": {}}
    return None


@router.get("/customers/{customer_id}")
def customer_page(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, open: str = ""
) -> Response:
    return record(request, heed, who, View(customer_id), panel=_open_panel(open))


@router.get("/locations/{location_id}")
def location_page(
    request: Request, location_id: str, who: StaffDep, heed: HeedDep, open: str = ""
) -> Response:
    who.principal.require("location:view")
    location = customers.get_location(heed.uow, who.principal, location_id)
    view = View(location["customer_id"], location_id)
    return record(request, heed, who, view, panel=_open_panel(open))


@router.post("/customers/{customer_id}/details")
def customer_details(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    who.principal.require("customer:edit")
    data = {"name": text(form, "name"), "billing_address": text(form, "billing_address") or None}
    try:
        customers.update_customer(heed.uow, who.principal, customer_id, data)
    except HeedError as error:
        return record(
            request,
            heed,
            who,
            View(customer_id),
            status=422,
            errors={"details": {field_of(error) or "name": error.message}},
            values={"details": data},
        )
    return record(request, heed, who, View(customer_id), notice="Details saved.")


@router.post("/customers/{customer_id}/do-not-mail")
def do_not_mail(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    who.principal.require("customer:edit")
    value = checked(form, "do_not_mail")
    customers.update_customer(heed.uow, who.principal, customer_id, {"do_not_mail": value})
    notice = (
        "Do Not Mail is on: every notification on this customer and its locations is off "
        "and locked."
        if value
        else "Do Not Mail is off. Notifications stay off until you turn them on, "
        "contact by contact."
    )
    view = view_from(heed, who, text(form, "back"), customer_id)
    return record(request, heed, who, view, notice=notice)


@router.post("/customers/{customer_id}/invoice-delivery")
def invoice_delivery(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    who.principal.require("customer:edit")
    chosen = texts(form, "invoice_delivery")
    try:
        customers.update_customer(
            heed.uow, who.principal, customer_id, {"invoice_delivery": chosen}
        )
    except HeedError as error:
        return record(
            request,
            heed,
            who,
            View(customer_id),
            status=422,
            errors={"invoice_delivery": {"invoice_delivery": "Choose Mail, Email or both."}},
            error=error.message,
        )
    return record(
        request, heed, who, View(customer_id), notice="Invoice & statement delivery saved."
    )


@router.post("/customers/{customer_id}/contacts")
def add_customer_contact(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    who.principal.require("customer:edit")
    return _add_contact(request, heed, who, form, View(customer_id), customer_id=customer_id)


@router.post("/locations/{location_id}/contacts")
def add_location_contact(
    request: Request, location_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    who.principal.require("location:edit")
    location = customers.get_location(heed.uow, who.principal, location_id)
    view = view_from(heed, who, text(form, "back"), location["customer_id"])
    return _add_contact(request, heed, who, form, view, location_id=location_id)


def _add_contact(
    request: Request,
    heed: Heed,
    who: Staff,
    form: FormData,
    view: View,
    *,
    customer_id: str | None = None,
    location_id: str | None = None,
) -> Response:
    data = {"kind": text(form, "kind"), "value": text(form, "value"), "memo": text(form, "memo")}
    key = f"add:{location_id or 'customer'}"
    try:
        added = contacts.add_contact(
            heed.uow, who.principal, data, customer_id=customer_id, location_id=location_id
        )
    except HeedError as error:
        return record(
            request,
            heed,
            who,
            view,
            status=422,
            errors={key: {field_of(error) or "value": error.message}},
            values={key: data},
        )
    return record(
        request, heed, who, view, notice=f"Added {KIND_LABELS[added['kind']]} {added['display']}."
    )


@router.post("/customers/{customer_id}/locations")
def add_location(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    who.principal.require("location:edit")
    data = {
        "name": text(form, "name"),
        "address": text(form, "address") or None,
        "time_zone": text(form, "time_zone") or None,
    }
    try:
        customers.create_location(heed.uow, who.principal, customer_id, data)
    except HeedError as error:
        return record(
            request,
            heed,
            who,
            View(customer_id),
            status=422,
            errors={"add-location": {field_of(error) or "name": error.message}},
            values={"add-location": data},
        )
    return record(request, heed, who, View(customer_id), notice=f"Location {data['name']} added.")


@router.post("/customers/{customer_id}/messages")
def send(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    who.principal.require("messages:send")
    view = view_from(heed, who, text(form, "back"), customer_id)
    contact_id, body = text(form, "contact_id"), text(form, "body")
    values = {"send": {"contact_id": contact_id, "body": body}}
    try:
        contact = contacts.get_contact(heed.uow, who.principal, contact_id)
        if contact["customer_id"] != customer_id:
            raise NotFound("Choose one of this customer's contacts.", field="contact_id")
        channel = "email" if contact["kind"] == "email" else "sms"
        sent = messages.send_message(
            heed.uow,
            who.principal,
            messages.SendMessage(channel, body, contact_id=contact_id, manual=True),
        )
    except HeedError as error:
        key = "body" if field_of(error) == "body" else "contact_id"
        return record(
            request,
            heed,
            who,
            view,
            status=409 if isinstance(error, Conflict) else 422,
            errors={"send": {key: error.message}},
            values=values,
        )
    what = "Email" if channel == "email" else "Text"
    notice = f"{what} to {contact['display']} queued."
    if sent["status"] == "deferred":
        notice = (
            f"{what} to {contact['display']} will go out at {sent['not_before']} (sending window)."
        )
    if "saved_as_landline" in sent.get("warnings", []):
        notice += " This number is saved as a landline (Phone); it may not receive texts."
    return record(request, heed, who, view, notice=notice)


# ---- AR ------------------------------------------------------------------------------------

DELIVERY_FILTERS = {"any": None, "mail": "mail", "email": "email", "both": "both"}
FLAG_FILTERS = {"any": None, "yes": True, "no": False}


def _ar_filters(delivery: str, flagged: str) -> tuple[str | None, bool | None]:
    return DELIVERY_FILTERS.get(delivery), FLAG_FILTERS.get(flagged)


@router.get("/ar")
def ar(
    request: Request,
    who: StaffDep,
    heed: HeedDep,
    delivery: str = "any",
    flagged: str = "any",
    cursor: str | None = None,
) -> Response:
    who.principal.require("customer:view")
    chosen, flag = _ar_filters(delivery, flagged)
    page = customers.list_customers(
        heed.uow, who.principal, invoice_delivery=chosen, flagged=flag, limit=100, cursor=cursor
    )
    query = f"delivery={quote(delivery)}&flagged={quote(flagged)}"
    return render(
        request,
        "ar.html",
        {
            "items": page["items"],
            "next_cursor": page["next_cursor"],
            "delivery": delivery if delivery in DELIVERY_FILTERS else "any",
            "flagged": flagged if flagged in FLAG_FILTERS else "any",
            "query": query,
        },
        who,
    )


@router.get("/ar.csv")
def ar_csv(
    request: Request, who: StaffDep, heed: HeedDep, delivery: str = "any", flagged: str = "any"
) -> Response:
    who.principal.require("customer:view")
    chosen, flag = _ar_filters(delivery, flagged)
    rows: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page = customers.list_customers(
            heed.uow, who.principal, invoice_delivery=chosen, flagged=flag, limit=200, cursor=cursor
        )
        rows.extend(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    return StreamingResponse(
        _csv_lines(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="heed-ar.csv"'},
    )


def _csv_lines(rows: list[dict[str, Any]]) -> Iterator[str]:
    yield csv_text(
        ["customer_id", "name", "invoice_delivery", "do_not_mail", "billing_address", "flags"],
        (
            [
                row["id"],
                row["name"],
                "+".join(row["invoice_delivery"]),
                "yes" if row["do_not_mail"] else "no",
                row["billing_address"] or "",
                " ".join(row["flags"]),
            ]
            for row in rows
        ),
    )
