"""Search, new customers and the AR list."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse
from starlette.datastructures import FormData

from heed.domain.errors import Invalid
from heed.domain.preferences import CATEGORIES
from heed.entrypoints.web import base, highlight, places
from heed.entrypoints.web.base import (
    FormDep,
    HeedDep,
    PageRoute,
    StaffDep,
    checked,
    render,
    text,
    texts,
)
from heed.entrypoints.web.record import View, record, view_from
from heed.services import customers
from heed.services import search as find
from heed.services.customer_lists import ar_csv_lines
from heed.services.new_customer import (
    ContactFields,
    Duplicate,
    NewCustomerForm,
    add_customer_from_form,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

# The form's contact slots: (slot, kind, label, input type).
NEW_CONTACT_SLOTS = (
    ("mobile", "mobile", "Mobile", "tel"),
    ("phone", "phone", "Landline", "tel"),
    ("email", "email", "Email", "email"),
)
base.TEMPLATES.env.globals["NEW_CONTACT_SLOTS"] = NEW_CONTACT_SLOTS
base.TEMPLATES.env.filters["mark_text"] = highlight.mark_text
base.TEMPLATES.env.filters["mark_digits"] = highlight.mark_digits


@router.get("/")
def search(
    request: Request, who: StaffDep, heed: HeedDep, q: str = "", cursor: str | None = None
) -> Response:
    try:
        page = find.search_customers(heed.uow, who.principal, q, limit=50, cursor=cursor)
    except Invalid as error:
        context: dict[str, Any] = {"q": q, "items": [], "q_error": error.message}
        return render(request, "search.html", context, who, status=422)
    return render(request, "search.html", {"q": q, **page}, who)


@router.get("/customers/new")
def new_customer_page(request: Request, who: StaffDep, heed: HeedDep) -> Response:
    # The form alone: no service runs until it is posted.
    who.principal.require("customer:edit")
    return render(request, "new_customer.html", _form_context({}, {}, ()), who)


def _form_context(
    values: dict[str, Any], errors: dict[str, str], duplicates: tuple[Duplicate, ...]
) -> dict[str, Any]:
    """The form's values as typed (a fresh form when empty), its problems by field and
    the first of them in the form's order, which gets the focus."""
    order = ["name"]
    for slot, *_ in NEW_CONTACT_SLOTS:
        order += [slot, f"{slot}_memo", f"{slot}_notifications"]
    order += ["billing_address", "invoice_delivery"]
    first = next((field for field in order if field in errors), None)
    # The first location's problems, by the part of the location they name.
    place = {k.removeprefix("location."): v for k, v in errors.items() if k.startswith("location.")}
    shown: dict[str, Any] = {k: v for k, v in errors.items() if not k.startswith("location.")}
    if place:
        shown["location"] = place
    return {
        "values": values,
        "fresh": not values,
        "errors": shown,
        "first_error": first,
        "duplicates": duplicates,
    }


def _form_of(form: FormData) -> NewCustomerForm:
    return NewCustomerForm(
        name=text(form, "name"),
        billing_address=text(form, "billing_address"),
        invoice_delivery=tuple(texts(form, "invoice_delivery")),
        do_not_mail=checked(form, "do_not_mail"),
        contacts=tuple(
            ContactFields(
                slot,
                kind,
                text(form, slot),
                text(form, f"{slot}_memo"),
                {c: checked(form, f"{slot}_{c}") for c in CATEGORIES},
            )
            for slot, kind, *_ in NEW_CONTACT_SLOTS
            if text(form, slot)
        ),
        save_anyway=checked(form, "save_anyway"),
        location=_first_location(form),
    )


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


@router.post("/customers/new")
def new_customer(request: Request, who: StaffDep, heed: HeedDep, form: FormDep) -> Response:
    answer = add_customer_from_form(heed.uow, who.principal, _form_of(form))
    if answer.customer_id is not None:
        return RedirectResponse(f"/customers/{answer.customer_id}?done=created", status_code=303)
    context = _form_context(_as_typed(form), answer.problems, answer.duplicates)
    status = 422 if answer.problems else 409
    return render(request, "new_customer.html", context, who, status=status)


def _as_typed(form: FormData) -> dict[str, Any]:
    """The form's fields as typed, to fill the form in again."""
    values: dict[str, Any] = {name: text(form, name) for name in ("name", "billing_address")}
    for slot, *_ in NEW_CONTACT_SLOTS:
        values[slot] = text(form, slot)
        values[f"{slot}_memo"] = text(form, f"{slot}_memo")
        values.update({f"{slot}_{c}": checked(form, f"{slot}_{c}") for c in CATEGORIES})
    values["invoice_delivery"] = texts(form, "invoice_delivery")
    values["do_not_mail"] = checked(form, "do_not_mail")
    values["location_name"] = text(form, "location_name")
    values["location_time_zone"] = text(form, "location_time_zone")
    values["location"] = places.address_from_form(form, "location_") or {}
    return values


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
